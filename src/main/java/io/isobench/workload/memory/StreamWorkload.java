package io.isobench.workload.memory;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.workload.ParamSpec;
import io.isobench.workload.ParamType;
import io.isobench.workload.Params;
import io.isobench.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * McCalpin's STREAM: sustainable memory bandwidth of the Copy, Scale, Add and Triad kernels over
 * three double arrays much larger than the last-level cache.
 *
 * <p>Follows STREAM's conventions so that its figures compare with {@code stream.c} and HPCC's
 * STREAM: arrays start at a=1, b=2, c=0 and a is doubled once; every pass runs the four kernels
 * in order, each timed separately across all threads; the first pass is discarded and the best
 * (minimum) time of the remaining passes gives each kernel's rate; bytes are counted as STREAM
 * does (two arrays of traffic for Copy and Scale, three for Add and Triad, no write-allocate
 * traffic) in units of 10^9 bytes; the arrays are then checked against values computed the way
 * STREAM's {@code checkSTREAMresults} does.
 *
 * <p>With several threads each thread owns a contiguous slice of every array, allocated (and so
 * first touched, when the JVM zeroes it) by that thread, as an OpenMP build with static scheduling
 * would have it. The kernels are simple counted loops over {@code double[]} so that C2 vectorises
 * them; they are compiled on small arrays before anything is timed.
 */
public final class StreamWorkload implements Workload {

    /** STREAM's default scalar. */
    static final double SCALAR = 3.0;
    /** STREAM's tolerance for double precision results. */
    static final double EPSILON = 1e-13;
    static final String[] KERNELS = {"copy", "scale", "add", "triad"};
    /** Arrays of traffic per element counted for each kernel, in STREAM's convention. */
    static final int[] ARRAYS_MOVED = {2, 2, 3, 3};

    @Override
    public String name() {
        return "stream";
    }

    @Override
    public String description() {
        return "STREAM memory bandwidth: Copy, Scale, Add, Triad over arrays >= 4x the last-level cache (GB/s)";
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(
                ParamSpec.of("size", ParamType.SIZE, "bytes per array (three arrays are used); STREAM asks for at least 4x the last-level cache")
                        .defaultFrom(StreamWorkload::defaultArrayBytes, "4x the last-level cache, at least 64M")
                        .range(64 * 1024, 1L << 40).unit("bytes").build(),
                ParamSpec.of("threads", ParamType.INT, "threads, each owning a slice of every array")
                        .defaultFrom(HostFacts::cpus, "all CPUs").range(1, 1024).build(),
                ParamSpec.of("passes", ParamType.INT, "passes over the four kernels per iteration; the first is discarded, the best of the rest counts")
                        .defaultValue(10).range(2, 100).build());
    }

    /** 4x the last-level cache (STREAM's rule), never below 64 MiB, rounded to whole MiB. */
    static long defaultArrayBytes(HostFacts h) {
        long llc = h.lastLevelCache() > 0 ? h.lastLevelCache() : 32L << 20;
        long bytes = Math.max(4 * llc, 64L << 20);
        return (bytes + (1L << 20) - 1) & ~((1L << 20) - 1);
    }

    @Override
    public void validate(Params p, HostFacts host) {
        long size = p.getBytes("size");
        int threads = p.getInt("threads");
        long elements = size / Double.BYTES;
        if (elements < threads) {
            throw new BadInputException("stream parameter size=" + size + " gives fewer elements than threads=" + threads
                    + ": use a larger size or fewer threads");
        }
        if (elements / threads > Integer.MAX_VALUE - 16) {
            throw new BadInputException("stream parameter size=" + size + " gives slices of more than 2^31 elements: use more threads or size <= "
                    + ((long) threads * (Integer.MAX_VALUE - 16) * Double.BYTES));
        }
        // three arrays must fit comfortably in the agent's heap (75% of memory)
        if (3 * size > host.memoryBytes() * 6 / 10) {
            throw new BadInputException("stream parameter size=" + size + ": three arrays need " + (3 * size >> 20)
                    + " MiB, more than 60% of the " + (host.memoryBytes() >> 20) + " MiB available: use size <= "
                    + (host.memoryBytes() / 5 >> 20) + "M");
        }
    }

    @Override
    public Duration estimate(Params p) {
        // ten bytes moved per element and kernel on average, at a pessimistic 5 GB/s
        long bytes = p.getBytes("size") * 10L * p.getInt("passes");
        return Duration.ofMillis(500 + bytes / 5_000_000);
    }

    @Override
    public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
        long elements = p.getBytes("size") / Double.BYTES;
        int threads = p.getInt("threads");
        int passes = p.getInt("passes");

        warmUpKernels();
        Slices s = Slices.allocate(elements, threads);
        double[][] times = runPasses(s, passes);
        checkResults(s.a, s.b, s.c, passes, SCALAR);

        WorkloadResult.Builder r = WorkloadResult.builder();
        Map<String, Object> timing = new LinkedHashMap<>();
        for (int k = 0; k < KERNELS.length; k++) {
            double best = Double.MAX_VALUE;
            double sum = 0;
            double worst = 0;
            for (int pass = 1; pass < passes; pass++) { // pass 0 is discarded, as in STREAM
                best = Math.min(best, times[pass][k]);
                worst = Math.max(worst, times[pass][k]);
                sum += times[pass][k];
            }
            double bytes = (double) ARRAYS_MOVED[k] * Double.BYTES * elements;
            r.higher(KERNELS[k], bytes / best / 1e9, "GB/s");
            timing.put(KERNELS[k], Map.of("min_s", best, "avg_s", sum / (passes - 1), "max_s", worst));
        }
        return r.fact("array_elements", elements)
                .fact("array_bytes", elements * Double.BYTES)
                .fact("total_bytes", 3 * elements * Double.BYTES)
                .fact("llc_bytes", ctx.facts().lastLevelCache())
                .fact("threads", threads)
                .fact("passes", passes)
                .fact("scalar", SCALAR)
                .fact("rate", "best of passes 2.." + passes + " (first pass discarded), as STREAM")
                .fact("bytes_convention", "STREAM: 2 arrays counted for copy/scale, 3 for add/triad, no write-allocate; GB = 1e9 bytes")
                .fact("kernel_times", timing)
                .fact("validation", "passed (STREAM checkSTREAMresults, epsilon " + EPSILON + ", and every element)")
                .build();
    }

    /** The three arrays, one slice per thread; slice t of every array was allocated by thread t. */
    record Slices(double[][] a, double[][] b, double[][] c) {

        static Slices allocate(long elements, int threads) throws InterruptedException {
            double[][] a = new double[threads][];
            double[][] b = new double[threads][];
            double[][] c = new double[threads][];
            runOnThreads(threads, t -> {
                int len = sliceLength(elements, threads, t);
                a[t] = new double[len];
                b[t] = new double[len];
                c[t] = new double[len];
                // STREAM's initialisation, then a = 2a as its timer-resolution test does
                java.util.Arrays.fill(a[t], 1.0);
                java.util.Arrays.fill(b[t], 2.0);
                java.util.Arrays.fill(c[t], 0.0);
                for (int j = 0; j < len; j++) {
                    a[t][j] = 2.0 * a[t][j];
                }
            });
            return new Slices(a, b, c);
        }
    }

    static int sliceLength(long elements, int threads, int t) {
        long lo = elements * t / threads;
        long hi = elements * (t + 1) / threads;
        return Math.toIntExact(hi - lo);
    }

    /**
     * Runs {@code passes} passes of the four kernels on all threads; returns seconds per pass and
     * kernel. Thread 0 takes the time: it leaves the start barrier with the others and reads the
     * clock again once the last thread has reached the end barrier.
     */
    static double[][] runPasses(Slices s, int passes) throws InterruptedException {
        int threads = s.a.length;
        double[][] times = new double[passes][KERNELS.length];
        CyclicBarrier barrier = new CyclicBarrier(threads);
        runOnThreads(threads, t -> {
            double[] a = s.a[t];
            double[] b = s.b[t];
            double[] c = s.c[t];
            try {
                for (int pass = 0; pass < passes; pass++) {
                    for (int k = 0; k < KERNELS.length; k++) {
                        barrier.await();
                        long t0 = System.nanoTime();
                        runKernel(k, a, b, c, SCALAR);
                        barrier.await();
                        long t1 = System.nanoTime();
                        if (t == 0) {
                            times[pass][k] = (t1 - t0) / 1e9;
                        }
                    }
                }
            } catch (BrokenBarrierException e) {
                throw new IllegalStateException("a STREAM thread failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                barrier.reset();
                throw new IllegalStateException("interrupted", e);
            } catch (RuntimeException | Error e) {
                barrier.reset(); // the others leave their await with BrokenBarrierException instead of waiting forever
                throw e;
            }
        });
        return times;
    }

    static void runKernel(int k, double[] a, double[] b, double[] c, double scalar) {
        switch (k) {
            case 0 -> copy(a, c);
            case 1 -> scale(c, b, scalar);
            case 2 -> add(a, b, c);
            case 3 -> triad(b, c, a, scalar);
            default -> throw new IllegalArgumentException("kernel " + k);
        }
    }

    // The four kernels, as in stream.c. Plain counted loops: C2 unrolls and vectorises them.

    /** c = a */
    static void copy(double[] a, double[] c) {
        int n = c.length;
        for (int j = 0; j < n; j++) {
            c[j] = a[j];
        }
    }

    /** b = scalar * c */
    static void scale(double[] c, double[] b, double scalar) {
        int n = b.length;
        for (int j = 0; j < n; j++) {
            b[j] = scalar * c[j];
        }
    }

    /** c = a + b */
    static void add(double[] a, double[] b, double[] c) {
        int n = c.length;
        for (int j = 0; j < n; j++) {
            c[j] = a[j] + b[j];
        }
    }

    /** a = b + scalar * c */
    static void triad(double[] b, double[] c, double[] a, double scalar) {
        int n = a.length;
        for (int j = 0; j < n; j++) {
            a[j] = b[j] + scalar * c[j];
        }
    }

    /** Gets the kernels compiled by C2 on small arrays, so that no timed pass runs interpreted code. */
    static void warmUpKernels() {
        double[] a = new double[4096];
        double[] b = new double[4096];
        double[] c = new double[4096];
        java.util.Arrays.fill(a, 1.0);
        for (int i = 0; i < 20_000; i++) {
            for (int k = 0; k < KERNELS.length; k++) {
                runKernel(k, a, b, c, 1e-3);
            }
        }
    }

    /**
     * STREAM's {@code checkSTREAMresults}: replays the kernels on scalars for {@code passes} passes
     * and compares the average absolute error of each array, relative to the expected value, with
     * {@link #EPSILON}. Stricter than STREAM, it also fails when any single element is off by more
     * than that (the Java kernels do the same floating-point operations on every element, so all
     * elements must agree). Throws {@link IllegalStateException} naming the array when a check fails.
     */
    static void checkResults(double[][] a, double[][] b, double[][] c, int passes, double scalar) {
        double aj = 1.0;
        double bj = 2.0;
        double cj = 0.0;
        aj = 2.0 * aj;
        for (int k = 0; k < passes; k++) {
            cj = aj;
            bj = scalar * cj;
            cj = aj + bj;
            aj = bj + scalar * cj;
        }
        List<String> failures = new ArrayList<>();
        checkArray("a", a, aj, failures);
        checkArray("b", b, bj, failures);
        checkArray("c", c, cj, failures);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("STREAM validation failed: " + String.join("; ", failures));
        }
    }

    private static void checkArray(String name, double[][] slices, double expected, List<String> failures) {
        double sumErr = 0;
        long count = 0;
        long wrong = 0;
        long firstWrong = -1;
        for (double[] slice : slices) {
            for (double v : slice) {
                double err = Math.abs(v - expected);
                sumErr += err;
                if (!(Math.abs(err / expected) <= EPSILON)) { // also catches NaN
                    if (firstWrong < 0) {
                        firstWrong = count;
                    }
                    wrong++;
                }
                count++;
            }
        }
        double avgRelErr = Math.abs(sumErr / count / expected);
        if (!(avgRelErr <= EPSILON)) {
            failures.add(String.format("array %s: average relative error %.3e exceeds %.0e (expected %.6e)", name, avgRelErr, EPSILON, expected));
        } else if (wrong > 0) {
            failures.add(String.format("array %s: %d of %d elements differ from %.6e (first at index %d)", name, wrong, count, expected, firstWrong));
        }
    }

    /** A task for one thread of a fixed team. */
    @FunctionalInterface
    interface ThreadTask {
        void run(int thread) throws Exception;
    }

    /** Runs {@code task} on {@code threads} fresh platform threads and rethrows the first failure. */
    static void runOnThreads(int threads, ThreadTask task) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> team = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    task.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "stream-" + t);
            team.add(th);
        }
        team.forEach(Thread::start);
        for (Thread th : team) {
            th.join();
        }
        Throwable e = failure.get();
        if (e != null) {
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e);
        }
    }
}
