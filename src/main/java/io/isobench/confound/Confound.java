package io.isobench.confound;

import java.util.Map;

/**
 * One fact that defines "the same software" and differs between a variant and the baseline in
 * one trial (workload and parameters), with whether the environment itself causes it.
 *
 * @param fact          where the fact is in the samples' metadata, e.g. {@code workload.openblas_corename}
 * @param label         how a reader calls it, e.g. "OpenBLAS kernels"
 * @param baselineValue the baseline's value(s); several values of one variant are joined with " | "
 * @param explanation   why it differs, in one sentence: the environment's reason, or what to check
 */
public record Confound(String workload, Map<String, Object> params, String variant, String baseline, String fact, String label,
                       String baselineValue, String variantValue, Cause cause, String explanation) {

    /** Who makes the difference. */
    public enum Cause {
        /** The environment itself (an untuned VM's CPU model): part of what is measured, labelled. */
        ENVIRONMENT,
        /** Something outside the comparison (an inherited variable, another build): the ratio is confounded. */
        OUTSIDE
    }

    /** True when the ratio of this variant to the baseline measures more than the isolation. */
    public boolean confounds() {
        return cause == Cause.OUTSIDE;
    }

    /** One line: "OpenBLAS kernels: Haswell (native) vs Cooperlake (docker): ...". */
    public String describe() {
        return label + ": " + baselineValue + " (" + baseline + ") vs " + variantValue + " (" + variant + "): " + explanation;
    }
}
