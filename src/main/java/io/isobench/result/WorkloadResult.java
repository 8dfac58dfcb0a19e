package io.isobench.result;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one iteration of a workload produced: its figures and the facts that explain them
 * (the BLAS in use, thread counts, sizes actually used). Travels over the agent protocol as JSON.
 */
public record WorkloadResult(List<Measurement> measurements, Map<String, Object> metadata) {

    public WorkloadResult {
        measurements = List.copyOf(measurements);
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Accumulates figures and facts while a workload runs. */
    public static final class Builder {
        private final List<Measurement> measurements = new ArrayList<>();
        private final Map<String, Object> metadata = new LinkedHashMap<>();

        public Builder add(Measurement m) {
            measurements.add(m);
            return this;
        }

        public Builder higher(String metric, double value, String unit) {
            return add(Measurement.higher(metric, value, unit));
        }

        public Builder lower(String metric, double value, String unit) {
            return add(Measurement.lower(metric, value, unit));
        }

        public Builder fact(String key, Object value) {
            metadata.put(key, value);
            return this;
        }

        public Builder facts(Map<String, ?> facts) {
            metadata.putAll(facts);
            return this;
        }

        public WorkloadResult build() {
            return new WorkloadResult(measurements, metadata);
        }
    }
}
