package io.isobench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isobench.result.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The combination of ratios behind a findings cell: the same as one ratio when there is one, a geometric mean otherwise. */
class GeometricMeanTest {

    private static final Summary BASE = Summary.of("x", new double[] {100, 104, 97, 101, 99});
    private static final Summary SLOWER = Summary.of("x", new double[] {80, 85, 77, 82, 79});

    @Test
    void onePartIsExactlyItsComparison() {
        for (Direction d : Direction.values()) {
            Comparison c = Comparison.of(SLOWER, BASE, d);
            GeometricMean.Result g = GeometricMean.of(List.of(new GeometricMean.Part("x", SLOWER, BASE, d, 1)));
            assertThat(g.performance()).isCloseTo(c.performance(), within(1e-12));
            assertThat(g.low()).isCloseTo(c.performanceLow(), within(1e-12));
            assertThat(g.high()).isCloseTo(c.performanceHigh(), within(1e-12));
            assertThat(g.pValue()).isCloseTo(c.pValue(), within(1e-12));
            assertThat(g.significant()).isEqualTo(c.significant()).isTrue();
            assertThat(g.note()).isEmpty();
        }
    }

    @Test
    void aPartWithItsPairedComparisonIsThatComparisonAndCombinesAsTightly() {
        // both sides follow the host's drift round by round: unpaired the ratio is unclear, paired it is tight
        double[] base = {100, 120, 80, 110, 90};
        double[] slower = {95.2, 114.1, 76.2, 104.4, 85.6};
        Summary sb = Summary.of("x", base);
        Summary sx = Summary.of("x", slower);
        for (Direction d : Direction.values()) {
            Comparison paired = Comparison.paired("x", slower, base, d);
            GeometricMean.Result one = GeometricMean.of(List.of(new GeometricMean.Part("x", sx, sb, d, 1, paired)));
            assertThat(one.performance()).isCloseTo(paired.performance(), within(1e-12));
            assertThat(one.low()).isCloseTo(paired.performanceLow(), within(1e-12));
            assertThat(one.high()).isCloseTo(paired.performanceHigh(), within(1e-12));
            assertThat(one.pValue()).isCloseTo(paired.pValue(), within(1e-12));
            assertThat(one.significant()).isEqualTo(paired.significant()).isTrue();
            GeometricMean.Result unpaired = GeometricMean.of(List.of(new GeometricMean.Part("x", sx, sb, d, 1)));
            assertThat(unpaired.significant()).as("the same figures taken as independent").isFalse();
        }
        // two such parts: their combination is narrower than the wider of them, and still significant
        Comparison other = Comparison.paired("y", new double[] {96.1, 113.0, 77.0, 105.9, 85.0}, base, Direction.HIGHER);
        GeometricMean.Result two = GeometricMean.of(List.of(
                new GeometricMean.Part("x", sx, sb, Direction.HIGHER, 1, Comparison.paired("x", slower, base, Direction.HIGHER)),
                new GeometricMean.Part("y", Summary.of("y", new double[] {96.1, 113.0, 77.0, 105.9, 85.0}), sb, Direction.HIGHER, 1, other)));
        Comparison px = Comparison.paired("x", slower, base, Direction.HIGHER);
        assertThat(Math.log(two.high() / two.low())).isLessThan(Math.max(Math.log(px.performanceHigh() / px.performanceLow()),
                Math.log(other.performanceHigh() / other.performanceLow())));
        assertThat(two.significant()).isTrue();
        assertThat(two.performance()).isCloseTo(Math.sqrt(px.performance() * other.performance()), within(1e-12));
    }

    @Test
    void ratiosCombineOnTheLogScaleAndDirectionsAreTurned() {
        // 0.8 as throughput (higher is better) and a latency 1.25 times the baseline's are the same loss
        Summary slowerLatency = Summary.of("x", new double[] {125, 130, 121.25, 126.25, 123.75});
        var throughput = new GeometricMean.Part("tput", SLOWER, BASE, Direction.HIGHER, 1);
        var latency = new GeometricMean.Part("lat", slowerLatency, BASE, Direction.LOWER, 1);
        GeometricMean.Result g = GeometricMean.of(List.of(throughput, latency));
        double p1 = SLOWER.mean() / BASE.mean();
        double p2 = BASE.mean() / slowerLatency.mean();
        assertThat(g.performance()).isCloseTo(Math.sqrt(p1 * p2), within(1e-12));
        // two independent estimates of about the same loss: a narrower interval than either alone
        GeometricMean.Result one = GeometricMean.of(List.of(throughput));
        assertThat(Math.log(g.high() / g.low())).isLessThan(Math.log(one.high() / one.low()));
        assertThat(g.low()).isLessThan(g.performance());
        assertThat(g.high()).isGreaterThan(g.performance());
        // a loss and the equal gain cancel; weights are shares (2:2 is 1:1)
        Summary faster = Summary.of("x", new double[] {125, 130, 121.25, 126.25, 123.75});
        GeometricMean.Result even = GeometricMean.of(List.of(new GeometricMean.Part("a", SLOWER, BASE, Direction.HIGHER, 2),
                new GeometricMean.Part("b", faster, BASE, Direction.HIGHER, 2)));
        assertThat(even.performance()).isCloseTo(Math.sqrt(p1 * faster.mean() / BASE.mean()), within(1e-12));
        assertThat(even.significant()).isFalse();
    }

    @Test
    void aPartWithoutAnIntervalLeavesTheCombinationWithoutOneAndSaysWhich() {
        Summary single = Summary.of("x", new double[] {90});
        GeometricMean.Result g = GeometricMean.of(List.of(new GeometricMean.Part("linpack gflops", SLOWER, BASE, Direction.HIGHER, 1),
                new GeometricMean.Part("hash throughput", single, BASE, Direction.HIGHER, 1)));
        assertThat(g.low()).isNaN();
        assertThat(g.high()).isNaN();
        assertThat(g.significant()).isFalse();
        assertThat(g.note()).startsWith("hash throughput: ").contains("1 iteration");
        assertThat(g.performance()).isCloseTo(Math.sqrt(SLOWER.mean() / BASE.mean() * 90 / BASE.mean()), within(1e-12));
    }

    @Test
    void constantPartsAreKnownExactly() {
        Summary a = Summary.of("x", new double[] {10, 10, 10});
        Summary b = Summary.of("x", new double[] {20, 20, 20});
        GeometricMean.Result g = GeometricMean.of(List.of(new GeometricMean.Part("c", a, b, Direction.HIGHER, 1)));
        assertThat(g.performance()).isEqualTo(0.5);
        assertThat(g.low()).isEqualTo(0.5);
        assertThat(g.high()).isEqualTo(0.5);
        assertThat(g.significant()).isTrue();
        assertThat(GeometricMean.of(List.of(new GeometricMean.Part("c", a, a, Direction.HIGHER, 1))).significant()).isFalse();
    }
}
