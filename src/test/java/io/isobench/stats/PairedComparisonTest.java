package io.isobench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isobench.result.Direction;
import io.isobench.result.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

/**
 * The paired interval of a ratio of means (iteration i of the variant and of the baseline from the
 * same round) against the unpaired one, on constructed data: a slowdown of the whole machine that
 * hits both sides alike, independent sides, and the cases where the summarizer falls back.
 */
class PairedComparisonTest {

    /** How the machine's speed drifted over six rounds: all environments at 60% in rounds 2 and 4. */
    static final double[] DRIFT = {1.0, 0.6, 1.0, 0.7, 1.0, 0.9};
    /** Each side's own noise, a few tenths of a percent. */
    static final double[] NOISE_B = {1.002, 0.998, 1.001, 0.999, 1.003, 0.997};
    static final double[] NOISE_X = {0.999, 1.002, 0.998, 1.003, 1.000, 0.998};

    static double[] side(double level, double[] noise) {
        double[] v = new double[DRIFT.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = level * DRIFT[i] * noise[i];
        }
        return v;
    }

    @Test
    void aCommonModeDriftIsRemovedByThePairedIntervalWhileTheUnpairedOneIsWide() {
        double[] b = side(100, NOISE_B);
        double[] x = side(80, NOISE_X);
        Comparison paired = Comparison.paired("gflops", x, b, Direction.HIGHER);
        Comparison unpaired = Comparison.of(Summary.of(x), Summary.of(b), Direction.HIGHER);
        assertThat(paired.method()).isEqualTo(Comparison.Method.PAIRED);
        assertThat(paired.pairs()).isEqualTo(6);
        assertThat(unpaired.method()).isEqualTo(Comparison.Method.UNPAIRED);
        // the same point estimate (every iteration paired), both intervals hold it and the true 0.8
        assertThat(paired.ratio()).isCloseTo(unpaired.ratio(), within(1e-12));
        for (Comparison c : List.of(paired, unpaired)) {
            assertThat(c.ratioLow()).isLessThan(0.8);
            assertThat(c.ratioHigh()).isGreaterThan(0.8);
        }
        // the drift (CV 20% on each side) makes the unpaired interval wide; paired, only the noise is left
        assertThat(unpaired.relativeHalfWidth()).isGreaterThan(0.15);
        assertThat(paired.relativeHalfWidth()).isLessThan(0.01);
        // a 20% loss the drift hides from the unpaired test
        assertThat(paired.significant()).isTrue();
        assertThat(unpaired.significant()).isFalse();
    }

    @Test
    void thePairedVarianceIsTheDeltaMethodWithTheCovariance() {
        double[] b = side(100, NOISE_B);
        double[] x = {70, 55, 90, 60, 81, 77};
        int n = x.length;
        Summary sx = Summary.of(x);
        Summary sb = Summary.of(b);
        double cov = 0;
        for (int i = 0; i < n; i++) {
            cov += (x[i] - sx.mean()) * (b[i] - sb.mean());
        }
        cov /= n - 1;
        // (se_x/m_x)^2 + (se_b/m_b)^2 - 2 cov / (n m_x m_b)
        double s2 = Math.pow(sx.standardError() / sx.mean(), 2) + Math.pow(sb.standardError() / sb.mean(), 2)
                - 2 * cov / n / (sx.mean() * sb.mean());
        double t = new TDistribution(n - 1).inverseCumulativeProbability(0.975);
        double r = sx.mean() / sb.mean();
        Comparison c = Comparison.paired("x", x, b, Direction.HIGHER);
        assertThat(c.ratio()).isCloseTo(r, within(1e-12));
        assertThat(c.ratioLow()).isCloseTo(r * Math.exp(-t * Math.sqrt(s2)), within(1e-12));
        assertThat(c.ratioHigh()).isCloseTo(r * Math.exp(t * Math.sqrt(s2)), within(1e-12));
        assertThat(c.pValue()).isCloseTo(2 * new TDistribution(n - 1).cumulativeProbability(-Math.abs(Math.log(r)) / Math.sqrt(s2)),
                within(1e-12));
        // significant exactly when the interval excludes 1
        assertThat(c.significant()).isEqualTo(c.pValue() < Comparison.ALPHA);
    }

    @Test
    void independentSidesGetAboutTheSameIntervalPairedAndUnpaired() {
        Random random = new Random(11);
        int agree = 0;
        double[] widths = new double[200];
        for (int k = 0; k < 200; k++) {
            double[] b = new double[6];
            double[] x = new double[6];
            for (int i = 0; i < 6; i++) {
                b[i] = 100 * Math.exp(0.1 * random.nextGaussian());
                x[i] = 80 * Math.exp(0.1 * random.nextGaussian());
            }
            Comparison paired = Comparison.paired("x", x, b, Direction.HIGHER);
            Comparison unpaired = Comparison.of(Summary.of(x), Summary.of(b), Direction.HIGHER);
            assertThat(paired.ratio()).isCloseTo(unpaired.ratio(), within(1e-12));
            double w = paired.relativeHalfWidth() / unpaired.relativeHalfWidth();
            // no correlation to remove: the widths differ by the chance covariance and by 5 against up to 10 degrees of freedom
            assertThat(w).isBetween(0.25, 2.0);
            widths[k] = w;
            agree += paired.significant() == unpaired.significant() ? 1 : 0;
        }
        // they disagree only near the border (p close to 0.05), where the degrees of freedom decide
        assertThat(agree).isGreaterThan(170);
        // typically as wide: the t quantile of 5 degrees of freedom against Welch's up to 10 makes it a little wider
        assertThat(Summary.medianOf(widths)).isBetween(0.95, 1.3);
    }

    @Test
    void lowerIsBetterTurnsThePairedRatioAndItsEnds() {
        double[] b = side(10, NOISE_B);
        double[] x = side(12, NOISE_X);
        Comparison c = Comparison.paired("latency_p50", x, b, Direction.LOWER);
        assertThat(c.performance()).isCloseTo(1 / c.ratio(), within(1e-12));
        assertThat(c.performanceLow()).isCloseTo(1 / c.ratioHigh(), within(1e-12));
        assertThat(c.performanceHigh()).isCloseTo(1 / c.ratioLow(), within(1e-12));
        assertThat(c.method()).isEqualTo(Comparison.Method.PAIRED);
    }

    @Test
    void sidesProportionalIterationByIterationGiveTheExactRatio() {
        double[] b = side(100, new double[] {1, 1, 1, 1, 1, 1});
        double[] x = side(50, new double[] {1, 1, 1, 1, 1, 1});
        Comparison c = Comparison.paired("x", x, b, Direction.HIGHER);
        assertThat(c.ratio()).isCloseTo(0.5, within(1e-12));
        assertThat(c.ratioLow()).isEqualTo(c.ratio());
        assertThat(c.ratioHigh()).isEqualTo(c.ratio());
        assertThat(c.significant()).isTrue();
    }

    // --- the summarizer: what pairs, and when it falls back

    static Sample sample(String variant, int iteration, String metric, Map<String, Object> labels, double v, String host) {
        return new Sample("r", variant, "linpack", Map.of("n", 3000), "native", variant, Map.of(), false, iteration, false, metric, labels,
                v, "GFLOPS", Direction.HIGHER, Instant.EPOCH, Map.of(), host);
    }

    static List<Sample> samples(String variant, double[] values, int... iterations) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < iterations.length; i++) {
            out.add(sample(variant, iterations[i], "gflops", Map.of(), values[i], null));
        }
        return out;
    }

    static Comparison compared(List<Sample> all) {
        return Summarizer.summarize(all, "native").stream().filter(m -> m.vsBaseline() != null).findFirst().orElseThrow().vsBaseline();
    }

    @Test
    void theSummarizerPairsByIterationAndTheRatioIsOverThePairedIterations() {
        double[] b = side(100, NOISE_B);
        double[] x = side(80, NOISE_X);
        List<Sample> all = new ArrayList<>(samples("native", b, 1, 2, 3, 4, 5, 6));
        all.addAll(samples("docker", x, 1, 2, 3, 4, 5, 6));
        Comparison c = compared(all);
        assertThat(c.method()).isEqualTo(Comparison.Method.PAIRED);
        assertThat(c).isEqualTo(Comparison.paired("gflops", x, b, Direction.HIGHER));

        // the baseline ran two more iterations than the variant: the ratio is over the four both ran
        List<Sample> longer = new ArrayList<>(samples("native", b, 1, 2, 3, 4, 5, 6));
        longer.addAll(samples("docker", java.util.Arrays.copyOf(x, 4), 1, 2, 3, 4));
        Comparison four = compared(longer);
        assertThat(four.pairs()).isEqualTo(4);
        assertThat(four).isEqualTo(Comparison.paired("gflops", java.util.Arrays.copyOf(x, 4), java.util.Arrays.copyOf(b, 4), Direction.HIGHER));
    }

    @Test
    void fewerThanThreePairsFallBackToTheUnpairedInterval() {
        double[] b = side(100, NOISE_B);
        double[] x = side(80, NOISE_X);
        // iterations that do not line up (as after a resume that numbered them apart): two in common
        List<Sample> all = new ArrayList<>(samples("native", b, 1, 2, 3, 4, 5, 6));
        all.addAll(samples("docker", x, 5, 6, 7, 8, 9, 10));
        Comparison c = compared(all);
        assertThat(c.method()).isEqualTo(Comparison.Method.UNPAIRED);
        assertThat(c.pairs()).isZero();
        assertThat(c).isEqualTo(Comparison.of(Summary.of("gflops", x), Summary.of("gflops", b), Direction.HIGHER));
    }

    @Test
    void severalSamplesOfOneIterationPairOnTheirLabelsAndFallBackWhenNothingTellsThemApart() {
        double[] b = side(100, NOISE_B);
        double[] x = side(80, NOISE_X);
        List<Sample> labelled = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            for (int threads : new int[] {1, 16}) {
                labelled.add(sample("native", i + 1, "tps", Map.of("threads", threads), b[i] * threads, null));
                labelled.add(sample("docker", i + 1, "tps", Map.of("threads", threads), x[i] * threads, null));
            }
        }
        List<MetricSummary> rows = Summarizer.summarize(labelled, "native").stream().filter(m -> m.vsBaseline() != null).toList();
        assertThat(rows).hasSize(2).allMatch(m -> m.vsBaseline().method() == Comparison.Method.PAIRED && m.vsBaseline().pairs() == 6);

        // two figures of one iteration under the same key and labels: they do not line up, so unpaired
        List<Sample> twice = new ArrayList<>(samples("native", b, 1, 2, 3, 4, 5, 6));
        twice.addAll(samples("docker", x, 1, 1, 2, 2, 3, 3));
        assertThat(compared(twice).method()).isEqualTo(Comparison.Method.UNPAIRED);
    }

    @Test
    void aFleetsHostsPairEachWithItsOwnIterations() {
        double[] b = side(100, NOISE_B);
        double[] x = side(80, NOISE_X);
        List<Sample> all = new ArrayList<>();
        for (String host : List.of("a", "b")) {
            for (int i = 0; i < 3; i++) {
                all.add(sample("native", i + 1, "gflops", Map.of(), b[i + (host.equals("a") ? 0 : 3)], host));
                all.add(sample("docker", i + 1, "gflops", Map.of(), x[i + (host.equals("a") ? 0 : 3)], host));
            }
        }
        Comparison c = compared(all);
        assertThat(c.method()).isEqualTo(Comparison.Method.PAIRED);
        assertThat(c.pairs()).isEqualTo(6);
        assertThat(c.relativeHalfWidth()).isLessThan(0.01);
    }

    @Test
    void aTailPercentileIsPairedFromFiveIterationsOnly() {
        double[] b = side(100, NOISE_B);
        double[] x = side(80, NOISE_X);
        List<Sample> four = new ArrayList<>();
        List<Sample> five = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Sample sb = sample("native", i + 1, "latency_p99", Map.of(), b[i], null);
            Sample sx = sample("docker", i + 1, "latency_p99", Map.of(), x[i], null);
            five.add(sb);
            four.add(sb);
            if (i < 5) {
                five.add(sx);
            }
            if (i < 4) {
                four.add(sx);
            }
        }
        assertThat(compared(five).method()).isEqualTo(Comparison.Method.PAIRED);
        Comparison c = compared(four);
        // four iterations of a tail percentile: no interval at all on the variant's side, whichever method
        assertThat(c.note()).contains("tail percentile");
        assertThat(c.ratioLow()).isNaN();
    }
}
