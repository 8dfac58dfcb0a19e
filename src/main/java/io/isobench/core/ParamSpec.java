package io.isobench.core;

import io.isobench.host.HostFacts;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Declares one parameter of a workload (or one setting of an environment): its type, default,
 * bounds and meaning. A default may be computed from the host (e.g. LINPACK's N scaled to memory);
 * it is resolved once on the host, so every environment runs the same size.
 *
 * @param min     inclusive lower bound for numeric types, or null
 * @param max     inclusive upper bound for numeric types, or null
 * @param choices the allowed words for {@link ParamType#CHOICE}, else empty
 * @param list    whether a list of values is accepted inside one trial (e.g. client counts swept
 *                by the workload itself); a plain parameter given several values expands into
 *                several trials instead
 */
public record ParamSpec(
        String name,
        ParamType type,
        Function<HostFacts, Object> defaultValue,
        String defaultDescription,
        Double min,
        Double max,
        List<String> choices,
        String unit,
        String description,
        boolean list) {

    public ParamSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(description);
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    public static Builder of(String name, ParamType type, String description) {
        return new Builder(name, type, description);
    }

    /** The default for this host, or null when the parameter is required. */
    public Object defaultFor(HostFacts host) {
        return defaultValue == null ? null : defaultValue.apply(host);
    }

    /** Builder: most parameters need only a few of the fields. */
    public static final class Builder {
        private final String name;
        private final ParamType type;
        private final String description;
        private Function<HostFacts, Object> defaultValue;
        private String defaultDescription;
        private Double min;
        private Double max;
        private List<String> choices = List.of();
        private String unit = "";
        private boolean list;

        private Builder(String name, ParamType type, String description) {
            this.name = name;
            this.type = type;
            this.description = description;
        }

        public Builder defaultValue(Object value) {
            this.defaultValue = h -> value;
            this.defaultDescription = String.valueOf(value);
            return this;
        }

        /** A default computed from the host, described for {@code isobench list}. */
        public Builder defaultFrom(Function<HostFacts, Object> f, String describedAs) {
            this.defaultValue = f;
            this.defaultDescription = describedAs;
            return this;
        }

        public Builder range(double minInclusive, double maxInclusive) {
            this.min = minInclusive;
            this.max = maxInclusive;
            return this;
        }

        public Builder min(double minInclusive) {
            this.min = minInclusive;
            return this;
        }

        public Builder choices(String... values) {
            this.choices = List.of(values);
            return this;
        }

        public Builder unit(String u) {
            this.unit = u;
            return this;
        }

        public Builder list() {
            this.list = true;
            return this;
        }

        public ParamSpec build() {
            return new ParamSpec(name, type, defaultValue, defaultDescription, min, max, choices, unit, description, list);
        }
    }
}
