package io.isobench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

/**
 * Expected values computed independently with numpy and scipy.stats by
 * {@code src/test/resources/io/isobench/stats/reference_values.py}, which states the formulas.
 */
class SummaryTest {

    static final double[] D = {9, 2, 4, 4, 5, 4, 5, 7};

    @Test
    void descriptiveStatisticsAndTheLogScaleIntervalOfAPositiveQuantity() {
        Summary s = Summary.of(D);
        assertThat(s.n()).isEqualTo(8);
        assertThat(s.mean()).isCloseTo(5.0, within(1e-12));
        assertThat(s.median()).isCloseTo(4.5, within(1e-12));
        assertThat(s.stddev()).isCloseTo(2.138089935299395, within(1e-12));
        assertThat(s.min()).isEqualTo(2);
        assertThat(s.max()).isEqualTo(9);
        // mean * exp(-/+ t(0.975, 7) * sd / sqrt(8) / mean); the Student interval was [3.2125, 6.7875]
        assertThat(s.ciLow()).isCloseTo(3.497121944983693, within(1e-9));
        assertThat(s.ciHigh()).isCloseTo(7.148735558352561, within(1e-9));
        assertThat(s.ciNote()).isEmpty();
        assertThat(s.hasInterval()).isTrue();
    }

    /** Values below zero are no positive quantity: they keep the Student-t interval (D - 5, as scipy gives it). */
    @Test
    void signedValuesKeepTheStudentInterval() {
        Summary s = Summary.of(Arrays.stream(D).map(x -> x - 5).toArray());
        assertThat(s.ciLow()).isCloseTo(-1.7874879182362098, within(1e-9));
        assertThat(s.ciHigh()).isCloseTo(1.7874879182362098, within(1e-9));
    }

    /**
     * The reported failure: docker udp_rr latency_p99_9 got the 95% CI [-113.6, 1238] us. Four
     * iterations near 320 us and one stalled at 1535 us reproduce it with the Student interval;
     * the log-scale interval is positive and widens upwards, where the stall pulls the mean.
     */
    @Test
    void aSkewedTailPercentileWithAHugeOutlierGetsAPositiveInterval() {
        double[] p999 = {305, 322, 331, 318, 1535};
        Summary s = Summary.of("latency_p99_9", p999);
        // the old construction, by hand: mean - t(0.975, 4) * sd / sqrt(5) is below zero (scipy: -113.13)
        double student = s.mean() - new TDistribution(4).inverseCumulativeProbability(0.975) * s.stddev() / Math.sqrt(5);
        assertThat(student).isCloseTo(-113.13133485522303, within(1e-6));
        assertThat(s.ciLow()).isGreaterThan(0).isCloseTo(169.12328785502254, within(1e-6));
        assertThat(s.ciHigh()).isCloseTo(1868.8664583610955, within(1e-6));
        assertThat(s.ciLow()).isLessThan(s.mean());
        assertThat(s.ciHigh() - s.mean()).isGreaterThan(s.mean() - s.ciLow()); // skewed upwards, like the data
    }

    @Test
    void tailPercentilesFromFewIterationsGetNoIntervalAndSayWhy() {
        double[] three = {305, 322, 1535};
        Summary tail = Summary.of("latency_p99_9", three);
        assertThat(tail.ciLow()).isNaN();
        assertThat(tail.ciHigh()).isNaN();
        assertThat(tail.hasInterval()).isFalse();
        assertThat(tail.ciNote()).contains("tail percentile").contains("3 iterations").contains("" + Summary.MIN_TAIL_ITERATIONS);
        assertThat(tail.mean()).isCloseTo((305 + 322 + 1535) / 3.0, within(1e-9)); // the figures themselves stay
        // a median from as few iterations keeps its interval: each value rests on many requests
        assertThat(Summary.of("latency_p50", three).hasInterval()).isTrue();
        // from MIN_TAIL_ITERATIONS on the tail gets its interval
        assertThat(Summary.of("latency_p99", new double[] {305, 322, 331, 318, 1535}).ciLow()).isGreaterThan(0);
    }

    @Test
    void tailPercentilesAreKnownByName() {
        for (String tail : new String[] {"p99", "latency_p99", "latency_p99_9", "get_p99", "set_p99", "p999", "p99_99", "p100"}) {
            assertThat(Summary.isTailPercentile(tail)).as(tail).isTrue();
        }
        for (String not : new String[] {"p50", "latency_p90", "latency_p95", "latency_mean", "gups", "p99x", "top99", "", "loss"}) {
            assertThat(Summary.isTailPercentile(not)).as(not).isFalse();
        }
        assertThat(Summary.isTailPercentile(null)).isFalse();
    }

    /** Counts and percentages can be exactly zero (udp loss, isolation probes): the interval stays at or above zero. */
    @Test
    void zerosAreAPositiveQuantityToo() {
        Summary s = Summary.of("loss", new double[] {0, 0, 0, 0, 0.1});
        assertThat(s.ciLow()).isCloseTo(0.0012451888041718339, within(1e-11));
        assertThat(s.ciHigh()).isCloseTo(0.3212364250785544, within(1e-9));
        Summary zero = Summary.of("escape_preconditions", new double[] {0, 0, 0});
        assertThat(zero.ciLow()).isZero();
        assertThat(zero.ciHigh()).isZero();
        Summary constant = Summary.of("mounts", new double[] {12, 12, 12});
        assertThat(constant.ciLow()).isEqualTo(12);
        assertThat(constant.ciHigh()).isEqualTo(12);
    }

    /** Over many seeded skewed samples of positive figures, no lower bound is ever below zero. */
    @Test
    void noPositiveSampleEverGetsANegativeLowerBound() {
        Random r = new Random(11);
        for (int t = 0; t < 5000; t++) {
            int n = 2 + r.nextInt(9);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = Math.exp(2 * r.nextGaussian()) * (r.nextInt(10) == 0 ? 0 : 1); // heavy skew, some zeros
            }
            Summary s = Summary.of("latency_p99_9", v);
            if (s.hasInterval()) {
                assertThat(s.ciLow()).as(Arrays.toString(v)).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(s.mean());
                assertThat(s.ciHigh()).as(Arrays.toString(v)).isGreaterThanOrEqualTo(s.mean());
            }
        }
    }

    @Test
    void oddCountMedianIsTheMiddleValue() {
        assertThat(Summary.of(new double[] {3, 1, 2}).median()).isEqualTo(2);
    }

    @Test
    void theMedianOfUnsortedValuesIsTheSummarysMedian() {
        double[] odd = {9, 1, 5, 3, 7};
        double[] even = {8, 2, 6, 4};
        assertThat(Summary.medianOf(odd)).isEqualTo(5).isEqualTo(Summary.of(odd).median());
        assertThat(Summary.medianOf(even)).isEqualTo(5).isEqualTo(Summary.of(even).median());
        assertThat(odd).containsExactly(9, 1, 5, 3, 7); // left as given
        assertThat(Summary.medianOf(new double[0])).isNaN();
    }

    @Test
    void aSingleValueHasNoInterval() {
        Summary s = Summary.of(new double[] {42});
        assertThat(s.mean()).isEqualTo(42);
        assertThat(s.ciLow()).isNaN();
        assertThat(s.relativeHalfWidth()).isNaN();
        assertThat(s.ciNote()).contains("1 iteration");
    }

    @Test
    void relativeHalfWidthIsHalfTheIntervalOverTheMean() {
        Summary s = Summary.of(D);
        assertThat(s.relativeHalfWidth()).isCloseTo(0.3651613613368868, within(1e-9));
    }
}
