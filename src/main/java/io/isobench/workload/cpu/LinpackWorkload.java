package io.isobench.workload.cpu;

import io.isobench.workload.WorkloadFamily;
import io.isobench.core.IdentityFact;

import dev.ludovic.netlib.lapack.LAPACK;
import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Params;
import io.isobench.workload.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.netlib.util.intW;

/**
 * LINPACK as HPL measures it: solve a dense random system {@code A x = b} of order N by LU
 * factorisation with partial pivoting, here LAPACK's {@code dgetrf} and {@code dgetrs} on the
 * system's optimised BLAS (OpenBLAS through dev.ludovic.netlib's JNI binding when
 * libopenblas0-pthread is installed, else netlib's pure-Java fallback, which the metadata says).
 *
 * <p>The rate counts HPL's {@code 2/3 N^3 + 2 N^2} flops over the time of factorisation and solve
 * (generating A and copying it are not timed). The solution is checked with HPL's scaled residual
 * {@code ||Ax-b||_inf / (eps (||A||_inf ||x||_inf + ||b||_inf) N)}, computed in plain Java
 * independently of the BLAS under test; at or above {@link #THRESHOLD} the trial fails.
 */
public final class LinpackWorkload implements Workload {

    /** HPL's default threshold for the scaled residual. */
    static final double THRESHOLD = 16.0;
    /** HPL's eps: the relative machine precision of double, 2^-53. */
    static final double EPS = Math.ulp(1.0) / 2;
    /** Assumed sustained DGEMM-class rate per CPU for sizing the default N (a modest AVX2 core). */
    static final double ASSUMED_FLOPS_PER_CPU = 20e9;
    /** Time the default N aims at for one iteration. */
    static final double DEFAULT_SECONDS = 3.0;
    /** Stack of the thread calling LAPACK (see {@link #onLargeStack}). */
    static final long NATIVE_STACK_BYTES = 256L << 20;

    @Override
    public String name() {
        return "linpack";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.COMPUTE;
    }

    @Override
    public List<IdentityFact> identityFacts() {
        return List.of(
IdentityFact.software("inside.packages.libopenblas0-pthread", "OpenBLAS package"),
                                IdentityFact.software("workload.blas_kind", "BLAS kind"),
                IdentityFact.software("workload.lapack_implementation", "LAPACK implementation"),
                IdentityFact.software("workload.openblas_library", "OpenBLAS library"),
                IdentityFact.derived("workload.openblas_corename", "OpenBLAS kernels", IdentityFact.CPU_MODEL, IdentityFact.CPU_ISA),
                IdentityFact.derived("workload.threads_effective", "BLAS threads", IdentityFact.CPUS),
                IdentityFact.platform("inside.page_size", "page size"),
                IdentityFact.platform("inside.thp", "transparent huge pages"));
    }

    @Override
    public String description() {
        return "LINPACK: LU solve of a dense random N x N system with LAPACK dgetrf/dgetrs on OpenBLAS, HPL residual check (GFLOPS)";
    }

    static final ParamKey<Integer> N = ParamKey.integer("n", "order N of the matrix (memory: 16 N^2 bytes, the matrix and a copy for the residual)")
            .defaultFrom(LinpackWorkload::defaultN, "scaled to a ~" + (int) DEFAULT_SECONDS + " s iteration, at most 10% of memory")
            .range(16, 46000).build();
    static final ParamKey<Integer> THREADS = ParamKey.integer("threads", "OpenBLAS threads (set per iteration with openblas_set_num_threads)")
            .defaultFrom(HostFacts::cpus, "all CPUs").range(1, 1024).build();
    static final ParamKey<Long> SEED = ParamKey.longInt("seed", "seed of the random matrix and right-hand side").defaultValue(42L).build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(N, THREADS, SEED);
    }

    /**
     * N so that one iteration takes about {@link #DEFAULT_SECONDS} at an assumed
     * {@link #ASSUMED_FLOPS_PER_CPU} per CPU, and the two matrices take at most 10% of memory;
     * rounded down to a multiple of 100.
     */
    static Object defaultN(HostFacts h) {
        double byTime = Math.cbrt(DEFAULT_SECONDS * ASSUMED_FLOPS_PER_CPU * Math.max(1, h.cpus()) * 1.5);
        double byMemory = Math.sqrt(h.memoryBytes() * 0.10 / 16);
        int n = (int) Math.min(byTime, byMemory);
        return Math.max(100, n / 100 * 100);
    }

    @Override
    public void validate(Params p, HostFacts host) {
        long n = p.get(N);
        long bytes = 16 * n * n;
        if (bytes > host.memoryBytes() * 6 / 10) {
            throw new BadInputException("linpack parameter n=" + n + " needs " + (bytes >> 20) + " MiB (16 N^2 bytes), more than 60% of the "
                    + (host.memoryBytes() >> 20) + " MiB available: use n <= " + (long) Math.sqrt(host.memoryBytes() * 0.6 / 16));
        }
    }

    /**
     * The matrix is on the heap (netlib hands it to OpenBLAS without a copy); outside it are
     * OpenBLAS's work buffers, one per thread (32 MiB on x86-64 builds; 64 MiB allowed for).
     */
    @Override
    public OffHeap offHeap(Params p, long memory) {
        int threads = p.get(THREADS);
        return new OffHeap(threads * (64L << 20), "OpenBLAS work buffers for threads=" + threads);
    }

    @Override
    public Params scaledForEmulation(Params p) {
        // a quarter of the order, 1/64 of the floating-point work: under TCG with one host thread
        // OpenBLAS's vector kernels run over 100 times slower than natively (n=3000 took more than
        // 157 s here). GFLOPS grow with N, so the baseline runs this N too.
        return p.with(N, Math.min(p.get(N), Math.max(250, p.get(N) / 4)));
    }

    @Override
    public Duration estimate(Params p) {
        double n = p.get(N);
        return Duration.ofMillis(300 + (long) (flops(n) / (ASSUMED_FLOPS_PER_CPU * p.get(THREADS)) * 1000));
    }

    @Override
    public Duration deadline(Params p) {
        // the pure-Java fallback is far slower than OpenBLAS
        return estimate(p).multipliedBy(50).plusMinutes(2);
    }

    /** HPL's operation count for a solve of order n. */
    static double flops(double n) {
        return 2.0 / 3.0 * n * n * n + 2.0 * n * n;
    }

    @Override
    public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
        int n = p.get(N);
        int threads = p.get(THREADS);
        long seed = p.get(SEED);

        LAPACK lapack = LAPACK.getInstance();
        String impl = lapack.getClass().getName();
        boolean nativeLapack = impl.contains("JNI") || impl.contains("Native");
        WorkloadResult.Builder r = WorkloadResult.builder();
        r.fact("lapack_implementation", impl + (nativeLapack ? " (native, system LAPACK/BLAS)" : " (pure-Java fallback)"));
        r.fact("blas_kind", nativeLapack ? "native" : "pure-Java fallback");
        r.fact("threads_requested", threads);
        r.fact("threads_effective", applyThreads(nativeLapack, threads, r));

        double[] a = new double[n * n];
        double[] b = new double[n];
        fillRandom(a, b, seed);
        double[] lu = a.clone();
        double[] x = b.clone();
        int[] ipiv = new int[n];

        double seconds = onLargeStack(() -> {
            warmUp(lapack);
            long t0 = System.nanoTime();
            solve(lapack, n, lu, ipiv, x);
            return (System.nanoTime() - t0) / 1e9;
        });

        double residual = scaledResidual(a, x, b, n);
        checkResidual(residual);

        return r.higher("gflops", flops(n) / seconds / 1e9, "GFLOPS")
                .fact("n", n)
                .fact("seed", seed)
                .fact("seconds", seconds)
                .fact("flops", flops(n))
                .fact("scaled_residual", residual)
                .fact("residual_check", "passed: " + residual + " < " + THRESHOLD + " (HPL's ||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N))")
                .fact("matrix_bytes", 8L * n * n)
                .build();
    }

    /** Sets OpenBLAS's thread count; returns the count it reports afterwards (1 for the Java fallback). */
    private static int applyThreads(boolean nativeLapack, int threads, WorkloadResult.Builder r) {
        if (!nativeLapack) {
            r.fact("threads_note", "the pure-Java fallback LAPACK runs on one thread");
            return 1;
        }
        Optional<OpenBlasControl> ob = OpenBlasControl.find();
        if (ob.isEmpty()) {
            String env = System.getenv("OPENBLAS_NUM_THREADS");
            r.fact("threads_note", "thread count not settable (" + OpenBlasControl.whyNot() + "); the native BLAS uses its own default"
                    + (env == null ? "" : ", OPENBLAS_NUM_THREADS=" + env));
            return env == null ? -1 : Integer.parseInt(env.trim());
        }
        OpenBlasControl c = ob.get();
        c.setThreads(threads);
        r.fact("openblas_library", c.library().toString());
        r.fact("openblas_config", c.config());
        r.fact("openblas_corename", c.corename());
        String forced = System.getenv("OPENBLAS_CORETYPE");
        if (forced != null) {
            // set by the VM guest's init for QEMU's generic CPU model, or by the user natively
            r.fact("openblas_coretype_forced", forced + " (OPENBLAS_CORETYPE; OpenBLAS did not choose its kernels itself)");
        }
        return c.threads();
    }

    /** A and b uniform in [-0.5, 0.5), like HPL's generator (not its exact sequence). */
    static void fillRandom(double[] a, double[] b, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextDouble() - 0.5;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextDouble() - 0.5;
        }
    }

    /**
     * Runs {@code task} on a thread with a {@link #NATIVE_STACK_BYTES} stack. OpenBLAS's threaded
     * getrf keeps large work areas on the caller's stack, growing with N: on a JVM thread's
     * usual 1-8 MiB it overflows and the process dies with SIGSEGV. The stack is reserved, not
     * committed, so the size costs only what is touched.
     */
    static double onLargeStack(java.util.concurrent.Callable<Double> task) throws Exception {
        java.util.concurrent.atomic.AtomicReference<Object> out = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                out.set(task.call());
            } catch (Throwable e) {
                out.set(e);
            }
        }, "linpack", NATIVE_STACK_BYTES);
        t.start();
        t.join();
        Object r = out.get();
        if (r instanceof Exception e) {
            throw e;
        }
        if (r instanceof Error e) {
            throw e;
        }
        return (Double) r;
    }

    /** LU with partial pivoting of the column-major {@code lu} in place, then x = A^-1 x. */
    static void solve(LAPACK lapack, int n, double[] lu, int[] ipiv, double[] x) {
        intW info = new intW(0);
        lapack.dgetrf(n, n, lu, n, ipiv, info);
        if (info.val != 0) {
            throw new IllegalStateException("dgetrf failed: info=" + info.val + (info.val > 0 ? " (the matrix is singular)" : ""));
        }
        lapack.dgetrs("N", n, 1, lu, n, ipiv, x, n, info);
        if (info.val != 0) {
            throw new IllegalStateException("dgetrs failed: info=" + info.val);
        }
    }

    /** Loads the native library and gets the JNI path compiled before the timed solve. */
    private static void warmUp(LAPACK lapack) {
        int n = 200;
        double[] a = new double[n * n];
        double[] b = new double[n];
        fillRandom(a, b, 1);
        solve(lapack, n, a, new int[n], b);
    }

    /**
     * HPL's scaled residual {@code ||Ax-b||_inf / (eps (||A||_inf ||x||_inf + ||b||_inf) N)} of the
     * column-major n x n matrix {@code a}, computed in plain Java.
     */
    static double scaledResidual(double[] a, double[] x, double[] b, int n) {
        double[] r = new double[n];
        double[] rowAbs = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = -b[i];
        }
        for (int j = 0; j < n; j++) {
            double xj = x[j];
            int col = j * n;
            for (int i = 0; i < n; i++) {
                double aij = a[col + i];
                r[i] += aij * xj;
                rowAbs[i] += Math.abs(aij);
            }
        }
        double rNorm = normInf(r);
        double aNorm = normInf(rowAbs);
        double denom = EPS * (aNorm * normInf(x) + normInf(b)) * n;
        return rNorm / denom;
    }

    private static double normInf(double[] v) {
        double m = 0;
        for (double d : v) {
            double abs = Math.abs(d);
            if (!(abs <= m)) { // NaN propagates as the norm
                m = abs;
            }
        }
        return m;
    }

    /** Fails the trial when the residual is not below HPL's threshold (or is NaN). */
    static void checkResidual(double residual) {
        if (!(residual < THRESHOLD)) {
            throw new IllegalStateException("LINPACK residual check failed: scaled residual " + residual + " is not below " + THRESHOLD
                    + " (HPL's ||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N)): the solution is wrong");
        }
    }
}
