package io.isobench.workload.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomAccessWorkloadTest {

    /** HPCC's RandomAccess.h: {@code #define POLY 0x0000000000000007UL}, {@code #define PERIOD 1317624576693539401L}. */
    private static final long HPCC_POLY = 0x0000000000000007L;
    private static final long HPCC_PERIOD = 1317624576693539401L;

    /** HPCC's sequence: {@code ran = (ran << 1) ^ ((s64Int) ran < 0 ? POLY : 0)}, with HPCC's own polynomial. */
    private static long step(long v) {
        return (v << 1) ^ (v < 0 ? HPCC_POLY : 0);
    }

    @Test
    void theGeneratorIsHpccs() {
        assertThat(RandomAccessWorkload.POLY).isEqualTo(HPCC_POLY);
        assertThat(RandomAccessWorkload.PERIOD).isEqualTo(HPCC_PERIOD);
        // from the definition: doublings until the top bit, then the polynomial comes in
        assertThat(RandomAccessWorkload.starts(0)).isEqualTo(1);
        assertThat(RandomAccessWorkload.starts(1)).isEqualTo(2);
        assertThat(RandomAccessWorkload.starts(63)).isEqualTo(Long.MIN_VALUE);
        assertThat(RandomAccessWorkload.starts(64)).isEqualTo(7);
        assertThat(RandomAccessWorkload.starts(65)).isEqualTo(14);
        // the published period brings the sequence back to its start
        assertThat(RandomAccessWorkload.starts(HPCC_PERIOD)).isEqualTo(1);
    }

    @Test
    void startsJumpsToTheSameValueAsSteppingThere() {
        long v = 1;
        for (long n = 0; n <= 5000; n++) {
            assertThat(RandomAccessWorkload.starts(n)).as("starts(%d)", n).isEqualTo(v);
            v = step(v);
        }
    }

    @Test
    void startsWrapsAroundThePeriod() {
        assertThat(RandomAccessWorkload.starts(HPCC_PERIOD + 17)).isEqualTo(RandomAccessWorkload.starts(17));
        assertThat(RandomAccessWorkload.starts(-3)).isEqualTo(RandomAccessWorkload.starts(HPCC_PERIOD - 3));
    }

    @Test
    void singleThreadedUpdateEqualsHpccSequentialLoop() throws Exception {
        int size = 1 << 12;
        long updates = 4L * size;
        long[] ours = new long[size];
        long[] reference = new long[size];
        RandomAccessWorkload.initTable(ours, 1);
        RandomAccessWorkload.initTable(reference, 1);
        RandomAccessWorkload.update(ours, updates, 1);
        long temp = 1;
        for (long i = 0; i < updates; i++) {
            temp = step(temp);
            reference[(int) (temp & (size - 1))] ^= temp;
        }
        assertThat(ours).isEqualTo(reference);
    }

    @Test
    void verificationOfARealMultiThreadedRunPasses() throws Exception {
        int size = 1 << 16;
        long[] table = new long[size];
        RandomAccessWorkload.initTable(table, 3);
        // three threads: segments of uneven length, and races on the shared table
        RandomAccessWorkload.update(table, 4L * size, 3);
        assertThat(RandomAccessWorkload.countErrors(table)).isGreaterThan(size / 2); // the updates did change the table
        RandomAccessWorkload.update(table, 4L * size, 1);
        long errors = RandomAccessWorkload.countErrors(table);
        RandomAccessWorkload.checkErrors(errors, size);
        assertThat(errors).isLessThanOrEqualTo(size / 100);
    }

    @Test
    void flippedWordsBeyondOnePercentAreRejected() throws Exception {
        int size = 1 << 14;
        long[] table = new long[size];
        RandomAccessWorkload.initTable(table, 1);
        RandomAccessWorkload.update(table, 4L * size, 1);
        RandomAccessWorkload.update(table, 4L * size, 1);
        assertThat(RandomAccessWorkload.countErrors(table)).isZero();

        SplittableRandom rnd = new SplittableRandom(5);
        int flipped = 0;
        while (RandomAccessWorkload.countErrors(table) < size / 50) { // 2% of the words
            table[rnd.nextInt(size)] ^= 1L << rnd.nextInt(64);
            flipped++;
        }
        assertThat(flipped).isPositive();
        long errors = RandomAccessWorkload.countErrors(table);
        assertThatThrownBy(() -> RandomAccessWorkload.checkErrors(errors, size))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("verification failed");
    }

    @Test
    void errorsWithinOnePercentAreAllowed() {
        RandomAccessWorkload.checkErrors(10, 1 << 10);
        assertThatThrownBy(() -> RandomAccessWorkload.checkErrors(11, 1 << 10)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void runInsideReportsGupsAndVerification() throws Exception {
        HostFacts host = HostFacts.of(2, 8L << 30, 32L << 20);
        RandomAccessWorkload w = new RandomAccessWorkload();
        Params p = Params.resolve(w.params(), Map.of("log2_size", 14, "threads", 2), host, "workload 'randomaccess'", "test");
        WorkloadResult r = w.runInside(p, new InsideContext(Path.of("/tmp"), host));
        assertThat(r.measurements()).singleElement().satisfies(m -> assertThat(m.unit()).isEqualTo("GUP/s"));
        assertThat(r.metadata()).containsEntry("updates", 4L << 14).containsEntry("threads", 2).containsKey("errors");
        // the figure is HPCC's: updates (4 per table word) over the update loop's time, recorded beside it
        double seconds = ((Number) r.metadata().get("seconds")).doubleValue();
        assertThat(seconds).isFinite().isPositive();
        assertThat(r.measurements().get(0).value()).isFinite().isPositive()
                .isCloseTo((4L << 14) / seconds / 1e9, org.assertj.core.data.Percentage.withPercentage(1e-9));
        assertThat(((Number) r.metadata().get("errors")).longValue()).isBetween(0L, (1L << 14) / 100);
    }

    @Test
    void defaultTableIsHalfOfMemoryCapped() {
        assertThat(RandomAccessWorkload.defaultLog2(HostFacts.of(2, 1L << 30, 0))).isEqualTo(26); // half of 1 GiB: 2^26 words of 8 bytes
        assertThat(RandomAccessWorkload.defaultLog2(HostFacts.of(2, 256L << 30, 0))).isEqualTo(RandomAccessWorkload.DEFAULT_LOG2_CAP);
    }

    @Test
    void tableLargerThanMemoryIsBadInput() {
        HostFacts small = HostFacts.of(2, 1L << 30, 0);
        RandomAccessWorkload w = new RandomAccessWorkload();
        Params p = Params.resolve(w.params(), Map.of("log2_size", 28), small, "workload 'randomaccess'", "test");
        assertThatThrownBy(() -> w.validate(p, small)).isInstanceOf(BadInputException.class).hasMessageContaining("log2_size=28");
    }
}
