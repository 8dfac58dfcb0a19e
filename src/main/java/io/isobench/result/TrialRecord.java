package io.isobench.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One trial's entry in {@code run.json}: what it is and how far it got.
 *
 * @param lost the iterations it lost to its agent's death (a crash, an OOM kill), each retried on a
 *             fresh instance; a trial fails only when a retry is lost too
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrialRecord(
        String id,
        String workload,
        Map<String, Object> params,
        String environment,
        String variant,
        Map<String, String> settings,
        TrialStatus status,
        int iterationsDone,
        int warmupsDone,
        String failure,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<LostIteration> lost) {

    /**
     * An iteration whose agent died.
     *
     * @param iteration its number (warm-ups and measured iterations are numbered apart)
     * @param warmup    whether it was a warm-up
     * @param reason    how the agent died, with where the evidence is kept
     */
    public record LostIteration(int iteration, boolean warmup, String reason) {
    }

    public TrialRecord {
        lost = lost == null ? List.of() : List.copyOf(lost);
    }

    /** A trial that lost no iteration. */
    public TrialRecord(String id, String workload, Map<String, Object> params, String environment, String variant,
                       Map<String, String> settings, TrialStatus status, int iterationsDone, int warmupsDone, String failure) {
        this(id, workload, params, environment, variant, settings, status, iterationsDone, warmupsDone, failure, List.of());
    }

    public TrialRecord with(TrialStatus newStatus, int iterations, int warmups, String newFailure) {
        return new TrialRecord(id, workload, params, environment, variant, settings, newStatus, iterations, warmups, newFailure, lost);
    }
}
