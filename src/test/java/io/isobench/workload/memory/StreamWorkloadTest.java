package io.isobench.workload.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.workload.Params;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamWorkloadTest {

    private static final HostFacts HOST = HostFacts.of(2, 8L << 30, 32L << 20);

    private static StreamWorkload.Slices ranSlices(long elements, int threads, int passes) throws Exception {
        StreamWorkload.Slices s = StreamWorkload.Slices.allocate(elements, threads);
        StreamWorkload.runPasses(s, passes);
        return s;
    }

    @Test
    void realRunPassesTheStreamCheck() throws Exception {
        StreamWorkload.Slices s = ranSlices(10_001, 3, 4);
        StreamWorkload.checkResults(s.a(), s.b(), s.c(), 4, StreamWorkload.SCALAR);
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
        s.a()[1][77] *= 1.0 + 1e-9;
        assertThatThrownBy(() -> StreamWorkload.checkResults(s.a(), s.b(), s.c(), 3, StreamWorkload.SCALAR))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("array a");
    }

    @Test
    void grosslyWrongArrayFailsTheAverageCheck() throws Exception {
        StreamWorkload.Slices s = ranSlices(1_000, 1, 3);
        java.util.Arrays.fill(s.c()[0], 0, 500, 0.0);
        assertThatThrownBy(() -> StreamWorkload.checkResults(s.a(), s.b(), s.c(), 3, StreamWorkload.SCALAR))
                .hasMessageContaining("array c").hasMessageContaining("average relative error");
    }

    @Test
    void nanIsRejected() throws Exception {
        StreamWorkload.Slices s = ranSlices(1_000, 1, 2);
        s.b()[0][3] = Double.NaN;
        assertThatThrownBy(() -> StreamWorkload.checkResults(s.a(), s.b(), s.c(), 2, StreamWorkload.SCALAR))
                .hasMessageContaining("array b");
    }

    @Test
    void wrongPassCountIsRejected() throws Exception {
        StreamWorkload.Slices s = ranSlices(1_000, 1, 3);
        assertThatThrownBy(() -> StreamWorkload.checkResults(s.a(), s.b(), s.c(), 4, StreamWorkload.SCALAR))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void runInsideReportsTheFourKernelsAndItsFacts() throws Exception {
        StreamWorkload w = new StreamWorkload();
        Params p = Params.resolve(w.params(), Map.of("size", "256K", "threads", 2, "passes", 3), HOST, "workload 'stream'", "test");
        w.validate(p, HOST);
        WorkloadResult r = w.runInside(p, new InsideContext(Path.of("/tmp"), HOST));
        assertThat(r.measurements()).extracting(Measurement::metric).containsExactly("copy", "scale", "add", "triad");
        assertThat(r.measurements()).allSatisfy(m -> assertThat(m.unit()).isEqualTo("GB/s"));
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
