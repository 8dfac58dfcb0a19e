package io.isobench.agent;

import io.isobench.BadInputException;
import io.isobench.host.InfluentialVariables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The process environment every agent starts with, wherever it runs (native child, container, VM
 * guest): the same explicit variables, chosen by isobench, never inherited from the invoking shell.
 *
 * <p>Why: a comparison measures isolation only if everything else is the same. A shell that sets
 * {@code OPENBLAS_CORETYPE=Haswell} made the native agent run other BLAS kernels than the containers
 * (which do not inherit the shell) and LINPACK in Docker came out 1.4x "faster" than native.
 * Variables of the families in {@link InfluentialVariables} change what a workload does; when the invoking
 * shell has them they are recorded and named in one warning, and passed on only when the user asks
 * ({@code --pass-env NAME} or the suite's {@code pass_env}), then to every environment alike.
 *
 * @param variables     what every agent gets: {@link #BASE} plus the passed-through variables
 * @param passedThrough the variables passed on at the user's request, with their values
 * @param leftBehind    influential variables the invoking shell has and that were not passed on
 */
public record AgentEnvironment(Map<String, String> variables, Map<String, String> passedThrough, Map<String, String> leftBehind) {

    /**
     * The base set, identical in every environment: a standard PATH (every image has these
     * folders), a fixed UTF-8 locale and time zone, and HOME (root's home: agents run as root in
     * containers and guests, and natively a workload never reads HOME).
     */
    public static final Map<String, String> BASE = baseVariables();

    /** A name a user may pass through: a plain environment variable name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public AgentEnvironment {
        variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        passedThrough = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(passedThrough));
        leftBehind = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(leftBehind));
    }

    private static Map<String, String> baseVariables() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        m.put("HOME", "/root");
        m.put("LANG", "C.UTF-8");
        m.put("LC_ALL", "C.UTF-8");
        m.put("TZ", "UTC");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Only the base set: for tests and tools that start an agent outside a run. */
    public static AgentEnvironment base() {
        return new AgentEnvironment(BASE, Map.of(), Map.of());
    }

    /**
     * The environment for a run.
     *
     * @param invoking the invoking shell's environment ({@code System.getenv()})
     * @param passEnv  names the user asked to pass through; each must be set in {@code invoking}
     * @param where    where {@code passEnv} was given, for messages (e.g. "--pass-env")
     */
    public static AgentEnvironment of(Map<String, String> invoking, List<String> passEnv, String where) {
        Map<String, String> passed = new LinkedHashMap<>();
        for (String name : passEnv) {
            if (!NAME.matcher(name).matches()) {
                throw new BadInputException(where + " '" + name + "' is not a variable name: write a name such as OPENBLAS_CORETYPE");
            }
            String value = invoking.get(name);
            if (value == null) {
                throw new BadInputException(where + " " + name + ": the invoking shell does not set it; set it (export " + name
                        + "=...) or drop it from " + where);
            }
            passed.put(name, value);
        }
        Map<String, String> vars = new LinkedHashMap<>(BASE);
        vars.putAll(passed);
        Map<String, String> left = new TreeMap<>();
        invoking.forEach((k, v) -> {
            if (influential(k) && !passed.containsKey(k) && !v.equals(BASE.get(k))) {
                left.put(k, v);
            }
        });
        return new AgentEnvironment(vars, passed, left);
    }

    /**
     * The invoking shell's environment. The {@code isobench} launcher keeps the JVM's own option
     * variables ({@code JAVA_TOOL_OPTIONS}, {@code _JAVA_OPTIONS}, {@code JDK_JAVA_OPTIONS}) away
     * from the controller's JVM (which drives the load of server workloads) by renaming them to
     * {@code ISOBENCH_SHELL_<NAME>}; they are read back here under their own names.
     */
    public static Map<String, String> invokingShell() {
        return invokingShell(System.getenv());
    }

    /** {@link #invokingShell()} of a given process environment. */
    static Map<String, String> invokingShell(Map<String, String> processEnv) {
        Map<String, String> env = new LinkedHashMap<>(processEnv);
        for (String name : List.copyOf(env.keySet())) {
            if (name.startsWith(SHELL_PREFIX)) {
                env.put(name.substring(SHELL_PREFIX.length()), env.remove(name));
            }
        }
        return env;
    }

    /** Prefix under which the launcher hands the shell's JVM option variables on. */
    static final String SHELL_PREFIX = "ISOBENCH_SHELL_";

    /** Whether a variable of this name changes what a workload does (see {@link InfluentialVariables}). */
    public static boolean influential(String name) {
        return InfluentialVariables.influential(name);
    }

    /** The variables as {@code NAME=VALUE} strings, in order (Docker's Env, {@code env -i} arguments). */
    public List<String> assignments() {
        List<String> out = new ArrayList<>();
        variables.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** The one warning about variables left behind, or null when there are none. */
    public String warning() {
        if (leftBehind.isEmpty()) {
            return null;
        }
        return "the invoking shell sets " + String.join(", ", leftBehind.keySet()) + ", which change what workloads do; agents in every "
                + "environment start without them (recorded in run.json). To measure with one, pass it to every environment alike: "
                + "--pass-env NAME";
    }

    /** For run.json: what every agent got, what was passed on, and what was left behind. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("variables", variables);
        m.put("passed_through", passedThrough);
        m.put("left_behind", leftBehind);
        return m;
    }

    /** Reads {@link #toMap()} back (a resumed run keeps the values it started with). */
    @SuppressWarnings("unchecked")
    public static AgentEnvironment fromMap(Map<String, Object> m) {
        if (m == null || !(m.get("variables") instanceof Map<?, ?>)) {
            return base();
        }
        return new AgentEnvironment((Map<String, String>) m.get("variables"),
                (Map<String, String>) m.getOrDefault("passed_through", Map.of()), (Map<String, String>) m.getOrDefault("left_behind", Map.of()));
    }
}
