package io.isobench.workload;

import io.isobench.BadInputException;
import io.isobench.Names;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The built-in workloads, found through {@link ServiceLoader}. */
public final class Workloads {

    private static final Map<String, Workload> ALL = load();

    private Workloads() {
    }

    private static Map<String, Workload> load() {
        Map<String, Workload> m = new TreeMap<>();
        for (Workload w : ServiceLoader.load(Workload.class, Workloads.class.getClassLoader())) {
            Workload prev = m.put(w.name(), w);
            if (prev != null) {
                throw new IllegalStateException("two workloads are named " + w.name() + ": "
                        + prev.getClass().getName() + " and " + w.getClass().getName());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    public static List<Workload> all() {
        return List.copyOf(ALL.values());
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /**
     * The workload of that name, or a {@link BadInputException} that lists the known ones.
     *
     * @param where where the name was given, e.g. "--workload"
     */
    /** The workload of that name, if this version knows it (reports of old runs may name others). */
    public static java.util.Optional<Workload> find(String name) {
        return java.util.Optional.ofNullable(ALL.get(name));
    }

    public static Workload get(String name, String where) {
        Workload w = ALL.get(name);
        if (w == null) {
            throw new BadInputException(where + ": unknown workload '" + name + "'" + Names.suggestion(name, ALL.keySet())
                    + "; known workloads: " + String.join(", ", ALL.keySet()) + " (see: isobench list workloads)");
        }
        return w;
    }
}
