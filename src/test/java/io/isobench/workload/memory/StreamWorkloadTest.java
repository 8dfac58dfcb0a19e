package io.isobench.workload.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class StreamWorkloadTest {

    private static final HostFacts HOST = HostFacts.of(2, 8L << 30, 32L << 20);

    private static StreamWorkload.Slices ranSlices(long elements, int threads, int passes) throws Exception {
        StreamWorkload.Slices s = StreamWorkload.Slices.allocate(elements, threads);
        StreamWorkload.runPasses(s, passes, false);
        return s;
    }

    @Test
    void realRunPassesTheStreamCheck() throws Exception {
        StreamWorkload.Slices s = ranSlices(10_001, 3, 4);
        StreamWorkload.checkResults(s.a(), s.b(), s.c(), 4, StreamWorkload.SCALAR);
    }

    @Test
    void slicesInSeveralChunksPassTheCheckAndCoverEveryElement() throws Exception {
        StreamWorkload.Slices s = StreamWorkload.Slices.allocate(10_001, 2, 1_000);
        assertThat(s.a()[0]).hasSize(5); // 5000 elements: five chunks of 1000 ...
        assertThat(s.a()[1]).hasSize(6); // ... and 5001: five full chunks and one of a single element
        assertThat(s.a()[1][5].capacity()).isEqualTo(1);
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < s.a()[t].length; i++) {
                assertThat(s.b()[t][i].capacity()).isEqualTo(s.a()[t][i].capacity()).isEqualTo(s.c()[t][i].capacity());
            }
        }
        StreamWorkload.runPasses(s, 3, true);
        StreamWorkload.checkResults(s.a(), s.b(), s.c(), 3, StreamWorkload.SCALAR);
        s.c()[1][5].put(0, s.c()[1][5].get(0) * (1.0 + 1e-9)); // the very last element, slightly off
        assertThatThrownBy(() -> StreamWorkload.checkResults(s.a(), s.b(), s.c(), 3, StreamWorkload.SCALAR))
                .hasMessageContaining("array c").hasMessageContaining("first at index 10000");
    }

    @Test
    void everyChunkStartsOnAPage() throws Exception {
        // the address of a direct buffer, through java.lang.foreign (final from Java 22; the tests run on 25)
        Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
        java.lang.reflect.Method ofBuffer = segment.getMethod("ofBuffer", java.nio.Buffer.class);
        java.lang.reflect.Method address = segment.getMethod("address");
        StreamWorkload.Slices s = StreamWorkload.Slices.allocate(10_001, 3, 1_000);
        for (java.nio.DoubleBuffer[][] array : new java.nio.DoubleBuffer[][][] {s.a(), s.b(), s.c()}) {
            for (java.nio.DoubleBuffer[] slice : array) {
                for (java.nio.DoubleBuffer chunk : slice) {
                    long at = (Long) address.invoke(ofBuffer.invoke(null, chunk));
                    assertThat(at % StreamWorkload.ALIGNMENT).as("chunk at 0x%x", at).isZero();
                }
            }
        }
    }

    @Test
    void chunksAreNativeOrderAndNotReadOnly() {
        java.nio.DoubleBuffer d = StreamWorkload.alignedChunks(100, StreamWorkload.CHUNK)[0];
        assertThat(d.capacity()).isEqualTo(100);
        assertThat(d.order()).isEqualTo(java.nio.ByteOrder.nativeOrder());
        assertThat(d.isDirect()).isTrue();
        assertThat(d.isReadOnly()).isFalse();
    }

    private static double rate(double[][][] times, int k, long elements, int passes, boolean star) {
        return StreamWorkload.kernelRate(StreamWorkload.passTimes(times, k, passes, star), k, elements);
    }

    /** Times for {@code threads} threads, {@code passes} passes and the four kernels, all {@code seconds}. */
    private static double[][][] uniformTimes(int threads, int passes, double seconds) {
        double[][][] times = new double[threads][passes][4];
        for (double[][] thread : times) {
            for (double[] pass : thread) {
                java.util.Arrays.fill(pass, seconds);
            }
        }
        return times;
    }

    @Test
    void teamRateIsAllBytesOverTheBestTeamPassAndIgnoresThePassDiscarded() {
        // 2 threads, 3 passes, 4 kernels; 1000 elements: triad moves 3 * 8 * 1000 bytes
        double[][][] times = uniformTimes(2, 3, 2e-6);
        times[0][0][3] = 1e-9; // the first pass is discarded, however fast
        times[0][2][3] = 1e-6; // the best of the rest
        times[1][1][3] = 1e-7; // in team timing thread 1's clock is not used
        assertThat(rate(times, 3, 1000, 3, false)).isCloseTo(24_000 / 1e-6 / 1e9, within(1e-9));
        assertThat(rate(times, 0, 1000, 3, false)).isCloseTo(16_000 / 2e-6 / 1e9, within(1e-9));
    }

    @Test
    void starRateSumsEachThreadsSliceOverItsOwnBestPass() {
        double[][][] times = uniformTimes(2, 3, 2e-6);
        times[0][2][3] = 1e-6;
        times[1][1][3] = 4e-6 / 3; // thread 1 ...
        times[1][2][3] = 5e-6; // ... best in another pass than thread 0
        // 1001 elements over 2 threads: slices of 500 and 501
        double expected = 24.0 * 500 / 1e-6 / 1e9 + 24.0 * 501 / (4e-6 / 3) / 1e9;
        assertThat(rate(times, 3, 1001, 3, true)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void starTimingReportsEveryThreadsKernelTimes() throws Exception {
        StreamWorkload w = new StreamWorkload();
        Params p = Params.resolve(w.params(), Map.of("size", "256K", "threads", 2, "passes", 3, "timing", "star"), HOST, "workload 'stream'", "test");
        w.validate(p, HOST);
        WorkloadResult r = w.runInside(p, new InsideContext(Path.of("/tmp"), HOST));
        assertThat(r.measurements()).extracting(Measurement::metric).containsExactly("copy", "scale", "add", "triad");
        assertThat((String) r.metadata().get("timing")).startsWith("star");
        @SuppressWarnings("unchecked")
        Map<String, Object> kernelTimes = (Map<String, Object>) r.metadata().get("kernel_times");
        assertThat(kernelTimes.get("triad")).isInstanceOf(java.util.List.class).asList().hasSize(2);
    }

    @Test
    void unknownTimingIsBadInput() {
        StreamWorkload w = new StreamWorkload();
        assertThatThrownBy(() -> Params.resolve(w.params(), Map.of("timing", "solo"), HOST, "workload 'stream'", "test"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("timing");
    }

    @Test
    void slicesCoverEveryElementOnce() {
        long total = 0;
        for (int t = 0; t < 7; t++) {
            total += StreamWorkload.sliceLength(1_000_003, 7, t);
        }
        assertThat(total).isEqualTo(1_000_003);
    }

    @Test
    void perturbedElementIsRejected() throws Exception {
        StreamWorkload.Slices s = ranSlices(10_000, 2, 3);
        s.a()[1][0].put(77, s.a()[1][0].get(77) * (1.0 + 1e-9));
        assertThatThrownBy(() -> StreamWorkload.checkResults(s.a(), s.b(), s.c(), 3, StreamWorkload.SCALAR))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("array a");
    }

    @Test
    void grosslyWrongArrayFailsTheAverageCheck() throws Exception {
        StreamWorkload.Slices s = ranSlices(1_000, 1, 3);
        for (int j = 0; j < 500; j++) {
            s.c()[0][0].put(j, 0.0);
        }
        assertThatThrownBy(() -> StreamWorkload.checkResults(s.a(), s.b(), s.c(), 3, StreamWorkload.SCALAR))
                .hasMessageContaining("array c").hasMessageContaining("average relative error");
    }

    @Test
    void nanIsRejected() throws Exception {
        StreamWorkload.Slices s = ranSlices(1_000, 1, 2);
        s.b()[0][0].put(3, Double.NaN);
        assertThatThrownBy(() -> StreamWorkload.checkResults(s.a(), s.b(), s.c(), 2, StreamWorkload.SCALAR))
                .hasMessageContaining("array b");
    }

    @Test
    void wrongPassCountIsRejected() throws Exception {
        StreamWorkload.Slices s = ranSlices(1_000, 1, 3);
        assertThatThrownBy(() -> StreamWorkload.checkResults(s.a(), s.b(), s.c(), 4, StreamWorkload.SCALAR))
                .isInstanceOf(IllegalStateException.class);
    }

    /** STREAM's convention: copy and scale move 2 arrays, add and triad 3 (no write-allocate). */
    private static final int[] STREAM_ARRAYS = {2, 2, 3, 3};

    @Test
    void runInsideReportsTheFourKernelsAndItsFacts() throws Exception {
        StreamWorkload w = new StreamWorkload();
        Params p = Params.resolve(w.params(), Map.of("size", "256K", "threads", 2, "passes", 3), HOST, "workload 'stream'", "test");
        w.validate(p, HOST);
        WorkloadResult r = w.runInside(p, new InsideContext(Path.of("/tmp"), HOST));
        assertThat(r.measurements()).extracting(Measurement::metric).containsExactly("copy", "scale", "add", "triad");
        assertThat(r.measurements()).allSatisfy(m -> assertThat(m.unit()).isEqualTo("GB/s"));
        // each kernel's figure is STREAM's bytes (2 arrays for copy and scale, 3 for add and triad) over its best pass,
        // both recorded beside it; the best pass is no slower than the average
        @SuppressWarnings("unchecked")
        Map<String, Object> times = (Map<String, Object>) r.metadata().get("kernel_times");
        for (int k = 0; k < 4; k++) {
            Measurement m = r.measurements().get(k);
            StreamWorkload.PassTimes t = (StreamWorkload.PassTimes) times.get(m.metric());
            assertThat(t.min_s()).isFinite().isPositive().isLessThanOrEqualTo(t.avg_s());
            assertThat(t.avg_s()).isLessThanOrEqualTo(t.max_s());
            assertThat(m.value()).as(m.metric()).isFinite().isPositive()
                    .isCloseTo(STREAM_ARRAYS[k] * 8.0 * 32768 / t.min_s() / 1e9, Percentage.withPercentage(1e-9));
        }
        assertThat(r.metadata()).containsEntry("threads", 2).containsEntry("array_elements", 32768L).containsKey("bytes_convention");
    }

    @Test
    void defaultArraysAreAtLeastFourTimesTheCache() {
        assertThat(StreamWorkload.defaultArrayBytes(HostFacts.of(2, 8L << 30, 48L << 20))).isGreaterThanOrEqualTo(4 * (48L << 20));
        assertThat(StreamWorkload.defaultArrayBytes(HostFacts.of(2, 8L << 30, 0))).isGreaterThanOrEqualTo(64L << 20);
    }

    @Test
    void arraysLargerThanMemoryAreBadInput() {
        StreamWorkload w = new StreamWorkload();
        Params p = Params.resolve(w.params(), Map.of("size", "4G"), HOST, "workload 'stream'", "test");
        assertThatThrownBy(() -> w.validate(p, HOST)).isInstanceOf(BadInputException.class).hasMessageContaining("size=");
    }
}
