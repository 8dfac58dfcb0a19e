package io.isobench.workload.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** A point with no transaction in its window is measured again over a wider one, twice at most. */
class PointWindowTest {

    /** A server that needs {@code latencyMillis} per transaction: a window shorter than that holds none. */
    static MysqlWorkload.PointRun server(long latencyMillis, List<Long> windows) {
        return window -> {
            windows.add(window);
            long tx = window / latencyMillis;
            return new OltpDriver.PointResult(16, tx, tx * 20, 0, 0, window / 1000.0, new Histogram(3));
        };
    }

    @Test
    void aWindowThatHoldsTransactionsIsMeasuredOnce() throws Exception {
        List<Long> windows = new ArrayList<>();
        OltpDriver.PointResult r = MysqlWorkload.measurePoint(1000, 16, server(300, windows));
        assertThat(windows).containsExactly(1000L);
        assertThat(r.transactions()).isEqualTo(3);
    }

    @Test
    void anEmptyWindowIsDoubledUntilATransactionFitsAndTheRateIsOverTheWindowMeasured() throws Exception {
        List<Long> windows = new ArrayList<>();
        OltpDriver.PointResult r = MysqlWorkload.measurePoint(1000, 16, server(1500, windows));
        assertThat(windows).containsExactly(1000L, 2000L);
        assertThat(r.seconds()).isEqualTo(2.0);
        assertThat(r.tps()).isEqualTo(0.5);
    }

    @Test
    void noTransactionEvenInTheWidestWindowFailsNamingTheWindows() {
        List<Long> windows = new ArrayList<>();
        assertThatThrownBy(() -> MysqlWorkload.measurePoint(1000, 16, server(5000, windows)))
                .hasMessageContaining("no transaction completed in 1000 ms with 16 threads")
                .hasMessageContaining("4000 ms");
        assertThat(windows).containsExactly(1000L, 2000L, 4000L);
    }
}
