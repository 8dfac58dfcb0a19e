package io.isobench.workload.cpu;

import io.isobench.workload.WorkloadFamily;

import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Params;
import io.isobench.workload.Workload;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SHA-256 over an in-memory buffer, one buffer per thread: a short, purely CPU-bound kernel (the
 * JDK's intrinsic SHA on x86) that exercises the whole path quickly. Every thread's digest is
 * checked against a digest computed once before timing, so a wrong result fails the iteration.
 */
public final class HashWorkload implements Workload {

    @Override
    public String name() {
        return "hash";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.COMPUTE;
    }

    @Override
    public String description() {
        return "SHA-256 throughput over an in-memory buffer per thread (CPU-bound)";
    }

    static final ParamKey<Long> SIZE = ParamKey.size("size",
            "bytes hashed per thread per pass").defaultValue(64L << 20).range(4096, 1L << 34).unit("bytes").build();
    static final ParamKey<Integer> THREADS = ParamKey.integer("threads",
            "threads hashing in parallel").defaultFrom(h -> 1, "1").range(1, 1024).build();
    static final ParamKey<Integer> PASSES = ParamKey.integer("passes", "passes over the buffer per iteration").defaultValue(4).range(1, 1000).build();
    static final ParamKey<String> ALGORITHM = ParamKey.choice("algorithm",
            "digest algorithm", "SHA-256", "SHA-512", "SHA-1", "MD5").defaultValue("SHA-256").build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(SIZE, THREADS, PASSES, ALGORITHM);
    }

    @Override
    public Params scaledForEmulation(Params p) {
        // one pass, then a quarter of the buffer: SHA-256's MB/s does not depend on either
        return p.get(PASSES) > 1 ? p.with(PASSES, 1) : p.with(SIZE, Math.min(p.get(SIZE), Math.max(1L << 20, p.get(SIZE) / 4)));
    }

    @Override
    public Duration estimate(Params p) {
        // roughly 1 GB/s per thread natively
        return Duration.ofMillis(Math.max(50, p.get(SIZE) * p.get(PASSES) / 1_000_000));
    }

    @Override
    public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
        int size = Math.toIntExact(p.get(SIZE));
        int threads = p.get(THREADS);
        int passes = p.get(PASSES);
        String alg = p.get(ALGORITHM);
        byte[] data = new byte[size];
        new SplittableRandom(42).nextBytes(data);
        byte[] expected = digest(alg, data, passes);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<byte[]>> tasks = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                byte[] own = data.clone();
                tasks.add(() -> digest(alg, own, passes));
            }
            long t0 = System.nanoTime();
            List<Future<byte[]>> results = pool.invokeAll(tasks);
            long t1 = System.nanoTime();
            for (Future<byte[]> f : results) {
                if (!MessageDigest.isEqual(f.get(), expected)) {
                    throw new IllegalStateException("a thread computed a different digest: the result is wrong");
                }
            }
            double seconds = (t1 - t0) / 1e9;
            double mb = (double) size * passes * threads / 1e6;
            return WorkloadResult.builder()
                    .higher("throughput", mb / seconds, "MB/s")
                    .fact("digest", HexFormat.of().formatHex(expected))
                    .fact("threads", threads)
                    .fact("seconds", seconds)
                    .build();
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] digest(String alg, byte[] data, int passes) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance(alg);
        for (int i = 0; i < passes; i++) {
            md.update(data);
        }
        return md.digest();
    }
}
