package io.isobench.stats;

import io.isobench.result.Direction;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * An environment against the baseline for one metric: the ratio of means with its 95% confidence
 * interval, its p-value, and whether the difference is significant: on its own
 * ({@link #rawSignificant()}: the interval excludes 1) and after the correction for the run's
 * many comparisons ({@link #significant()}, {@link Multiplicity}).
 *
 * <p><b>One construction for both.</b> A ratio of positive quantities lives on the log scale: its
 * interval is computed for ln R = ln(mean_x) - ln(mean_b) and taken back with exp, so it is never
 * below zero and is as wide on the way down (0.5x) as on the way up (2x). By the delta method
 * ln(mean) has standard error se/mean, so
 * <pre>
 *   s^2 = (se_x / mean_x)^2 + (se_b / mean_b)^2
 *   [R * exp(-t*s), R * exp(+t*s)],  t the two-sided 95% Student quantile
 * </pre>
 * with the Welch-Satterthwaite degrees of freedom of the two relative variances,
 * df = s^4 / ((se_x/mean_x)^4/(n_x-1) + (se_b/mean_b)^4/(n_b-1)).
 * The significance test is the same construction read the other way: a two-sided t-test of
 * ln R = 0 with statistic ln(R)/s and those degrees of freedom (a Welch-type test of the log ratio
 * of means). So the interval excludes 1 exactly when p &lt; 0.05: {@link #rawSignificant()} is taken
 * from the interval itself, and a figure can no longer be "significant" with an interval that
 * straddles 1 or dips below 0, as Welch's test of the raw difference with a linear delta interval
 * allowed (randomaccess in a VM: ratio 0.072, interval [-0.004, 0.148], p = 0.0008).
 *
 * <p>Why this one: seeded simulation of lognormal data (4000 experiments per case, sigma 0.05 to
 * 1, n 3 to 10; {@code src/test/resources/io/isobench/stats/interval_coverage.py} and its output
 * beside it) gave it 91-96% coverage and never a bound below zero, where the linear delta
 * interval fell to 87% and went below zero in up to 96% of experiments, and Fieller's interval,
 * exact for normal data, went below zero in up to 93% (it includes 0 whenever the environment's
 * mean is not significantly above zero). The point estimate stays the ratio of means, which is
 * what "relative to native" means for throughput and latency alike.
 *
 * <p><b>Paired, when the iterations pair up.</b> The runner runs iteration i of every variant of a
 * workload back to back in the same round ({@code Plan.roundOrder}), so when the machine as a
 * whole slows down for a while (another tenant, thermal drift) the variant's and the baseline's
 * iteration i slow down together. The unpaired interval above counts that common drift twice, as
 * spread on both sides; the paired one cancels it. With the n iterations both sides ran
 * (same iteration number: the same round), means m_x and m_b over those, and
 * <pre>
 *   d_i = x_i / m_x - b_i / m_b
 *   s^2 = var(d) / n   (= (se_x/m_x)^2 + (se_b/m_b)^2 - 2 cov(x,b) / (n m_x m_b), the delta method with the covariance)
 *   [R * exp(-t*s), R * exp(+t*s)],  t with n - 1 degrees of freedom,  R = m_x / m_b
 * </pre>
 * and the p-value of ln(R)/s from the same t. The point estimate is the ratio of the means over
 * the paired iterations, so estimate and interval describe the same data (an iteration of one side
 * without its partner was measured in another round, under another drift; the schedule runs the
 * baseline as long as any variant of its block, so it is seldom one). Coverage, by seeded
 * simulation (same script as above, its last section; 4000 experiments a case, lognormal noise of
 * sigma 0.02 to 0.3 on each side, n 3, 6, 10): 93-95% with no common factor, an iid one (sigma 0.1,
 * 0.3) or a step (30% of rounds at 60% speed), where the unpaired interval covered 98-100% at up to
 * 15 times the width (sigma 0.02, common 0.3, n 6: +-2.9% paired against +-45% unpaired). With
 * independent sides it is a little wider than the unpaired one (n - 1 degrees of freedom, not
 * Welch's up to 2n - 2): 10% at n = 6, 25-60% at n = 3, equal by n = 10. {@link Summarizer} uses it when at least {@value #MIN_PAIRS} iterations pair
 * up, on (host, iteration) within the same metric and labels, each at most once; else the unpaired
 * one. {@link #method()} says which.
 *
 * <p>No interval (NaN) and no verdict when either side has none ({@link Summary#ciNote()}: one
 * iteration, a tail percentile from few iterations), when a mean is zero (the log ratio is
 * undefined) or when a value is negative (not a positive quantity; isobench measures none);
 * {@link #note()} says which.
 *
 * @param ratio       mean of the environment / mean of the baseline (the metric's own ratio)
 * @param performance the ratio turned so that above 1 is better: the ratio for higher-is-better
 *                    metrics, its inverse for lower-is-better ones (the study's "relative to native")
 * @param pValue      two-sided p-value of the t-test of the log ratio (NaN when untested)
 * @param significant the verdict a reader sees: the interval excludes 1 (the same as {@code pValue < 0.05})
 *                    and, when the comparison is one of a run's family ({@link #adjusted}), its
 *                    Benjamini–Hochberg q-value is below {@link #ALPHA} too; for a comparison on its
 *                    own (family 1) it is {@link #rawSignificant()}
 * @param note        empty when the interval is given; otherwise why there is none
 * @param method      how the interval was built: paired by iteration, or the two sides as independent
 * @param pairs       the iterations paired (the ratio is over these); 0 when unpaired
 * @param logSe       the standard error of ln(ratio) the interval was built from (0: known exactly;
 *                    NaN without an interval), so that ratios can be combined ({@link GeometricMean})
 * @param df          its degrees of freedom (n-1 paired, Welch's unpaired; NaN without an interval)
 * @param qValue      the p-value adjusted for the family ({@link Multiplicity#benjaminiHochberg}); the
 *                    p-value itself for a comparison on its own; NaN when untested
 * @param family      how many comparisons with a p-value the verdict was corrected over (1: on its own)
 */
public record Comparison(double ratio, double ratioLow, double ratioHigh, double performance, double performanceLow,
                         double performanceHigh, double pValue, boolean significant, String note, Method method, int pairs,
                         double logSe, double df, double qValue, int family) {

    /** A comparison on its own (a family of one: the q-value is the p-value). */
    public Comparison(double ratio, double ratioLow, double ratioHigh, double performance, double performanceLow,
                      double performanceHigh, double pValue, boolean significant, String note, Method method, int pairs,
                      double logSe, double df) {
        this(ratio, ratioLow, ratioHigh, performance, performanceLow, performanceHigh, pValue, significant, note, method, pairs,
                logSe, df, pValue, 1);
    }

    /** A comparison whose log-scale standard error is not known (built from its interval alone). */
    public Comparison(double ratio, double ratioLow, double ratioHigh, double performance, double performanceLow,
                      double performanceHigh, double pValue, boolean significant, String note, Method method, int pairs) {
        this(ratio, ratioLow, ratioHigh, performance, performanceLow, performanceHigh, pValue, significant, note, method, pairs,
                Double.NaN, Double.NaN);
    }

    /** The test's level, 1 - {@link Summary#CONFIDENCE}: p &lt; ALPHA exactly when the 95% interval excludes 1. */
    public static final double ALPHA = 0.05;

    /** The fewest paired iterations the paired interval is built from; below it the unpaired one is used. */
    public static final int MIN_PAIRS = 3;

    /** How a comparison's interval was built. */
    public enum Method {
        /** Iteration i of both sides from the same round; the interval of the paired differences. */
        PAIRED,
        /** The two sides as independent samples (Welch-type). */
        UNPAIRED;

        /** "paired", "unpaired": for reports. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An unpaired comparison (as before the paired one existed). */
    public Comparison(double ratio, double ratioLow, double ratioHigh, double performance, double performanceLow,
                      double performanceHigh, double pValue, boolean significant, String note) {
        this(ratio, ratioLow, ratioHigh, performance, performanceLow, performanceHigh, pValue, significant, note, Method.UNPAIRED, 0);
    }

    /**
     * The paired comparison of {@code x[i]} with {@code baseline[i]}, measured in the same round
     * (the same iteration). The summaries of the paired values decide whether there is an interval
     * at all ({@link #whyNoInterval}), as in the unpaired one.
     *
     * @param metric the metric's name (a tail percentile needs {@link Summary#MIN_TAIL_ITERATIONS} pairs)
     */
    public static Comparison paired(String metric, double[] x, double[] baseline, Direction direction) {
        int n = x.length;
        if (n != baseline.length || n < MIN_PAIRS) {
            throw new IllegalArgumentException("paired comparison needs " + MIN_PAIRS + " or more pairs, got " + n + " and " + baseline.length);
        }
        Summary sx = Summary.of(metric, x);
        Summary sb = Summary.of(metric, baseline);
        double r = sb.mean() == 0 ? Double.NaN : sx.mean() / sb.mean();
        String note = whyNoInterval(sx, sb);
        if (!note.isEmpty()) {
            return of(r, Double.NaN, Double.NaN, Double.NaN, note, direction, Method.PAIRED, n);
        }
        double[] d = new double[n];
        double dm = 0;
        for (int i = 0; i < n; i++) {
            d[i] = x[i] / sx.mean() - baseline[i] / sb.mean();
            dm += d[i];
        }
        dm /= n; // 0 up to rounding: both terms have mean 1
        double ss = 0;
        for (double v : d) {
            ss += (v - dm) * (v - dm);
        }
        double s = Math.sqrt(ss / (n - 1) / n);
        // below 1e-12: the two sides proportional, iteration by iteration: the ratio is known exactly
        return onLogScale(r, s < 1e-12 ? 0 : s, n - 1, direction, Method.PAIRED, n);
    }

    /** The unpaired comparison: the two sides as independent samples. */
    public static Comparison of(Summary x, Summary baseline, Direction direction) {
        // a zero baseline (a count that is 0 natively) has no ratio: NaN, never Infinity
        double r = baseline.mean() == 0 ? Double.NaN : x.mean() / baseline.mean();
        String note = whyNoInterval(x, baseline);
        if (!note.isEmpty()) {
            return of(r, Double.NaN, Double.NaN, Double.NaN, note, direction, Method.UNPAIRED, 0);
        }
        double ax = sq(x.standardError() / x.mean());
        double ab = sq(baseline.standardError() / baseline.mean());
        double s = Math.sqrt(ax + ab);
        double df = s == 0 ? Double.NaN : sq(ax + ab) / (sq(ax) / (x.n() - 1) + sq(ab) / (baseline.n() - 1));
        return onLogScale(r, s, df, direction, Method.UNPAIRED, 0);
    }

    /**
     * The interval R*exp(+-t*s) and the t-test of ln R = 0 with {@code df} degrees of freedom, for
     * both constructions. s = 0 (both sides constant, or proportional pair by pair): the ratio is
     * known exactly, and it differs from 1 or it does not.
     */
    private static Comparison onLogScale(double r, double s, double df, Direction direction, Method method, int pairs) {
        if (s == 0) {
            return of(r, r, r, r == 1 ? 1.0 : 0.0, "", direction, method, pairs, 0, df);
        }
        double t = Summary.tQuantile(df);
        double p = 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(Math.log(r)) / s);
        return of(r, r * Math.exp(-t * s), r * Math.exp(t * s), p, "", direction, method, pairs, s, df);
    }

    private static Comparison of(double r, double lo, double hi, double p, String note, Direction direction, Method method, int pairs) {
        return of(r, lo, hi, p, note, direction, method, pairs, Double.NaN, Double.NaN);
    }

    private static Comparison of(double r, double lo, double hi, double p, String note, Direction direction, Method method, int pairs,
                                 double s, double df) {
        boolean sig = lo > 1 || hi < 1; // false for NaN
        if (direction == Direction.HIGHER) {
            return new Comparison(r, lo, hi, r, lo, hi, p, sig, note, method, pairs, s, df);
        }
        // lower is better: performance is baseline/x; the interval's ends swap (ln of the inverse has the same standard error)
        // a zero figure where lower is better (0 of a count) has no finite relative performance either
        return new Comparison(r, lo, hi, r == 0 ? Double.NaN : 1 / r, 1 / hi, 1 / lo, p, sig, note, method, pairs, s, df);
    }

    /**
     * Whether the difference is significant on its own, uncorrected: the 95% interval excludes 1,
     * the same as the raw {@link #pValue()} &lt; {@link #ALPHA} (both from one t statistic).
     */
    public boolean rawSignificant() {
        return ratioLow > 1 || ratioHigh < 1; // false for NaN
    }

    /**
     * This comparison as one of a family of {@code family} tests, with its adjusted p-value
     * {@code q}: significant when its own interval excludes 1 and q &lt; {@link #ALPHA} (q is never
     * below p, so the first is implied but for rounding; a verdict is never "significant" with an
     * interval holding 1). The figures, the interval and the raw p-value stay as they are.
     */
    public Comparison adjusted(double q, int family) {
        boolean sig = rawSignificant() && q < ALPHA;
        return new Comparison(ratio, ratioLow, ratioHigh, performance, performanceLow, performanceHigh, pValue, sig, note, method,
                pairs, logSe, df, q, family);
    }

    /** Whether the interval excludes 1 but the corrected verdict is not significant. */
    public boolean lostToCorrection() {
        return rawSignificant() && !significant;
    }

    /** The relative half-width of the ratio's interval on the log scale, exp(t*s) - 1: 0.1 means "within +-10%" (upwards). NaN without one. */
    public double relativeHalfWidth() {
        return Double.isNaN(ratioLow) || ratio == 0 ? Double.NaN : Math.max(ratioHigh / ratio - 1, 1 - ratioLow / ratio);
    }

    private static String whyNoInterval(Summary x, Summary baseline) {
        if (!x.hasInterval()) {
            return x.ciNote();
        }
        if (!baseline.hasInterval()) {
            return "baseline: " + baseline.ciNote();
        }
        if (x.min() < 0 || baseline.min() < 0) {
            return "negative values: a ratio interval needs positive quantities";
        }
        if (baseline.mean() == 0) {
            return "the baseline's mean is zero: no ratio";
        }
        if (x.mean() == 0) {
            return "a mean of zero: the log ratio is undefined";
        }
        return "";
    }

    private static double sq(double d) {
        return d * d;
    }
}
