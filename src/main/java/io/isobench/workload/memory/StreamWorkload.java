package io.isobench.workload.memory;

import io.isobench.workload.WorkloadFamily;
import io.isobench.core.IdentityFact;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Params;
import io.isobench.workload.Workload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
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
 * would have it. The arrays are page-aligned direct memory rather than {@code double[]} (see
 * {@link #alignedChunks(long, int)}); the kernels are simple counted loops, compiled by C2 on small buffers
 * before anything is timed.
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
    public WorkloadFamily family() {
        return WorkloadFamily.MEMORY;
    }

    @Override
    public List<IdentityFact> identityFacts() {
        return IdentityFact.MEMORY_PAGES;
    }

    @Override
    public String description() {
        return "STREAM memory bandwidth: Copy, Scale, Add, Triad over arrays >= 4x the last-level cache (GB/s)";
    }

    static final ParamKey<Long> SIZE = ParamKey.size("size",
            "bytes per array (three arrays are used); STREAM asks for at least 4x the last-level cache")
            .defaultFrom(StreamWorkload::defaultArrayBytes, "4x the last-level cache, at least 64M")
            .range(64 * 1024, 1L << 40).unit("bytes").build();
    static final ParamKey<Integer> THREADS = ParamKey.integer("threads", "threads, each owning a slice of every array")
            .defaultFrom(HostFacts::cpus, "all CPUs").range(1, 1024).build();
    static final ParamKey<String> TIMING = ParamKey.choice("timing", "team: every kernel starts and ends together on all threads and is timed"
                    + " as one, as OpenMP STREAM does (the sustained bandwidth of the whole team); star: every thread runs and"
                    + " times its kernels on its own, as the processes of HPCC's StarSTREAM do, and the figure is the sum of"
                    + " the threads' best rates (higher than team's: a thread's best pass may overlap lighter work of the others)",
                    "team", "star")
            .defaultValue("team").build();
    static final ParamKey<Integer> PASSES = ParamKey.integer("passes",
            "passes over the four kernels per iteration; the first is discarded, the best of the rest counts")
            .defaultValue(10).range(2, 100).build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(SIZE, THREADS, TIMING, PASSES);
    }

    /** 4x the last-level cache (STREAM's rule), never below 64 MiB, rounded to whole MiB. */
    static long defaultArrayBytes(HostFacts h) {
        long llc = h.lastLevelCache() > 0 ? h.lastLevelCache() : 32L << 20;
        long bytes = Math.max(4 * llc, 64L << 20);
        return (bytes + (1L << 20) - 1) & ~((1L << 20) - 1);
    }

    @Override
    public void validate(Params p, HostFacts host) {
        long size = p.get(SIZE);
        int threads = p.get(THREADS);
        long elements = size / Double.BYTES;
        if (elements < threads) {
            throw new BadInputException("stream parameter size=" + size + " gives fewer elements than threads=" + threads
                    + ": use a larger size or fewer threads");
        }
        // three arrays must fit comfortably in the agent's direct memory (its limit is the heap's, 75% of memory)
        if (3 * size > host.memoryBytes() * 6 / 10) {
            throw new BadInputException("stream parameter size=" + size + ": three arrays need " + (3 * size >> 20)
                    + " MiB, more than 60% of the " + (host.memoryBytes() >> 20) + " MiB available: use size <= "
                    + (host.memoryBytes() / 5 >> 20) + "M");
        }
    }

    /** The three arrays live outside the heap (page-aligned direct memory), each chunk padded to its alignment. */
    @Override
    public OffHeap offHeap(Params p, long memory) {
        long size = p.get(SIZE);
        long chunks = (size + (long) CHUNK * Double.BYTES - 1) / ((long) CHUNK * Double.BYTES) * p.get(THREADS);
        return new OffHeap(3 * size + 3 * chunks * ALIGNMENT, "3 arrays of size=" + size + " bytes");
    }

    @Override
    public Params scaledForEmulation(Params p) {
        // fewer passes (the first is discarded, the best of the rest counts, so two is the least that
        // measures) over arrays half as large, still far larger than the caches (at least 32 MiB each)
        long size = p.get(SIZE);
        return p.with(PASSES, Math.min(p.get(PASSES), 2)).with(SIZE, Math.min(size, Math.max(32L << 20, size / 2)));
    }

    @Override
    public Duration estimate(Params p) {
        // ten bytes moved per element and kernel on average, at a pessimistic 5 GB/s
        long bytes = p.get(SIZE) * 10L * p.get(PASSES);
        return Duration.ofMillis(500 + bytes / 5_000_000);
    }

    @Override
    public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
        long elements = p.get(SIZE) / Double.BYTES;
        int threads = p.get(THREADS);
        int passes = p.get(PASSES);
        boolean star = p.get(TIMING).equals("star");

        warmUpKernels();
        Slices s = Slices.allocate(elements, threads);
        double[][][] times = runPasses(s, passes, star);
        checkResults(s.a, s.b, s.c, passes, SCALAR);

        WorkloadResult.Builder r = WorkloadResult.builder();
        Map<String, Object> timing = new LinkedHashMap<>();
        for (int k = 0; k < KERNELS.length; k++) {
            PassTimes[] perThread = passTimes(times, k, passes, star);
            r.higher(KERNELS[k], kernelRate(perThread, k, elements), "GB/s");
            timing.put(KERNELS[k], star ? List.of(perThread) : perThread[0]);
        }
        return r.fact("array_elements", elements)
                .fact("array_bytes", elements * Double.BYTES)
                .fact("total_bytes", 3 * elements * Double.BYTES)
                .fact("llc_bytes", ctx.facts().lastLevelCache())
                .fact("threads", threads)
                .fact("passes", passes)
                .fact("timing", star
                        ? "star: each thread timed its own kernels (one barrier at the start); figure = sum of the threads' best rates, as HPCC StarSTREAM x threads"
                        : "team: all threads start and finish each kernel together (barriers); figure = all bytes / best team time, as OpenMP STREAM")
                .fact("memory", "direct memory, each thread's slice " + ALIGNMENT + "-byte aligned and first touched by its thread")
                .fact("scalar", SCALAR)
                .fact("rate", "best of passes 2.." + passes + " (first pass discarded), as STREAM")
                .fact("bytes_convention", "STREAM: 2 arrays counted for copy/scale, 3 for add/triad, no write-allocate; GB = 1e9 bytes")
                .fact("kernel_times", timing)
                .fact("validation", "passed (STREAM checkSTREAMresults, epsilon " + EPSILON + ", and every element)")
                .build();
    }

    /** Seconds of one kernel over the passes that count (all but the first, as STREAM): best, mean, worst. */
    record PassTimes(double min_s, double avg_s, double max_s) {
    }

    /**
     * Kernel {@code k}'s {@link PassTimes} from {@link #runPasses}' times: team, one entry (thread
     * 0's clock, which every thread shares); star, one per thread, each from its own clock.
     */
    static PassTimes[] passTimes(double[][][] times, int k, int passes, boolean star) {
        PassTimes[] out = new PassTimes[star ? times.length : 1];
        for (int t = 0; t < out.length; t++) {
            double best = Double.MAX_VALUE;
            double sum = 0;
            double worst = 0;
            for (int pass = 1; pass < passes; pass++) {
                double x = times[t][pass][k];
                best = Math.min(best, x);
                worst = Math.max(worst, x);
                sum += x;
            }
            out[t] = new PassTimes(best, sum / (passes - 1), worst);
        }
        return out;
    }

    /**
     * Kernel {@code k}'s rate in GB/s. Team (one entry): all the bytes over the team's best pass.
     * Star (one entry per thread): the sum over threads of each thread's slice over its own best pass.
     */
    static double kernelRate(PassTimes[] perThread, int k, long elements) {
        int threads = perThread.length;
        double rate = 0;
        for (int t = 0; t < threads; t++) {
            long moved = sliceLength(elements, threads, t);
            rate += (double) ARRAYS_MOVED[k] * Double.BYTES * moved / perThread[t].min_s() / 1e9;
        }
        return rate;
    }

    /**
     * The three arrays, one slice per thread, each slice in chunks of at most {@link #CHUNK}
     * doubles: {@code a[t][i]}, {@code b[t][i]} and {@code c[t][i]} are chunk i of thread t's
     * slice and have the same length. Slice t of every array was allocated, and so first touched
     * (allocation zeroes it), by thread t.
     */
    record Slices(DoubleBuffer[][] a, DoubleBuffer[][] b, DoubleBuffer[][] c) {

        static Slices allocate(long elements, int threads) throws InterruptedException {
            return allocate(elements, threads, CHUNK);
        }

        /** As {@link #allocate(long, int)} with chunks of at most {@code chunk} doubles (small in tests). */
        static Slices allocate(long elements, int threads, int chunk) throws InterruptedException {
            DoubleBuffer[][] a = new DoubleBuffer[threads][];
            DoubleBuffer[][] b = new DoubleBuffer[threads][];
            DoubleBuffer[][] c = new DoubleBuffer[threads][];
            runOnThreads(threads, t -> {
                long len = sliceLength(elements, threads, t);
                a[t] = alignedChunks(len, chunk);
                b[t] = alignedChunks(len, chunk);
                c[t] = alignedChunks(len, chunk);
                // STREAM's initialisation, then a = 2a as its timer-resolution test does
                for (int i = 0; i < a[t].length; i++) {
                    fill(a[t][i], 1.0);
                    fill(b[t][i], 2.0);
                    fill(c[t][i], 0.0);
                    DoubleBuffer ai = a[t][i];
                    for (int j = 0, n = ai.capacity(); j < n; j++) {
                        ai.put(j, 2.0 * ai.get(j));
                    }
                }
            });
            return new Slices(a, b, c);
        }
    }

    /** Bytes every chunk of an array starts on: a page, so also a cache line and any vector width. */
    static final int ALIGNMENT = 4096;
    /** Doubles per chunk at most (1 GiB): a direct buffer holds at most 2^31 - 1 bytes. */
    static final int CHUNK = 1 << 27;

    /**
     * {@code len} doubles of zeroed, native-order direct memory starting on an {@link #ALIGNMENT}
     * boundary, as chunks of at most {@link #CHUNK} doubles.
     *
     * <p>Why not {@code double[]}: a Java array's elements start 16 bytes after its 8-byte-aligned
     * header, so with 64-byte vectors (AVX-512) every load and store of a vectorised kernel
     * straddles two cache lines. On a Zen 4 host, one thread, 163 MiB arrays, 8 and 7 JVMs
     * interleaved, Triad's median was 22.8 GB/s on {@code double[]} against 26.4 GB/s on aligned
     * direct memory (hpcc's STREAM: 25.8 in that hour). Aligned direct memory gives the alignment
     * stream.c gets from malloc on every run.
     */
    static DoubleBuffer[] alignedChunks(long len, int chunk) {
        int chunks = (int) Math.max(1, (len + chunk - 1) / chunk);
        DoubleBuffer[] out = new DoubleBuffer[chunks];
        for (int i = 0; i < chunks; i++) {
            int n = (int) Math.min(chunk, len - (long) i * chunk);
            try {
                // alignedSlice keeps the whole aligned units inside the buffer: round the size up to one
                int bytes = (n * Double.BYTES + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
                out[i] = ByteBuffer.allocateDirect(bytes + ALIGNMENT - 1)
                        .alignedSlice(ALIGNMENT)
                        .limit(n * Double.BYTES)
                        .slice()
                        .order(ByteOrder.nativeOrder())
                        .asDoubleBuffer();
            } catch (OutOfMemoryError e) {
                throw new IllegalStateException("stream: cannot allocate " + ((long) n * Double.BYTES >> 20)
                        + " MiB of direct memory for its arrays (" + e.getMessage() + "): use a smaller size", e);
            }
        }
        return out;
    }

    static void fill(DoubleBuffer d, double v) {
        for (int j = 0, n = d.capacity(); j < n; j++) {
            d.put(j, v);
        }
    }

    static long sliceLength(long elements, int threads, int t) {
        long lo = elements * t / threads;
        long hi = elements * (t + 1) / threads;
        return hi - lo;
    }

    /**
     * Runs {@code passes} passes of the four kernels on all threads; returns seconds per thread,
     * pass and kernel. In team timing every kernel starts and ends at a barrier, and each thread
     * reads the clock as it leaves the start barrier and again as it leaves the end barrier, once
     * the last thread has finished: all threads hold the team's time. In star timing the threads
     * meet once before the first pass, then each times only its own work, so they drift apart in
     * phase as independent processes do.
     */
    static double[][][] runPasses(Slices s, int passes, boolean star) throws InterruptedException {
        int threads = s.a.length;
        double[][][] times = new double[threads][passes][KERNELS.length];
        CyclicBarrier barrier = new CyclicBarrier(threads);
        runOnThreads(threads, t -> {
            DoubleBuffer[] a = s.a[t];
            DoubleBuffer[] b = s.b[t];
            DoubleBuffer[] c = s.c[t];
            try {
                if (star) {
                    barrier.await();
                }
                for (int pass = 0; pass < passes; pass++) {
                    for (int k = 0; k < KERNELS.length; k++) {
                        if (!star) {
                            barrier.await();
                        }
                        long t0 = System.nanoTime();
                        for (int i = 0; i < a.length; i++) {
                            runKernel(k, a[i], b[i], c[i], SCALAR);
                        }
                        if (!star) {
                            barrier.await();
                        }
                        times[t][pass][k] = (System.nanoTime() - t0) / 1e9;
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

    static void runKernel(int k, DoubleBuffer a, DoubleBuffer b, DoubleBuffer c, double scalar) {
        switch (k) {
            case 0 -> copy(a, c);
            case 1 -> scale(c, b, scalar);
            case 2 -> add(a, b, c);
            case 3 -> triad(b, c, a, scalar);
            default -> throw new IllegalArgumentException("kernel " + k);
        }
    }

    // The four kernels, as in stream.c: plain counted loops with absolute get/put, which C2
    // compiles without per-element bounds checks.

    /** c = a */
    static void copy(DoubleBuffer a, DoubleBuffer c) {
        for (int j = 0, n = c.capacity(); j < n; j++) {
            c.put(j, a.get(j));
        }
    }

    /** b = scalar * c */
    static void scale(DoubleBuffer c, DoubleBuffer b, double scalar) {
        for (int j = 0, n = b.capacity(); j < n; j++) {
            b.put(j, scalar * c.get(j));
        }
    }

    /** c = a + b */
    static void add(DoubleBuffer a, DoubleBuffer b, DoubleBuffer c) {
        for (int j = 0, n = c.capacity(); j < n; j++) {
            c.put(j, a.get(j) + b.get(j));
        }
    }

    /** a = b + scalar * c */
    static void triad(DoubleBuffer b, DoubleBuffer c, DoubleBuffer a, double scalar) {
        for (int j = 0, n = a.capacity(); j < n; j++) {
            a.put(j, b.get(j) + scalar * c.get(j));
        }
    }

    /** Gets the kernels compiled by C2 on small arrays, so that no timed pass runs interpreted code. */
    static void warmUpKernels() {
        DoubleBuffer a = alignedChunks(4096, CHUNK)[0];
        DoubleBuffer b = alignedChunks(4096, CHUNK)[0];
        DoubleBuffer c = alignedChunks(4096, CHUNK)[0];
        fill(a, 1.0);
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
    static void checkResults(DoubleBuffer[][] a, DoubleBuffer[][] b, DoubleBuffer[][] c, int passes, double scalar) {
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

    private static void checkArray(String name, DoubleBuffer[][] slices, double expected, List<String> failures) {
        double sumErr = 0;
        long count = 0;
        long wrong = 0;
        long firstWrong = -1;
        for (DoubleBuffer[] slice : slices) {
            for (DoubleBuffer chunk : slice) {
                for (int j = 0, n = chunk.capacity(); j < n; j++) {
                    double err = Math.abs(chunk.get(j) - expected);
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
