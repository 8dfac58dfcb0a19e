package io.isobench.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** One trial's entry in {@code run.json}: what it is and how far it got. */
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
        String failure) {

    public TrialRecord with(TrialStatus newStatus, int iterations, int warmups, String newFailure) {
        return new TrialRecord(id, workload, params, environment, variant, settings, newStatus, iterations, warmups, newFailure);
    }
}
