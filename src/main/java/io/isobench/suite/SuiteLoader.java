package io.isobench.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.isobench.BadInputException;
import io.isobench.Names;
import io.isobench.client.ClientSpec;
import io.isobench.remote.SshHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a suite from YAML: a built-in one by name ({@code quick}, {@code paper}, ...) or a file.
 * Every key is checked; an unknown key or a wrong type is reported with the file, line and column
 * and, where one is close, the key that was probably meant.
 *
 * <pre>
 * name: my-suite
 * baseline: native
 * seed: 42
 * repetition: {warmup: 1, iterations: 5, target: 0.02, max: 20, budget: 30m}
 * workloads:
 *   - name: stream
 *     params: {threads: [1, 2]}
 *     repetition: {iterations: 6, max: 16}      # this workload's own, over the suite's
 * environments:
 *   - name: native
 *   - name: docker
 *     variants: [{network: host}, {network: nat}]
 * </pre>
 */
public final class SuiteLoader {

    /** The built-in suites, in the jar under io/isobench/suites/. */
    public static final List<String> BUILT_IN = List.of("quick", "paper", "sandbox");

    private static final Set<String> TOP = Set.of("name", "description", "baseline", "seed", "repetition", "workloads", "environments",
            "pass_env", ClientSpec.KEY, "hosts");
    private static final Set<String> HOST = Set.of("name", "address", "user", "port", "key");
    private static final Set<String> CLIENT = Set.of(ClientSpec.PLACE_KEY, ClientSpec.LINK_KEY);
    private static final Set<String> REPETITION = Set.of("warmup", "iterations", "target", "max", "budget");
    private static final Set<String> WORKLOAD_REPETITION = Set.of("warmup", "iterations", "target", "max");
    private static final Set<String> WORKLOAD = Set.of("name", "params", "repetition");
    private static final Set<String> ENVIRONMENT = Set.of("name", "variants");

    private SuiteLoader() {
    }

    /** A built-in suite's name or a path to a YAML file. */
    public static Suite load(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) {
            try (InputStream in = SuiteLoader.class.getResourceAsStream("/io/isobench/suites/" + nameOrPath + ".yaml")) {
                if (in != null) {
                    return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "suite '" + nameOrPath + "'");
                }
            } catch (IOException e) {
                throw new IllegalStateException("the built-in suite " + nameOrPath + " cannot be read", e);
            }
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new BadInputException("--suite " + nameOrPath + ": no such built-in suite or file"
                    + Names.suggestion(nameOrPath, BUILT_IN) + "; built-in suites: " + String.join(", ", BUILT_IN)
                    + " (see: isobench list suites)");
        }
        try {
            return parse(Files.readString(p), p.toString());
        } catch (IOException e) {
            throw new BadInputException("--suite " + nameOrPath + ": cannot read the file (" + e.getMessage() + ")");
        }
    }

    /** Parses YAML text; {@code source} names it in messages as {@code source:line:column}. */
    public static Suite parse(String yaml, String source) {
        LocatedYaml.Node root = LocatedYaml.parse(yaml, source);
        if (!(root instanceof LocatedYaml.Mapping top)) {
            throw new BadInputException(root.at() + ": a suite is a YAML mapping with 'workloads' and 'environments'");
        }
        checkKeys(top, TOP, "the suite");
        String name = text(top, "name", source.replace("suite '", "").replace("'", ""));
        Repetition rep = Repetition.fixed(1, 5);
        LocatedYaml.Node r = top.get("repetition");
        if (r != null) {
            rep = repetition(r, "repetition", null, true);
        }
        List<Suite.WorkloadEntry> workloads = new ArrayList<>();
        LocatedYaml.Node ws = top.get("workloads");
        if (!(ws instanceof LocatedYaml.Seq wseq)) {
            throw new BadInputException((ws == null ? top.at() : ws.at())
                    + ": 'workloads' must be a list, e.g. workloads: [{name: stream, params: {threads: 2}}]");
        }
        for (LocatedYaml.Node w : wseq.items()) {
            if (w instanceof LocatedYaml.Scalar sc) {
                workloads.add(new Suite.WorkloadEntry(sc.text(), new LinkedHashMap<>(), sc.at()));
                continue;
            }
            LocatedYaml.Mapping wm = mapping(w, "a workload", "{name: stream, params: {...}}");
            checkKeys(wm, WORKLOAD, "a workload");
            String wn = text(wm, "name", null);
            if (wn == null) {
                throw new BadInputException(wm.at() + ": this workload needs a 'name' (see: isobench list workloads)");
            }
            Map<String, Object> params = new LinkedHashMap<>();
            Map<String, String> where = new LinkedHashMap<>();
            LocatedYaml.Node pn = wm.get("params");
            if (pn != null) {
                LocatedYaml.Mapping pm = mapping(pn, "params", "{threads: 2}");
                pm.entries().forEach((k, e) -> {
                    params.put(k, LocatedYaml.plain(e.value()));
                    where.put(k, e.keyAt());
                });
            }
            LocatedYaml.Node wr = wm.get("repetition");
            Repetition own = wr == null ? null : repetition(wr, "the repetition of workload '" + wn + "'", rep, false);
            workloads.add(new Suite.WorkloadEntry(wn, params, wm.get("name").at(), where, own));
        }
        List<Suite.EnvironmentEntry> envs = new ArrayList<>();
        LocatedYaml.Node es = top.get("environments");
        if (!(es instanceof LocatedYaml.Seq eseq)) {
            throw new BadInputException((es == null ? top.at() : es.at())
                    + ": 'environments' must be a list, e.g. environments: [native, {name: docker, variants: [{network: nat}]}]");
        }
        for (LocatedYaml.Node e : eseq.items()) {
            if (e instanceof LocatedYaml.Scalar sc) {
                envs.add(new Suite.EnvironmentEntry(sc.text(), List.of(), sc.at()));
                continue;
            }
            LocatedYaml.Mapping em = mapping(e, "an environment", "{name: docker, variants: [{network: nat}]}");
            checkKeys(em, ENVIRONMENT, "an environment");
            String en = text(em, "name", null);
            if (en == null) {
                throw new BadInputException(em.at() + ": this environment needs a 'name' (see: isobench list environments)");
            }
            List<Map<String, Object>> variants = new ArrayList<>();
            List<String> variantWhere = new ArrayList<>();
            LocatedYaml.Node vs = em.get("variants");
            if (vs != null) {
                List<LocatedYaml.Node> items = vs instanceof LocatedYaml.Seq q ? q.items() : List.of(vs);
                for (LocatedYaml.Node v : items) {
                    LocatedYaml.Mapping vm = mapping(v, "a variant", "{network: nat, storage: volume}");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> settings = (Map<String, Object>) LocatedYaml.plain(vm);
                    variants.add(settings);
                    variantWhere.add(vm.at());
                }
            }
            envs.add(new Suite.EnvironmentEntry(en, variants, em.get("name").at(), variantWhere));
        }
        long seed = 1;
        LocatedYaml.Node sn = top.get("seed");
        if (sn != null) {
            if (!(sn instanceof LocatedYaml.Scalar sc) || !(sc.value() instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue())) {
                throw new BadInputException(sn.at() + ": seed must be an integer");
            }
            seed = num.longValue();
        }
        List<String> passEnv = new ArrayList<>();
        LocatedYaml.Node pe = top.get("pass_env");
        if (pe != null) {
            for (LocatedYaml.Node item : pe instanceof LocatedYaml.Seq q ? q.items() : List.of(pe)) {
                if (!(item instanceof LocatedYaml.Scalar sc) || sc.value() == null || !sc.text().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new BadInputException(item.at() + ": pass_env takes variable names, e.g. pass_env: [OPENBLAS_CORETYPE]");
                }
                passEnv.add(sc.text());
            }
        }
        return new Suite(name, text(top, "description", ""), workloads, envs, rep, text(top, "baseline", "native"), seed, passEnv,
                client(top.get(ClientSpec.KEY)), hosts(top.get("hosts")));
    }

    /**
     * {@code hosts: [root@192.0.2.10, {address: 192.0.2.11, user: bench, port: 2222, key: ~/.ssh/bench, name: b}]}:
     * the machines to run on over SSH; absent: this machine.
     */
    private static List<SshHost> hosts(LocatedYaml.Node n) {
        List<SshHost> hosts = new ArrayList<>();
        if (n == null || (n instanceof LocatedYaml.Scalar sc0 && sc0.value() == null)) {
            return hosts;
        }
        if (!(n instanceof LocatedYaml.Seq seq)) {
            throw new BadInputException(n.at() + ": 'hosts' must be a list, e.g. hosts: [root@192.0.2.10, {address: 192.0.2.11, user: bench}]");
        }
        for (LocatedYaml.Node item : seq.items()) {
            SshHost h;
            if (item instanceof LocatedYaml.Scalar sc) {
                h = SshHost.parse(sc.text(), sc.at());
            } else {
                LocatedYaml.Mapping m = mapping(item, "a host", "{address: 192.0.2.11, user: bench, port: 22, key: ~/.ssh/id_ecdsa}");
                checkKeys(m, HOST, "a host");
                String address = text(m, "address", null);
                if (address == null) {
                    throw new BadInputException(m.at() + ": this host needs an 'address', e.g. {address: 192.0.2.11, user: bench}");
                }
                SshHost parsed = SshHost.parse(address, m.get("address").at());
                String user = text(m, "user", parsed.user());
                int port = m.get("port") == null ? parsed.port() : integer(m, "port", SshHost.DEFAULT_PORT);
                String key = text(m, "key", null);
                java.nio.file.Path keyPath = null;
                if (key != null) {
                    keyPath = java.nio.file.Path.of(key.startsWith("~/") ? System.getProperty("user.home") + key.substring(1) : key);
                }
                String where = m.at();
                h = new SshHost(text(m, "name", null), user, parsed.address(), port, keyPath, where);
            }
            for (SshHost o : hosts) {
                if (o.name().equals(h.name())) {
                    throw new BadInputException(h.where() + ": host '" + h.name() + "' is named twice (first at " + o.where()
                            + "): give one of them another name, e.g. {address: ..., name: b}");
                }
            }
            hosts.add(h);
        }
        return hosts;
    }

    /** {@code client: netns} or {@code client: {place: netns, link: 10gbit}}; absent: auto. */
    private static ClientSpec client(LocatedYaml.Node n) {
        if (n == null || (n instanceof LocatedYaml.Scalar sc && sc.value() == null)) {
            return ClientSpec.DEFAULT;
        }
        if (n instanceof LocatedYaml.Scalar sc) {
            if (ClientSpec.isSsh(sc.text())) {
                return ClientSpec.ssh(sc.text(), sc.at());
            }
            return new ClientSpec(ClientSpec.place(sc.text(), sc.at()), null).validate(sc.at());
        }
        LocatedYaml.Mapping m = mapping(n, ClientSpec.KEY, "{place: netns, link: 10gbit}");
        checkKeys(m, CLIENT, ClientSpec.KEY);
        String place = text(m, ClientSpec.PLACE_KEY, "auto");
        LocatedYaml.Node pn = m.get(ClientSpec.PLACE_KEY);
        LocatedYaml.Node ln = m.get(ClientSpec.LINK_KEY);
        if (ClientSpec.isSsh(place)) {
            return new ClientSpec(ClientSpec.Place.SSH, text(m, ClientSpec.LINK_KEY, null), SshHost.parse(place, pn.at()))
                    .validate(ln == null ? m.at() : ln.at());
        }
        return new ClientSpec(ClientSpec.place(place, pn == null ? m.at() : pn.at()), text(m, ClientSpec.LINK_KEY, null))
                .validate(ln == null ? m.at() : ln.at());
    }

    private static LocatedYaml.Mapping mapping(LocatedYaml.Node n, String what, String example) {
        if (n instanceof LocatedYaml.Mapping m) {
            return m;
        }
        throw new BadInputException(n.at() + ": " + what + " must be a mapping, e.g. " + example);
    }

    private static void checkKeys(LocatedYaml.Mapping m, Set<String> allowed, String what) {
        for (LocatedYaml.Entry e : m.entries().values()) {
            if (!allowed.contains(e.key())) {
                throw new BadInputException(e.keyAt() + ": unknown key '" + e.key() + "' in " + what
                        + Names.suggestion(e.key(), allowed) + "; allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    /**
     * {@code {warmup: 1, iterations: 3, target: 0.05, max: 12, budget: 9m}}: the suite's policy
     * ({@code over} null: unset keys take the defaults), or a workload's own ({@code over} the
     * suite's: unset keys are the suite's; no budget, which is the run's).
     */
    private static Repetition repetition(LocatedYaml.Node n, String what, Repetition over, boolean suiteLevel) {
        LocatedYaml.Mapping rm = mapping(n, what, "{warmup: 1, iterations: 5}");
        if (!suiteLevel && rm.get("budget") != null) {
            throw new BadInputException(rm.entries().get("budget").keyAt() + ": the time budget is the whole run's: set it in the suite's "
                    + "repetition (repetition: {budget: 9m}), not in a workload's");
        }
        checkKeys(rm, suiteLevel ? REPETITION : WORKLOAD_REPETITION, what);
        java.time.Duration budget = java.time.Duration.ZERO;
        LocatedYaml.Node b = rm.get("budget");
        if (b != null) {
            try {
                budget = java.time.Duration.ofMillis(io.isobench.core.ParamType.parseDurationMillis(LocatedYaml.plain(b).toString()));
            } catch (NumberFormatException e) {
                throw new BadInputException(b.at() + ": budget is a duration, e.g. budget: 9m (or 540s), not '" + LocatedYaml.plain(b) + "'");
            }
        }
        Integer warmup = rm.get("warmup") == null ? null : integer(rm, "warmup", 0);
        Integer iterations = rm.get("iterations") == null ? null : integer(rm, "iterations", 0);
        Double target = rm.get("target") == null ? null : number(rm, "target", 0);
        Integer max = rm.get("max") == null ? null : integer(rm, "max", 0);
        try {
            if (over == null) {
                return new Repetition(warmup == null ? 1 : warmup, iterations == null ? 5 : iterations, target == null ? 0 : target,
                        max == null ? 0 : max, budget);
            }
            Repetition own = over.with(warmup, iterations, target, max);
            return new Repetition(own.warmup(), own.iterations(), own.target(), own.maxIterations());
        } catch (BadInputException e) {
            throw new BadInputException(rm.at() + ": " + e.getMessage());
        }
    }

    private static String text(LocatedYaml.Mapping m, String key, String def) {
        LocatedYaml.Node v = m.get(key);
        if (v == null || (v instanceof LocatedYaml.Scalar s && s.value() == null)) {
            return def;
        }
        if (!(v instanceof LocatedYaml.Scalar s)) {
            throw new BadInputException(v.at() + ": '" + key + "' must be a single value");
        }
        return s.text();
    }

    private static int integer(LocatedYaml.Mapping m, String key, int def) {
        LocatedYaml.Node v = m.get(key);
        if (v == null) {
            return def;
        }
        if (!(v instanceof LocatedYaml.Scalar s) || !(s.value() instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new BadInputException(v.at() + ": " + key + " must be an integer, not '" + LocatedYaml.plain(v) + "'");
        }
        return n.intValue();
    }

    private static double number(LocatedYaml.Mapping m, String key, double def) {
        LocatedYaml.Node v = m.get(key);
        if (v == null) {
            return def;
        }
        if (!(v instanceof LocatedYaml.Scalar s) || !(s.value() instanceof Number n)) {
            throw new BadInputException(v.at() + ": " + key + " must be a number, not '" + LocatedYaml.plain(v) + "'");
        }
        return n.doubleValue();
    }

    private static Map<String, Object> toMap(Repetition r) {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("warmup", r.warmup());
        rep.put("iterations", r.iterations());
        if (r.adaptive()) {
            rep.put("target", r.target());
            rep.put("max", r.maxIterations());
        }
        if (r.hasBudget()) {
            rep.put("budget", r.budget().toMillis() + "ms");
        }
        return rep;
    }

    /** The suite in the same shape as its YAML, for run.json; {@link #fromMap} reads it back (resume). */
    public static Map<String, Object> toMap(Suite suite) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", suite.name());
        m.put("description", suite.description());
        m.put("baseline", suite.baseline());
        m.put("seed", suite.seed());
        m.put("repetition", toMap(suite.repetition()));
        List<Object> ws = new ArrayList<>();
        for (Suite.WorkloadEntry w : suite.workloads()) {
            Map<String, Object> wm = new LinkedHashMap<>();
            wm.put("name", w.name());
            wm.put("params", w.params() == null ? Map.of() : w.params());
            if (w.repetition() != null) {
                wm.put("repetition", toMap(w.repetition()));
            }
            ws.add(wm);
        }
        m.put("workloads", ws);
        List<Object> es = new ArrayList<>();
        for (Suite.EnvironmentEntry e : suite.environments()) {
            es.add(Map.of("name", e.name(), "variants", e.variants() == null ? List.of() : e.variants()));
        }
        m.put("environments", es);
        if (!suite.passEnv().isEmpty()) {
            m.put("pass_env", suite.passEnv());
        }
        m.put(ClientSpec.KEY, suite.client().toMap());
        if (!suite.hosts().isEmpty()) {
            m.put("hosts", suite.hosts().stream().map(SshHost::toMap).toList());
        }
        return m;
    }

    public static Suite fromMap(Map<String, Object> map, String source) {
        try {
            return parse(new ObjectMapper(new YAMLFactory()).writeValueAsString(map), source);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(source + ": the recorded suite cannot be read: " + e.getOriginalMessage());
        }
    }
}
