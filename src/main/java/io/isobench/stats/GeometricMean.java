package io.isobench.stats;

import io.isobench.result.Direction;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Several performance ratios combined into one: the weighted geometric mean of the ratios
 * (performance relative to the baseline, above 1 better), with its 95% interval built exactly as
 * {@link Comparison} builds one ratio's, on the log scale.
 *
 * <p>A geometric mean of ratios is the usual way to summarise several benchmarks relative to a
 * reference (SPEC's overall ratio): it does not depend on which side is the reference, and a
 * ratio of 0.5 and one of 2 cancel. On the log scale it is a weighted sum, {@code ln G = sum w_j
 * ln p_j}, of independent estimates (each part has its own variant and baseline iterations), so
 * its variance is {@code sum w_j^2 v_j}. A part that comes with its {@link Comparison} (as the
 * report computed it: paired by round where the iterations pair up) brings that comparison's
 * {@code v = logSe^2} and degrees of freedom, so the combination is as tight as its parts; a part
 * without one brings {@code a_x + a_b} with {@code a = (se/mean)^2} of each side. The degrees of
 * freedom follow Welch-Satterthwaite over the terms. With one part and weight 1 the result is that
 * part's comparison ({@link Comparison#paired} or {@link Comparison#of}) term for term.
 *
 * <p>A part without an interval (one iteration, a tail percentile from few iterations) leaves the
 * combination without one, and the note names the part.
 */
public final class GeometricMean {

    private GeometricMean() {
    }

    /**
     * One ratio to combine: a variant's summary and the baseline's for the same figure.
     *
     * @param name   how a note names the part, e.g. "linpack gflops"
     * @param weight its share of the mean; the weights of a combination are normalised to sum 1
     */
    public record Part(String name, Summary variant, Summary baseline, Direction direction, double weight, Comparison comparison) {

        /** A part whose sides are independent samples (no comparison given). */
        public Part(String name, Summary variant, Summary baseline, Direction direction, double weight) {
            this(name, variant, baseline, direction, weight, null);
        }

        /** Whether its own comparison's log-scale error is used (it has one with an interval). */
        boolean fromComparison() {
            return comparison != null && Double.isFinite(comparison.logSe()) && Double.isFinite(comparison.df());
        }
    }

    /**
     * @param performance the geometric mean of the parts' performance ratios
     * @param low         its 95% interval, NaN when {@code note} says why there is none
     * @param significant the interval excludes 1
     */
    public record Result(double performance, double low, double high, double pValue, boolean significant, String note) {
    }

    public static Result of(List<Part> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        double total = parts.stream().mapToDouble(Part::weight).sum();
        double lnG = 0;
        String note = "";
        for (Part p : parts) {
            double perf = p.comparison() != null ? p.comparison().performance() : p.variant().mean() / p.baseline().mean();
            if (p.comparison() == null && p.direction() == Direction.LOWER) {
                perf = 1 / perf;
            }
            lnG += p.weight() / total * Math.log(perf);
            if (note.isEmpty()) {
                String why = whyNoInterval(p);
                if (!why.isEmpty()) {
                    note = parts.size() == 1 ? why : p.name() + ": " + why;
                }
            }
        }
        double g = Math.exp(lnG);
        if (!note.isEmpty() || !Double.isFinite(g)) {
            return new Result(g, Double.NaN, Double.NaN, Double.NaN, false, note.isEmpty() ? "a ratio is undefined" : note);
        }
        double var = 0;
        double dfDenominator = 0;
        for (Part p : parts) {
            double w2 = Math.pow(p.weight() / total, 2);
            if (p.fromComparison()) {
                double v = p.comparison().logSe() * p.comparison().logSe();
                var += w2 * v;
                if (v > 0) {
                    dfDenominator += w2 * w2 * v * v / p.comparison().df();
                }
                continue;
            }
            double ax = rel2(p.variant());
            double ab = rel2(p.baseline());
            var += w2 * (ax + ab);
            dfDenominator += w2 * w2 * (ax * ax / (p.variant().n() - 1) + ab * ab / (p.baseline().n() - 1));
        }
        if (var == 0) {
            // every part constant: the mean is known exactly, and it is 1 or it is not
            return new Result(g, g, g, g == 1 ? 1.0 : 0.0, g != 1, "");
        }
        double s = Math.sqrt(var);
        double df = var * var / dfDenominator;
        double t = Summary.tQuantile(df);
        double lo = g * Math.exp(-t * s);
        double hi = g * Math.exp(t * s);
        double pValue = 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(lnG) / s);
        return new Result(g, lo, hi, pValue, lo > 1 || hi < 1, "");
    }

    private static double rel2(Summary s) {
        double r = s.standardError() / s.mean();
        return r * r;
    }

    private static String whyNoInterval(Part p) {
        if (p.comparison() != null && !p.comparison().note().isEmpty()) {
            return p.comparison().note();
        }
        if (!p.variant().hasInterval()) {
            return p.variant().ciNote();
        }
        if (!p.baseline().hasInterval()) {
            return "baseline: " + p.baseline().ciNote();
        }
        if (p.variant().min() < 0 || p.baseline().min() < 0) {
            return "negative values: a ratio interval needs positive quantities";
        }
        if (p.variant().mean() == 0 || p.baseline().mean() == 0) {
            return "a mean of zero: the log ratio is undefined";
        }
        return "";
    }
}
