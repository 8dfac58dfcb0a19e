package io.isobench.suite;

import io.isobench.env.Variant;
import io.isobench.core.Params;
import io.isobench.workload.Workload;

/**
 * One cell of the matrix: a workload with one set of parameters in one environment variant. Its
 * iterations are the unit the planner interleaves.
 */
public record Trial(String id, Workload workload, Params params, Variant variant) {

    /** "stream n=... @ docker[network=nat]" for progress and messages. */
    public String label() {
        return workload.name() + (params.asMap().isEmpty() ? "" : " " + params.label()) + " @ " + variant.label();
    }
}
