package io.isobench.stats;

import io.isobench.result.Direction;
import java.util.Map;

/**
 * The statistics of one metric of one trial (workload x parameters x variant), and its comparison
 * with the baseline variant's same metric when there is one.
 *
 * @param vsBaseline null for the baseline itself or when the baseline has no such figure
 */
public record MetricSummary(
        String workload,
        Map<String, Object> params,
        String metric,
        Map<String, Object> labels,
        String unit,
        Direction direction,
        String environment,
        String variant,
        boolean emulated,
        Summary summary,
        Comparison vsBaseline) {

    /** What identifies the figure independently of where it ran. */
    public Key key() {
        return new Key(workload, params, metric, labels);
    }

    /** Workload, parameters, metric and labels: the same key in every environment. */
    public record Key(String workload, Map<String, Object> params, String metric, Map<String, Object> labels) {

        /** "triad" or "get clients=8". */
        public String metricLabel() {
            if (labels.isEmpty()) {
                return metric;
            }
            StringBuilder sb = new StringBuilder(metric);
            labels.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            return sb.toString();
        }
    }
}
