package io.isobench.env;

import io.isobench.BadInputException;
import io.isobench.Names;
import io.isobench.core.ParamKey;
import io.isobench.core.ParamSpec;
import io.isobench.core.Params;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One configuration of an environment: its name and every setting (defaults filled in), e.g.
 * docker with {@code network=nat, storage=overlay, runtime=runc}. The label names only the
 * settings that differ from the environment's defaults: {@code docker[network=nat]}.
 */
public record Variant(String environment, SortedMap<String, String> settings, String label) implements Comparable<Variant> {

    public Variant {
        settings = Collections.unmodifiableSortedMap(new TreeMap<>(settings));
    }

    /** A variant with exactly these settings, labelled with all of them. */
    public static Variant of(String environment, Map<String, String> settings) {
        return new Variant(environment, new TreeMap<>(settings), label(environment, settings));
    }

    /**
     * Validates {@code given} against the environment's settings, fills in defaults, and labels
     * the result by what differs from them.
     *
     * @param where where the variant was given, for messages ("--env", "suite.yaml:8:7")
     */
    public static Variant resolve(Environment env, Map<String, String> given, String where) {
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        env.settings().forEach(s -> specs.put(s.name(), s));
        for (String k : given.keySet()) {
            if (!specs.containsKey(k)) {
                throw new BadInputException(where + ": environment '" + env.name() + "' has no setting '" + k + "'"
                        + Names.suggestion(k, specs.keySet()) + "; its settings are: "
                        + (specs.isEmpty() ? "(none)" : String.join(", ", specs.keySet())) + " (see: isobench list environments)");
            }
        }
        Map<String, String> full = new TreeMap<>();
        Map<String, String> differs = new TreeMap<>();
        for (ParamSpec s : specs.values()) {
            Object def = s.defaultFor(null);
            String given1 = given.get(s.name());
            Object v = given1 == null ? def : Params.convert(s, given1, "environment '" + env.name() + "'", where);
            if (v == null) {
                continue;
            }
            full.put(s.name(), String.valueOf(v));
            if (def == null || !String.valueOf(def).equals(String.valueOf(v))) {
                differs.put(s.name(), String.valueOf(v));
            }
        }
        Variant v = new Variant(env.name(), new TreeMap<>(full), label(env.name(), differs));
        env.validate(v);
        return v;
    }

    private static String label(String environment, Map<String, String> shown) {
        if (shown.isEmpty()) {
            return environment;
        }
        return environment + shown.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",", "[", "]"));
    }

    public String setting(String name) {
        return settings.get(name);
    }

    /**
     * A setting, typed as its key says; a value that is not of the key's type (a variant built
     * by hand, or read back from an old record) is refused naming the setting and what it may be.
     */
    public <T> T get(ParamKey<T> key) {
        return key.parse(settings.get(key.name()), environment + " setting");
    }

    /** A form fit for file and container names: "docker-network-nat". */
    public String slug() {
        return label.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-+$", "");
    }

    @Override
    public int compareTo(Variant o) {
        return label.compareTo(o.label);
    }

    @Override
    public String toString() {
        return label;
    }
}
