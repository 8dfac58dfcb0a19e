package io.isobench.core;

import io.isobench.BadInputException;
import io.isobench.Names;
import io.isobench.host.HostFacts;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A typed handle on one parameter of a workload (or one setting of an environment): its
 * {@link ParamSpec} (name, type, default, bounds, meaning: what is validated and travels on the
 * wire) and the Java type its value is read as. A workload declares each key once, as a constant,
 * lists the keys' specs as its {@code params()} and reads with {@code params.get(THREADS)}, so a
 * misspelt name or a read of the wrong type does not compile.
 *
 * <p>Values are stored as {@link ParamType} resolves them (Integer, Long, Double, Boolean, String,
 * or a list of those); a key only converts on the way in and out, so the wire form of parameters
 * (suite files, the agent protocol, samples and run.json) is the spec's and no key changes it.
 *
 * @param <T> what {@link Params#get(ParamKey)} returns: Integer (INT), Long (LONG, SIZE in bytes),
 *            Double, Boolean, String (STRING, CHOICE), {@link Duration} (DURATION), an enum (a
 *            CHOICE whose words are the enum's constants in lower case), or a List of those
 */
public final class ParamKey<T> {

    private final ParamSpec spec;
    private final Function<Object, T> read;
    private final Function<T, Object> write;

    private ParamKey(ParamSpec spec, Function<Object, T> read, Function<T, Object> write) {
        this.spec = Objects.requireNonNull(spec);
        this.read = read;
        this.write = write;
    }

    /** What is validated, listed and sent: the key's name, type, default, bounds and meaning. */
    public ParamSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    /** The specs of these keys, in this order: a workload's {@code params()}. */
    public static List<ParamSpec> specs(ParamKey<?>... keys) {
        return Arrays.stream(keys).map(ParamKey::spec).toList();
    }

    /** The typed value of a resolved value (as {@link ParamType} stores it). */
    T read(Object resolved) {
        return read.apply(resolved);
    }

    /** The resolved (stored) form of a typed value. */
    Object write(T value) {
        return write.apply(Objects.requireNonNull(value, spec.name()));
    }

    /**
     * The typed value of a setting kept as text (an environment variant's), parsed as its type;
     * the default where there is no text (a setting newer than the record it was read from).
     *
     * @param owner whose setting it is, for the message, e.g. "vm setting"
     */
    public T parse(String text, String owner) {
        if (text == null) {
            // a setting that came after the record was written: its default
            Object def = spec.defaultFor(null);
            if (def == null) {
                throw new IllegalStateException(owner + " " + spec.name() + " was not resolved");
            }
            text = String.valueOf(def);
        }
        Object v;
        try {
            v = spec.type().parse(text);
        } catch (RuntimeException e) {
            throw new BadInputException(owner + " " + spec.name() + "='" + text + "' is not a " + spec.type().describes()
                    + exampleOf());
        }
        if (spec.type() == ParamType.CHOICE && !spec.choices().contains(String.valueOf(v))) {
            throw notAChoice(owner, text);
        }
        return read(v);
    }

    /**
     * The typed value of a setting in a map of settings as text (an environment's settings before
     * they make a variant); the default where the map does not hold it.
     */
    public T from(java.util.Map<String, String> settings, String owner) {
        return parse(settings.get(spec.name()), owner);
    }

    private BadInputException notAChoice(String owner, String text) {
        return new BadInputException(owner + " " + spec.name() + "='" + text + "' is not one of " + String.join(", ", spec.choices())
                + Names.suggestion(text, spec.choices()) + exampleOf());
    }

    private String exampleOf() {
        Object def = spec.defaultDescription();
        return def == null ? "" : ": write e.g. " + spec.name() + "=" + def;
    }

    @Override
    public String toString() {
        return spec.name();
    }

    // ---- declaring keys, one factory per type ----

    /** An INT parameter, read as Integer. */
    public static Builder<Integer> integer(String name, String description) {
        return new Builder<>(name, ParamType.INT, description, v -> ((Number) v).intValue(), v -> v);
    }

    /** A LONG parameter, read as Long. */
    public static Builder<Long> longInt(String name, String description) {
        return new Builder<>(name, ParamType.LONG, description, v -> ((Number) v).longValue(), v -> v);
    }

    /** A DOUBLE parameter. */
    public static Builder<Double> number(String name, String description) {
        return new Builder<>(name, ParamType.DOUBLE, description, v -> ((Number) v).doubleValue(), v -> v);
    }

    /** A BOOL parameter. */
    public static Builder<Boolean> flag(String name, String description) {
        return new Builder<>(name, ParamType.BOOL, description, v -> (Boolean) v, v -> v);
    }

    /** A STRING parameter: free text. */
    public static Builder<String> text(String name, String description) {
        return new Builder<>(name, ParamType.STRING, description, String::valueOf, v -> v);
    }

    /** A SIZE parameter, read in bytes. */
    public static Builder<Long> size(String name, String description) {
        return new Builder<>(name, ParamType.SIZE, description, v -> ((Number) v).longValue(), v -> v);
    }

    /** A DURATION parameter (stored in milliseconds). */
    public static Builder<Duration> duration(String name, String description) {
        return new Builder<>(name, ParamType.DURATION, description, v -> Duration.ofMillis(((Number) v).longValue()), Duration::toMillis);
    }

    /** A CHOICE among these words, read as the word. */
    public static Builder<String> choice(String name, String description, String... choices) {
        return new Builder<String>(name, ParamType.CHOICE, description, String::valueOf, v -> v).choices(choices);
    }

    /**
     * A CHOICE among an enum's constants, written (and stored, and sent) as their names in lower
     * case: {@code IO_URING} is {@code io_uring}.
     */
    public static <E extends Enum<E>> Builder<E> choice(String name, Class<E> type, String description) {
        E[] constants = type.getEnumConstants();
        Function<Object, E> read = v -> {
            String word = String.valueOf(v);
            for (E e : constants) {
                if (word(e).equals(word)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("'" + word + "' is not one of " + String.join(", ", words(constants)));
        };
        return new Builder<E>(name, ParamType.CHOICE, description, read, ParamKey::word).choices(words(constants));
    }

    /** A list of INT values (swept by the workload itself within one trial). */
    public static Builder<List<Integer>> integers(String name, String description) {
        return new Builder<List<Integer>>(name, ParamType.INT, description,
                v -> asList(v).stream().map(o -> ((Number) o).intValue()).toList(), v -> List.copyOf(v)).list();
    }

    /** A list of words from these choices. */
    public static Builder<List<String>> choices(String name, String description, String... choices) {
        return new Builder<List<String>>(name, ParamType.CHOICE, description,
                v -> asList(v).stream().map(String::valueOf).toList(), v -> List.copyOf(v)).choices(choices).list();
    }

    private static List<?> asList(Object v) {
        return v instanceof List<?> l ? l : List.of(v);
    }

    /** How users write an enum constant: its name in lower case. */
    public static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String[] words(Enum<?>[] constants) {
        return Arrays.stream(constants).map(ParamKey::word).toArray(String[]::new);
    }

    /** Declares a key: the {@link ParamSpec.Builder}'s fields, typed. */
    public static final class Builder<T> {
        private final ParamSpec.Builder spec;
        private final Function<Object, T> read;
        private final Function<T, Object> write;

        private Builder(String name, ParamType type, String description, Function<Object, T> read, Function<T, Object> write) {
            this.spec = ParamSpec.of(name, type, description);
            this.read = read;
            this.write = write;
        }

        /**
         * The default as users would write it ("10s", "64M", 4), or a typed value (an enum
         * constant is written as its word); shown as is by {@code isobench list}.
         */
        public Builder<T> defaultValue(Object value) {
            spec.defaultValue(value instanceof Enum<?> e ? word(e) : value);
            return this;
        }

        /** A default computed from the host, described for {@code isobench list}. */
        public Builder<T> defaultFrom(Function<HostFacts, Object> f, String describedAs) {
            spec.defaultFrom(h -> {
                Object v = f.apply(h);
                return v instanceof Enum<?> e ? word(e) : v;
            }, describedAs);
            return this;
        }

        public Builder<T> range(double minInclusive, double maxInclusive) {
            spec.range(minInclusive, maxInclusive);
            return this;
        }

        public Builder<T> min(double minInclusive) {
            spec.min(minInclusive);
            return this;
        }

        private Builder<T> choices(String... values) {
            spec.choices(values);
            return this;
        }

        public Builder<T> unit(String u) {
            spec.unit(u);
            return this;
        }

        private Builder<T> list() {
            spec.list();
            return this;
        }

        public ParamKey<T> build() {
            return new ParamKey<>(spec.build(), read, write);
        }
    }
}
