package io.isobench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Expected values computed independently with scipy.stats (t.ppf, ttest_ind) and numpy. */
class SummaryTest {

    @Test
    void descriptiveStatisticsAndStudentInterval() {
        Summary s = Summary.of(new double[] {9, 2, 4, 4, 5, 4, 5, 7});
        assertThat(s.n()).isEqualTo(8);
        assertThat(s.mean()).isCloseTo(5.0, within(1e-12));
        assertThat(s.median()).isCloseTo(4.5, within(1e-12));
        assertThat(s.stddev()).isCloseTo(2.138089935299395, within(1e-12));
        assertThat(s.min()).isEqualTo(2);
        assertThat(s.max()).isEqualTo(9);
        // mean -/+ t(0.975, 7) * sd / sqrt(8)
        assertThat(s.ciLow()).isCloseTo(3.21251208176379, within(1e-9));
        assertThat(s.ciHigh()).isCloseTo(6.787487918236209, within(1e-9));
    }

    @Test
    void oddCountMedianIsTheMiddleValue() {
        assertThat(Summary.of(new double[] {3, 1, 2}).median()).isEqualTo(2);
    }

    @Test
    void aSingleValueHasNoInterval() {
        Summary s = Summary.of(new double[] {42});
        assertThat(s.mean()).isEqualTo(42);
        assertThat(s.ciLow()).isNaN();
        assertThat(s.relativeHalfWidth()).isNaN();
    }

    @Test
    void relativeHalfWidthIsHalfTheIntervalOverTheMean() {
        Summary s = Summary.of(new double[] {9, 2, 4, 4, 5, 4, 5, 7});
        assertThat(s.relativeHalfWidth()).isCloseTo((6.787487918236209 - 3.21251208176379) / 2 / 5.0, within(1e-9));
    }
}
