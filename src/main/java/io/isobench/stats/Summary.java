package io.isobench.stats;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Descriptive statistics of one trial's measured iterations for one metric, with the 95%
 * Student-t confidence interval of the mean. With fewer than two values the interval is
 * undefined (NaN) rather than invented.
 */
public record Summary(int n, double mean, double median, double stddev, double min, double max, double ciLow, double ciHigh) {

    public static final double CONFIDENCE = 0.95;

    public static Summary of(double[] values) {
        int n = values.length;
        if (n == 0) {
            throw new IllegalArgumentException("no values to summarise");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double mean = sum / n;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        double half = n > 1 ? tQuantile(n - 1) * sd / Math.sqrt(n) : Double.NaN;
        return new Summary(n, mean, median, sd, v[0], v[n - 1], mean - half, mean + half);
    }

    /** Half the width of the confidence interval. */
    public double halfWidth() {
        return (ciHigh - ciLow) / 2;
    }

    /** The half-width relative to the mean: 0.02 means "within 2%". NaN below two values. */
    public double relativeHalfWidth() {
        return mean == 0 ? Double.NaN : Math.abs(halfWidth() / mean);
    }

    /** Standard error of the mean. */
    public double standardError() {
        return stddev / Math.sqrt(n);
    }

    /** The two-sided 95% quantile of Student's t with {@code df} degrees of freedom. */
    static double tQuantile(double df) {
        return new TDistribution(null, df).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
    }
}
