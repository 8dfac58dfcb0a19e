package io.isobench.report.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Widths add up per character, and a fitted text never exceeds its room. */
class TextWidthTest {

    @Test
    void widthsAddUpAndBoldIsWider() {
        assertThat(TextWidth.of("", 11, false)).isZero();
        assertThat(TextWidth.of("ab", 11, false)).isCloseTo(TextWidth.of("a", 11, false) + TextWidth.of("b", 11, false), within(1e-9));
        assertThat(TextWidth.of("linpack", 13, true)).isGreaterThan(TextWidth.of("linpack", 13, false));
        assertThat(TextWidth.of("mmmm", 10, false)).isGreaterThan(TextWidth.of("iiii", 10, false));
        // twice the size, twice the width
        assertThat(TextWidth.of("docker[network=nat]", 22, false)).isCloseTo(2 * TextWidth.of("docker[network=nat]", 11, false), within(1e-9));
    }

    @Test
    void fitShortensWithAnEllipsisOnlyWhenNeeded() {
        String s = "redis commands=[PING, SET, GET, LPUSH, LPOP, SADD] clients=[1, 10, 50] requests=10000";
        assertThat(TextWidth.fit(s, 11, false, 10_000)).isEqualTo(s);
        for (double room : new double[] {40, 120, 300}) {
            String fitted = TextWidth.fit(s, 11, false, room);
            assertThat(fitted).endsWith(TextWidth.ELLIPSIS);
            assertThat(s).startsWith(fitted.substring(0, fitted.length() - 1));
            assertThat(TextWidth.of(fitted, 11, false)).isLessThanOrEqualTo(room);
        }
        assertThat(TextWidth.fit(s, 11, false, 3)).isEmpty();
    }
}
