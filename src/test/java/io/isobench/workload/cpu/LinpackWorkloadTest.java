package io.isobench.workload.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ludovic.netlib.lapack.LAPACK;
import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class LinpackWorkloadTest {

    private static final HostFacts HOST = HostFacts.of(2, 8L << 30, 32L << 20);

    /** A solved system: {a, b, x}. */
    private static double[][] solved(int n) throws Exception {
        double[] a = new double[n * n];
        double[] b = new double[n];
        LinpackWorkload.fillRandom(a, b, 7);
        double[] lu = a.clone();
        double[] x = b.clone();
        LinpackWorkload.onLargeStack(() -> {
            LinpackWorkload.solve(LAPACK.getInstance(), n, lu, new int[n], x);
            return 0.0;
        });
        return new double[][] {a, b, x};
    }

    @Test
    void realSolvePassesTheResidualCheck() throws Exception {
        int n = 300;
        double[][] s = solved(n);
        double residual = LinpackWorkload.scaledResidual(s[0], s[2], s[1], n);
        assertThat(residual).isBetween(0.0, LinpackWorkload.THRESHOLD);
        LinpackWorkload.checkResidual(residual);
    }

    @Test
    void perturbedSolutionIsRejected() throws Exception {
        int n = 300;
        double[][] s = solved(n);
        s[2][17] += 1e-6;
        double residual = LinpackWorkload.scaledResidual(s[0], s[2], s[1], n);
        assertThatThrownBy(() -> LinpackWorkload.checkResidual(residual))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("residual check failed");
    }

    @Test
    void nanSolutionIsRejected() throws Exception {
        int n = 50;
        double[][] s = solved(n);
        s[2][0] = Double.NaN;
        double residual = LinpackWorkload.scaledResidual(s[0], s[2], s[1], n);
        assertThatThrownBy(() -> LinpackWorkload.checkResidual(residual)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void residualOfAnExactSolutionIsZero() {
        // A = 2 I (column-major), b = (2, 4, 6), x = (1, 2, 3)
        double[] a = {2, 0, 0, 0, 2, 0, 0, 0, 2};
        assertThat(LinpackWorkload.scaledResidual(a, new double[] {1, 2, 3}, new double[] {2, 4, 6}, 3)).isZero();
    }

    @Test
    void hplFlopCount() {
        assertThat(LinpackWorkload.flops(1000)).isEqualTo(2.0 / 3.0 * 1e9 + 2e6);
    }

    @Test
    void runInsideRecordsTheBlasAndThreads() throws Exception {
        LinpackWorkload w = new LinpackWorkload();
        Params p = Params.resolve(w.params(), Map.of("n", 256, "threads", 1), HOST, "workload 'linpack'", "test");
        WorkloadResult r = w.runInside(p, new InsideContext(Path.of("/tmp"), HOST));
        assertThat(r.measurements()).singleElement().satisfies(m -> assertThat(m.unit()).isEqualTo("GFLOPS"));
        // the figure is HPL's operation count over the solve's time, both recorded beside it
        double gflops = r.measurements().get(0).value();
        double seconds = ((Number) r.metadata().get("seconds")).doubleValue();
        assertThat(seconds).isFinite().isPositive();
        double hplFlops = 2.0 / 3 * 256 * 256 * 256 + 2.0 * 256 * 256; // HPL: 2/3 n^3 + 2 n^2
        assertThat(r.metadata()).containsEntry("n", 256);
        assertThat(((Number) r.metadata().get("flops")).doubleValue()).isCloseTo(hplFlops, Percentage.withPercentage(1e-12));
        assertThat(gflops).isFinite().isPositive().isCloseTo(hplFlops / seconds / 1e9, Percentage.withPercentage(1e-9));
        assertThat(r.metadata()).containsKeys("lapack_implementation", "blas_kind", "threads_effective", "scaled_residual");
        assertThat((Double) r.metadata().get("scaled_residual")).isLessThan(LinpackWorkload.THRESHOLD);
        if ("native".equals(r.metadata().get("blas_kind")) && r.metadata().containsKey("openblas_library")) {
            // OpenBLAS found: the thread count we set is the one it reports
            assertThat(r.metadata()).containsEntry("threads_effective", 1);
        }
    }

    @Test
    void defaultNFitsMemory() {
        int n = (Integer) LinpackWorkload.defaultN(HostFacts.of(64, 1L << 30, 0));
        assertThat(16L * n * n).isLessThanOrEqualTo((1L << 30) / 10);
        assertThat(n % 100).isZero();
    }

    @Test
    void matrixLargerThanMemoryIsBadInput() {
        HostFacts small = HostFacts.of(2, 1L << 30, 0);
        LinpackWorkload w = new LinpackWorkload();
        Params p = Params.resolve(w.params(), Map.of("n", 20000), small, "workload 'linpack'", "test");
        assertThatThrownBy(() -> w.validate(p, small)).isInstanceOf(BadInputException.class).hasMessageContaining("n=20000");
    }
}
