package io.isobench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isobench.result.Direction;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Expected values computed independently with scipy.stats.ttest_ind(equal_var=False) and t.ppf. */
class ComparisonTest {

    static final double[] A = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
    static final double[] B = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};

    @Test
    void welchPValueMatchesTheReference() {
        assertThat(Comparison.welchP(Summary.of(A), Summary.of(B))).isCloseTo(0.021378001462866992, within(1e-9));
        assertThat(Comparison.welchP(Summary.of(B), Summary.of(A))).isCloseTo(0.021378001462866992, within(1e-9));
    }

    @Test
    void ratioIntervalByTheDeltaMethod() {
        Summary base = Summary.of(new double[] {10.1, 9.8, 10.3, 10.0, 9.9});
        Summary x = Summary.of(new double[] {12.2, 11.9, 12.5, 12.1, 12.0});
        Comparison c = Comparison.of(x, base, Direction.HIGHER);
        assertThat(c.ratio()).isCloseTo(1.2115768463073853, within(1e-12));
        assertThat(c.ratioLow()).isCloseTo(1.1778601660286405, within(1e-9));
        assertThat(c.ratioHigh()).isCloseTo(1.24529352658613, within(1e-9));
        assertThat(c.pValue()).isCloseTo(3.5517286812513826e-07, within(1e-12));
        assertThat(c.significant()).isTrue();
        assertThat(c.performance()).isEqualTo(c.ratio());
    }

    @Test
    void lowerIsBetterTurnsTheRatioAndSwapsTheEnds() {
        Summary base = Summary.of(new double[] {10.1, 9.8, 10.3, 10.0, 9.9});
        Summary x = Summary.of(new double[] {12.2, 11.9, 12.5, 12.1, 12.0});
        Comparison c = Comparison.of(x, base, Direction.LOWER);
        assertThat(c.performance()).isCloseTo(1 / c.ratio(), within(1e-12));
        assertThat(c.performanceLow()).isCloseTo(1 / c.ratioHigh(), within(1e-12));
        assertThat(c.performanceHigh()).isCloseTo(1 / c.ratioLow(), within(1e-12));
        assertThat(c.performance()).isLessThan(1); // slower latency is worse
    }

    @Test
    void identicalSamplesAreNotSignificant() {
        Comparison c = Comparison.of(Summary.of(A), Summary.of(A), Direction.HIGHER);
        assertThat(c.ratio()).isEqualTo(1.0);
        assertThat(c.pValue()).isCloseTo(1.0, within(1e-12));
        assertThat(c.significant()).isFalse();
        assertThat(c.ratioLow()).isLessThan(1.0);
        assertThat(c.ratioHigh()).isGreaterThan(1.0);
    }

    @Test
    void constantButDifferentFiguresAreSignificantWithAPointInterval() {
        Comparison c = Comparison.of(Summary.of(new double[] {2, 2, 2}), Summary.of(new double[] {1, 1, 1}), Direction.HIGHER);
        assertThat(c.ratio()).isEqualTo(2.0);
        assertThat(c.ratioLow()).isEqualTo(2.0);
        assertThat(c.ratioHigh()).isEqualTo(2.0);
        assertThat(c.significant()).isTrue();
    }

    @Test
    void tooFewValuesGiveNoIntervalAndNoVerdict() {
        Comparison c = Comparison.of(Summary.of(new double[] {2}), Summary.of(new double[] {1, 1.1}), Direction.HIGHER);
        assertThat(c.ratio()).isEqualTo(2 / 1.05);
        assertThat(c.ratioLow()).isNaN();
        assertThat(c.significant()).isFalse();
    }

    /** The interval is a 95% interval: over many seeded experiments it covers the true ratio about 95% of the time. */
    @Test
    void ratioIntervalCoversTheTrueRatioAboutNinetyFivePercentOfTheTime() {
        Random r = new Random(7);
        int covered = 0;
        int trials = 2000;
        for (int t = 0; t < trials; t++) {
            double[] base = new double[10];
            double[] x = new double[10];
            for (int i = 0; i < 10; i++) {
                base[i] = 100 + 2 * r.nextGaussian();
                x[i] = 80 + 3 * r.nextGaussian();
            }
            Comparison c = Comparison.of(Summary.of(x), Summary.of(base), Direction.HIGHER);
            if (c.ratioLow() <= 0.8 && 0.8 <= c.ratioHigh()) {
                covered++;
            }
        }
        assertThat(covered / (double) trials).isBetween(0.93, 0.97);
    }
}
