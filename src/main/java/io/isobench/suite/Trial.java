package io.isobench.suite;

import io.isobench.env.Variant;
import io.isobench.core.Params;
import io.isobench.workload.Workload;

/**
 * One cell of the matrix: a workload with one set of parameters in one environment variant. Its
 * iterations are the unit the planner interleaves.
 *
 * @param repetition its workload entry's own repetition policy, or null for the suite's
 *                   ({@link Plan#repetition(Trial)} says which applies)
 */
public record Trial(String id, Workload workload, Params params, Variant variant, Repetition repetition) {

    /** A trial under the suite's repetition policy. */
    public Trial(String id, Workload workload, Params params, Variant variant) {
        this(id, workload, params, variant, null);
    }

    /** "stream n=... @ docker[network=nat]" for progress and messages. */
    public String label() {
        return workload.name() + (params.asMap().isEmpty() ? "" : " " + params.label()) + " @ " + variant.label();
    }
}
