package io.isobench.env;

import io.isobench.BadInputException;
import io.isobench.Names;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The built-in environments, found through {@link ServiceLoader}, native first. */
public final class Environments {

    private static final Map<String, Environment> ALL = load();

    private Environments() {
    }

    private static Map<String, Environment> load() {
        Map<String, Environment> m = new LinkedHashMap<>();
        List<Environment> found = ServiceLoader.load(Environment.class, Environments.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).sorted((a, b) -> order(a.name()) - order(b.name())).toList();
        for (Environment e : found) {
            m.put(e.name(), e);
        }
        return Collections.unmodifiableMap(m);
    }

    private static int order(String name) {
        return switch (name) {
            case "native" -> 0;
            case "docker" -> 1;
            case "vm" -> 2;
            default -> 3;
        };
    }

    public static List<Environment> all() {
        return List.copyOf(ALL.values());
    }

    /** The environment of that name, if this version knows it (reports of old runs may name others). */
    public static java.util.Optional<Environment> find(String name) {
        return java.util.Optional.ofNullable(ALL.get(name));
    }

    public static Environment get(String name, String where) {
        Environment e = ALL.get(name);
        if (e == null) {
            throw new BadInputException(where + ": unknown environment '" + name + "'" + Names.suggestion(name, ALL.keySet())
                    + "; known environments: " + String.join(", ", ALL.keySet()) + " (see: isobench list environments)");
        }
        return e;
    }
}
