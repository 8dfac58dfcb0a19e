package io.isobench.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * The flat record of one measured figure, one line of {@code samples.jsonl}. Everything needed to
 * interpret the figure travels with it (PerfKitBenchmarker style): what was run with which
 * parameters, where, in which iteration, and the facts of the host and of the inside of the
 * environment. Warm-up samples are kept on disk (flagged) but never enter statistics.
 *
 * @param trial     the trial's id within the run (workload x parameters x variant)
 * @param variant   the variant's label, e.g. {@code docker[network=nat]}
 * @param settings  the variant's settings, e.g. {@code {network: nat}}
 * @param labels    what tells this figure apart within an iteration (e.g. clients=8)
 * @param emulated  true when the environment runs under emulation (a TCG VM): never silently mixed
 * @param host      the machine it was measured on, in a fleet run over SSH (null: the one machine of the run)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Sample(
        String run,
        String trial,
        String workload,
        Map<String, Object> params,
        String environment,
        String variant,
        Map<String, String> settings,
        boolean emulated,
        int iteration,
        boolean warmup,
        String metric,
        Map<String, Object> labels,
        double value,
        String unit,
        Direction direction,
        Instant timestamp,
        Map<String, Object> metadata,
        String host) {

    /** A figure measured on the run's own machine. */
    public Sample(String run, String trial, String workload, Map<String, Object> params, String environment, String variant,
                  Map<String, String> settings, boolean emulated, int iteration, boolean warmup, String metric,
                  Map<String, Object> labels, double value, String unit, Direction direction, Instant timestamp,
                  Map<String, Object> metadata) {
        this(run, trial, workload, params, environment, variant, settings, emulated, iteration, warmup, metric, labels, value, unit,
                direction, timestamp, metadata, null);
    }

    /** The same figure, tagged with the host that measured it and the controller's run id. */
    public Sample onHost(String newHost, String newRun) {
        return new Sample(newRun, trial, workload, params, environment, variant, settings, emulated, iteration, warmup, metric, labels,
                value, unit, direction, timestamp, metadata, newHost);
    }

    public Sample {
        params = params == null ? Map.of() : params;
        settings = settings == null ? Map.of() : settings;
        labels = labels == null ? Map.of() : labels;
        metadata = metadata == null ? Map.of() : metadata;
    }
}
