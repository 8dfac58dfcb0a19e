package io.isobench.result;

import java.util.Map;
import java.util.Objects;

/**
 * One figure a workload measured in one iteration: its metric name, value, unit and direction.
 *
 * @param labels what tells this figure apart from others of the same metric in one iteration,
 *               e.g. {@code clients=8} in a sweep the workload runs itself; part of the key that
 *               statistics group by
 */
public record Measurement(String metric, double value, String unit, Direction direction, Map<String, Object> labels) {

    public Measurement {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(direction, "direction");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metric " + metric + " is not a finite number: " + value);
        }
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
    }

    public Measurement(String metric, double value, String unit, Direction direction) {
        this(metric, value, unit, direction, Map.of());
    }

    public static Measurement higher(String metric, double value, String unit) {
        return new Measurement(metric, value, unit, Direction.HIGHER);
    }

    public static Measurement lower(String metric, double value, String unit) {
        return new Measurement(metric, value, unit, Direction.LOWER);
    }

    /** The same figure with one more label. */
    public Measurement withLabel(String key, Object value) {
        var m = new java.util.TreeMap<String, Object>(labels);
        m.put(key, value);
        return new Measurement(metric, this.value, unit, direction, m);
    }
}
