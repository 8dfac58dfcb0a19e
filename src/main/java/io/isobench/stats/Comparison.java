package io.isobench.stats;

import io.isobench.result.Direction;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * An environment against the baseline for one metric: the ratio of means with its 95% confidence
 * interval and Welch's t-test of the difference.
 *
 * <p>The ratio's interval uses the delta method: for R = mean_x / mean_b,
 * var(R) ~ R^2 (se_x^2 / mean_x^2 + se_b^2 / mean_b^2), with the Welch-Satterthwaite degrees of
 * freedom of the two relative errors. Good while the relative standard errors are small, which is
 * the regime a benchmark should be in; wide intervals are reported as they come.
 *
 * @param ratio       mean of the environment / mean of the baseline (the metric's own ratio)
 * @param performance the ratio turned so that above 1 is better: the ratio for higher-is-better
 *                    metrics, its inverse for lower-is-better ones (the study's "relative to native")
 * @param pValue      two-sided Welch t-test p-value of a difference in means
 * @param significant whether {@code pValue < 0.05}
 */
public record Comparison(double ratio, double ratioLow, double ratioHigh, double performance, double performanceLow,
                         double performanceHigh, double pValue, boolean significant) {

    public static final double ALPHA = 0.05;

    public static Comparison of(Summary x, Summary baseline, Direction direction) {
        double r = x.mean() / baseline.mean();
        double lo = Double.NaN;
        double hi = Double.NaN;
        double p = Double.NaN;
        if (x.n() > 1 && baseline.n() > 1 && baseline.mean() != 0 && x.mean() != 0) {
            double ax = sq(x.standardError() / x.mean());
            double ab = sq(baseline.standardError() / baseline.mean());
            double rel = ax + ab;
            if (rel == 0) {
                lo = r;
                hi = r;
            } else {
                double df = sq(rel) / (sq(ax) / (x.n() - 1) + sq(ab) / (baseline.n() - 1));
                double half = Summary.tQuantile(df) * Math.abs(r) * Math.sqrt(rel);
                lo = r - half;
                hi = r + half;
            }
            p = welchP(x, baseline);
        }
        boolean sig = p < ALPHA;
        if (direction == Direction.HIGHER) {
            return new Comparison(r, lo, hi, r, lo, hi, p, sig);
        }
        // lower is better: performance is baseline/x; the interval's ends swap
        return new Comparison(r, lo, hi, 1 / r, hi > 0 ? 1 / hi : Double.NaN, lo > 0 ? 1 / lo : Double.NaN, p, sig);
    }

    /** Welch's two-sided t-test p-value for a difference between the two means. */
    static double welchP(Summary a, Summary b) {
        double va = sq(a.stddev()) / a.n();
        double vb = sq(b.stddev()) / b.n();
        double diff = a.mean() - b.mean();
        if (va + vb == 0) {
            return diff == 0 ? 1.0 : 0.0;
        }
        double t = diff / Math.sqrt(va + vb);
        double df = sq(va + vb) / (sq(va) / (a.n() - 1) + sq(vb) / (b.n() - 1));
        return 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
    }

    private static double sq(double d) {
        return d * d;
    }
}
