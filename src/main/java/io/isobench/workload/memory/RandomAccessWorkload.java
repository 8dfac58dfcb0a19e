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
import java.time.Duration;
import java.util.List;

/**
 * HPC Challenge RandomAccess (GUPS): XOR updates of random words of a table of 2^n 64-bit words.
 *
 * <p>Follows HPCC's single-CPU kernel: the table starts as {@code T[i] = i}; the update values are
 * HPCC's sequence (a shift register over GF(2) with polynomial {@link #POLY}), 4x the table size
 * of them, run as 128 interleaved streams whose starting points {@link #starts} jumps to, so that
 * 128 independent memory accesses are in flight. Each update is {@code T[v & (size-1)] ^= v}.
 *
 * <p>With several threads the update sequence is cut into 128 streams per thread over one shared
 * table, without locks: like HPCC's multi-threaded and MPI variants, concurrent updates of the
 * same word may race and lose an update. The verification pass re-applies the same updates
 * (single-threaded, so it adds no races: XOR is its own inverse and order does not matter) and
 * counts the words that differ from {@code T[i] = i}; more than 1% of the table fails the trial,
 * as in HPCC.
 */
public final class RandomAccessWorkload implements Workload {

    /** HPCC's primitive polynomial for the update sequence. */
    static final long POLY = 0x0000000000000007L;
    /** Period of the sequence, as in HPCC. */
    static final long PERIOD = 1317624576693539401L;
    /** Independent update streams per thread (HPCC's 128-way lookahead). */
    static final int STREAMS = 128;
    /** HPCC's limit on the fraction of wrong words after verification. */
    static final double MAX_ERROR_FRACTION = 0.01;
    /**
     * Default cap on log2 of the table: 2^26 words (512 MiB, 16x a 32 MiB last-level cache). HPCC's
     * half of memory would be 2^30 words on a 24 GiB host, and at the tens of millions of updates
     * per second a 2-core host manages out of cache, its 2^32 updates take minutes per iteration.
     */
    static final int DEFAULT_LOG2_CAP = 26;

    @Override
    public String name() {
        return "randomaccess";
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
        return "HPCC RandomAccess: random XOR updates of a 2^n-word table, 4 updates per word (GUPS)";
    }

    static final ParamKey<Integer> LOG2_SIZE = ParamKey.integer("log2_size",
            "log2 of the table size in 64-bit words (HPCC: the largest power of two in half of memory)")
            .defaultFrom(RandomAccessWorkload::defaultLog2, "half of memory, at most 2^" + DEFAULT_LOG2_CAP + " words (512 MiB)")
            .range(10, 30).build();
    static final ParamKey<Integer> THREADS = ParamKey.integer("threads", "threads updating the one shared table (races allowed, as in HPCC)")
            .defaultFrom(HostFacts::cpus, "all CPUs").range(1, 1024).build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(LOG2_SIZE, THREADS);
    }

    static Object defaultLog2(HostFacts h) {
        long words = h.memoryBytes() / 2 / Long.BYTES;
        int log2 = 63 - Long.numberOfLeadingZeros(Math.max(words, 1024));
        return Math.min(log2, DEFAULT_LOG2_CAP);
    }

    @Override
    public void validate(Params p, HostFacts host) {
        long bytes = (1L << p.get(LOG2_SIZE)) * Long.BYTES;
        if (bytes > host.memoryBytes() * 6 / 10) {
            throw new BadInputException("randomaccess parameter log2_size=" + p.get(LOG2_SIZE) + " needs a table of "
                    + (bytes >> 20) + " MiB, more than 60% of the " + (host.memoryBytes() >> 20) + " MiB available: use log2_size <= "
                    + (63 - Long.numberOfLeadingZeros(host.memoryBytes() * 6 / 10 / Long.BYTES)));
        }
    }

    @Override
    public Params scaledForEmulation(Params p) {
        // an eighth of the table and of the updates (HPCC does four updates per word)
        return p.with(LOG2_SIZE, Math.min(p.get(LOG2_SIZE), Math.max(20, p.get(LOG2_SIZE) - 3)));
    }

    @Override
    public Duration estimate(Params p) {
        // updates at a pessimistic 20 million per second, twice (timed run and verification)
        long updates = 4L << p.get(LOG2_SIZE);
        return Duration.ofMillis(200 + 2 * updates / 20_000);
    }

    @Override
    public Duration deadline(Params p) {
        return estimate(p).multipliedBy(10).plusMinutes(2);
    }

    @Override
    public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
        int log2 = p.get(LOG2_SIZE);
        int threads = p.get(THREADS);
        long size = 1L << log2;
        long updates = 4 * size;

        warmUp();
        long[] table = new long[(int) size];
        initTable(table, threads);

        long t0 = System.nanoTime();
        update(table, updates, threads);
        long t1 = System.nanoTime();
        double seconds = (t1 - t0) / 1e9;

        long v0 = System.nanoTime();
        update(table, updates, 1); // the inverse: same updates, no races
        long errors = countErrors(table);
        double verifySeconds = (System.nanoTime() - v0) / 1e9;
        checkErrors(errors, size);

        return WorkloadResult.builder()
                .higher("gups", updates / seconds / 1e9, "GUP/s")
                .fact("log2_size", log2)
                .fact("table_words", size)
                .fact("table_bytes", size * Long.BYTES)
                .fact("updates", updates)
                .fact("threads", threads)
                .fact("streams_per_thread", STREAMS)
                .fact("seconds", seconds)
                .fact("errors", errors)
                .fact("error_fraction", (double) errors / size)
                .fact("verification_seconds", verifySeconds)
                .fact("verification", "passed: " + errors + " of " + size + " words wrong (at most 1% allowed, as HPCC)")
                .build();
    }

    /** {@code T[i] = i}, each thread writing (first touching) its own part. */
    static void initTable(long[] table, int threads) throws InterruptedException {
        StreamWorkload.runOnThreads(threads, t -> {
            int lo = (int) ((long) table.length * t / threads);
            int hi = (int) ((long) table.length * (t + 1) / threads);
            for (int i = lo; i < hi; i++) {
                table[i] = i;
            }
        });
    }

    /**
     * Applies the {@code updates} first values of HPCC's sequence to the table. Cut into
     * {@code STREAMS * threads} contiguous segments of the sequence, each thread interleaving its
     * 128; with one thread this is exactly HPCC's single-CPU update loop.
     */
    static void update(long[] table, long updates, int threads) throws InterruptedException {
        long segments = (long) STREAMS * threads;
        StreamWorkload.runOnThreads(threads, t -> {
            long first = (long) t * STREAMS;
            long[] ran = new long[STREAMS];
            long[] remaining = new long[STREAMS];
            long common = Long.MAX_VALUE;
            for (int j = 0; j < STREAMS; j++) {
                long lo = updates * (first + j) / segments;
                long hi = updates * (first + j + 1) / segments;
                ran[j] = starts(lo);
                remaining[j] = hi - lo;
                common = Math.min(common, remaining[j]);
            }
            updateStreams(table, ran, common);
            // segments differ by at most one update when the count does not divide evenly
            for (int j = 0; j < STREAMS; j++) {
                long v = ran[j];
                for (long i = common; i < remaining[j]; i++) {
                    v = next(v);
                    table[(int) (v & (table.length - 1))] ^= v;
                }
            }
        });
    }

    /** The hot loop: {@code steps} updates of each of the 128 interleaved streams. */
    static void updateStreams(long[] table, long[] ran, long steps) {
        int mask = table.length - 1;
        for (long i = 0; i < steps; i++) {
            for (int j = 0; j < STREAMS; j++) {
                long v = ran[j];
                v = next(v);
                ran[j] = v;
                table[(int) v & mask] ^= v;
            }
        }
    }

    /**
     * One step of the sequence: shift left, and fold the polynomial in when the top bit fell off.
     * Branch-free on purpose ({@code v >> 63} is all ones for a negative v): the top bit is random,
     * so a branch would be mispredicted half the time, and each misprediction discards the
     * independent table accesses in flight that RandomAccess's speed depends on.
     */
    static long next(long v) {
        return (v << 1) ^ ((v >> 63) & POLY);
    }

    /** Words that differ from {@code T[i] = i}. */
    static long countErrors(long[] table) {
        long errors = 0;
        for (int i = 0; i < table.length; i++) {
            if (table[i] != i) {
                errors++;
            }
        }
        return errors;
    }

    /** Fails when more than 1% of the table is wrong (HPCC's criterion). */
    static void checkErrors(long errors, long size) {
        if (errors > MAX_ERROR_FRACTION * size) {
            throw new IllegalStateException(String.format(
                    "RandomAccess verification failed: %d of %d words (%.3f%%) are wrong, more than HPCC's 1%%",
                    errors, size, 100.0 * errors / size));
        }
    }

    /**
     * HPCC_starts: the value of the sequence after {@code n} steps from 1, found in O(log n) by
     * squaring the step in GF(2)[x] modulo the polynomial, so that streams can start anywhere.
     */
    static long starts(long n) {
        while (n < 0) {
            n += PERIOD;
        }
        while (n > PERIOD) {
            n -= PERIOD;
        }
        if (n == 0) {
            return 0x1;
        }
        long[] m2 = new long[64];
        long temp = 0x1;
        for (int i = 0; i < 64; i++) {
            m2[i] = temp;
            temp = (temp << 1) ^ (temp < 0 ? POLY : 0);
            temp = (temp << 1) ^ (temp < 0 ? POLY : 0);
        }
        int i;
        for (i = 62; i >= 0; i--) {
            if (((n >> i) & 1) != 0) {
                break;
            }
        }
        long ran = 0x2;
        while (i > 0) {
            temp = 0;
            for (int j = 0; j < 64; j++) {
                if (((ran >>> j) & 1) != 0) {
                    temp ^= m2[j];
                }
            }
            ran = temp;
            i -= 1;
            if (((n >> i) & 1) != 0) {
                ran = (ran << 1) ^ (ran < 0 ? POLY : 0);
            }
        }
        return ran;
    }

    /** Compiles the update loop on a small table before the timed run. */
    static void warmUp() throws InterruptedException {
        long[] small = new long[1 << 12];
        for (int i = 0; i < 40; i++) {
            update(small, 4L << 12, 1);
        }
    }
}
