package io.isobench.core;

import io.isobench.BadInputException;
import io.isobench.Names;
import io.isobench.host.HostFacts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A workload's parameters, validated and resolved (defaults filled in from the host). Immutable.
 * The same values are sent to every environment. Workloads read them through their declared
 * {@link ParamKey}s ({@link #get(ParamKey)}); the getters by name are for code that only knows a
 * parameter's name as data (tests, tools reading a plan), and workload classes may not call them
 * ({@code ParamKeysTest} checks).
 */
public final class Params {

    private final Map<String, Object> values;

    private Params(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static Params of(Map<String, Object> typedValues) {
        return new Params(new LinkedHashMap<>(typedValues));
    }

    /**
     * Validates {@code given} against {@code specs} and fills in defaults.
     *
     * @param owner what the parameters belong to, e.g. "workload 'stream'"
     * @param where where they were given, e.g. "--param" or "suite.yaml:12:5", for the message
     */
    public static Params resolve(List<ParamSpec> specs, Map<String, ?> given, HostFacts host, String owner, String where) {
        return resolve(specs, given, host, owner, k -> where);
    }

    /**
     * As {@link #resolve(List, Map, HostFacts, String, String)}, with a place for each parameter
     * (e.g. the line and column in a suite file where it was written).
     */
    public static Params resolve(List<ParamSpec> specs, Map<String, ?> given, HostFacts host, String owner,
                                 java.util.function.Function<String, String> whereOf) {
        String where = whereOf.apply(null);
        Map<String, ParamSpec> byName = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            byName.put(s.name(), s);
        }
        for (String key : given.keySet()) {
            if (!byName.containsKey(key)) {
                throw new BadInputException(whereOf.apply(key) + ": " + owner + " has no parameter '" + key + "'"
                        + Names.suggestion(key, byName.keySet())
                        + "; its parameters are: " + (byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet()))
                        + " (see: isobench list workloads)");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            Object raw = given.get(s.name());
            Object value;
            if (raw == null) {
                value = s.defaultFor(host);
                if (value == null) {
                    throw new BadInputException(where + ": " + owner + " needs parameter '" + s.name() + "' ("
                            + s.description() + ")");
                }
                value = convert(s, value, owner, where);
            } else {
                value = convert(s, raw, owner, whereOf.apply(s.name()));
            }
            out.put(s.name(), value);
        }
        return new Params(out);
    }

    /** Converts one raw value (text, number, or a list where the spec allows one) and checks its range. */
    public static Object convert(ParamSpec s, Object raw, String owner, String where) {
        if (s.list()) {
            List<?> items = raw instanceof List<?> l ? l : splitList(String.valueOf(raw));
            List<Object> converted = new ArrayList<>();
            for (Object item : items) {
                converted.add(convertOne(s, item, owner, where));
            }
            if (converted.isEmpty()) {
                throw new BadInputException(where + ": " + owner + " parameter '" + s.name() + "' needs at least one value");
            }
            return List.copyOf(converted);
        }
        if (raw instanceof List<?>) {
            throw new BadInputException(where + ": " + owner + " parameter '" + s.name()
                    + "' takes one value here, not a list");
        }
        return convertOne(s, raw, owner, where);
    }

    private static List<String> splitList(String text) {
        List<String> parts = new ArrayList<>();
        for (String p : text.split(",")) {
            if (!p.isBlank()) {
                parts.add(p.trim());
            }
        }
        return parts;
    }

    private static Object convertOne(ParamSpec s, Object raw, String owner, String where) {
        Object v;
        try {
            v = s.type().coerce(raw);
        } catch (RuntimeException e) {
            throw new BadInputException(where + ": " + owner + " parameter '" + s.name() + "' must be a "
                    + s.type().describes() + ", not '" + raw + "'");
        }
        if (s.type() == ParamType.CHOICE && !s.choices().contains(String.valueOf(v))) {
            throw new BadInputException(where + ": " + owner + " parameter '" + s.name() + "' must be one of "
                    + String.join(", ", s.choices()) + ", not '" + raw + "'" + Names.suggestion(String.valueOf(raw), s.choices()));
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if ((s.min() != null && d < s.min()) || (s.max() != null && d > s.max())) {
                throw new BadInputException(where + ": " + owner + " parameter '" + s.name() + "' is " + raw
                        + ", out of range: allowed " + range(s));
            }
        }
        return v;
    }

    private static String range(ParamSpec s) {
        String lo = s.min() == null ? "" : fmt(s.min());
        String hi = s.max() == null ? "" : fmt(s.max());
        if (s.min() != null && s.max() != null) {
            return lo + " to " + hi;
        }
        return s.min() != null ? "at least " + lo : "at most " + hi;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** Rebuilds params received over the protocol (already resolved on the host) into typed values. */
    public static Params fromWire(List<ParamSpec> specs, Map<String, ?> wire) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            Object raw = wire.get(s.name());
            if (raw != null) {
                out.put(s.name(), convert(s, raw, "workload", "agent request"));
            }
        }
        return new Params(out);
    }

    /**
     * The JSON form: durations as "Nms" text so they read the same in every parser, everything
     * else as its natural JSON value. Used in samples, run.json and the agent protocol.
     */
    public Map<String, Object> toWire(List<ParamSpec> specs) {
        Map<String, ParamType> types = specs.stream().collect(Collectors.toMap(ParamSpec::name, ParamSpec::type));
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, types.get(k) == ParamType.DURATION ? wireDuration(v) : v));
        return out;
    }

    private static Object wireDuration(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(x -> x + "ms").toList();
        }
        return v + "ms";
    }

    public Map<String, Object> asMap() {
        return values;
    }

    /** The value of a declared parameter, typed as its key says. */
    public <T> T get(ParamKey<T> key) {
        return key.read(required(key.name()));
    }

    /** A copy with one value replaced. */
    public <T> Params with(ParamKey<T> key, T value) {
        return with(key.name(), key.write(value));
    }

    public boolean has(ParamKey<?> key) {
        return values.containsKey(key.name());
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    private Object required(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("parameter '" + name + "' was not resolved");
        }
        return v;
    }

    public int getInt(String name) {
        return ((Number) required(name)).intValue();
    }

    public long getLong(String name) {
        return ((Number) required(name)).longValue();
    }

    public double getDouble(String name) {
        return ((Number) required(name)).doubleValue();
    }

    public boolean getBool(String name) {
        return (Boolean) required(name);
    }

    public String getString(String name) {
        return String.valueOf(required(name));
    }

    /** A SIZE parameter in bytes. */
    public long getBytes(String name) {
        return getLong(name);
    }

    /** A DURATION parameter in milliseconds. */
    public long getMillis(String name) {
        return getLong(name);
    }

    @SuppressWarnings("unchecked")
    public List<Object> getList(String name) {
        Object v = required(name);
        return v instanceof List<?> l ? (List<Object>) l : List.of(v);
    }

    public List<Integer> getIntList(String name) {
        return getList(name).stream().map(o -> ((Number) o).intValue()).toList();
    }

    /** A copy with one value replaced (typed as the parameter's getters expect it). */
    public Params with(String name, Object typedValue) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("no parameter " + name + " in " + label());
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(name, typedValue);
        return new Params(copy);
    }

    /** A compact label for tables: "n=2000 threads=2". */
    public String label() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Params p && p.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return label();
    }
}
