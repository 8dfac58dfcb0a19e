package io.isobench.workload.network;

import io.isobench.result.WorkloadResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;

/**
 * The load side of a request/response workload: one platform thread per client, each doing one
 * transaction at a time (send a request, wait for its response) for the duration or the count,
 * with {@link System#nanoTime()} around each transaction as the only measurement in the loop.
 * Latencies go into a per-thread HdrHistogram (nanoseconds, 3 significant digits), merged at the
 * end, so recording never contends.
 */
final class RrLoad {

    /** One connected client. */
    interface Client extends AutoCloseable {
        /**
         * One transaction with sequence number {@code seq}: sends the request and waits for the
         * response carrying the same number. Returns false when it was lost (UDP: no answer within
         * the receive timeout).
         */
        boolean transact(long seq) throws IOException;

        /** Late answers to transactions already counted lost (UDP), else 0. */
        default long stale() {
            return 0;
        }

        @Override
        void close();
    }

    /** What all clients did together. */
    record Outcome(Histogram latencies, long completed, long lost, long stale, double seconds) {
        long attempted() {
            return completed + lost;
        }
    }

    private RrLoad() {
    }

    /**
     * Runs every client from one start signal until {@code durationMillis} passes or each did
     * {@code countPerClient} transactions (0: no count limit).
     */
    static Outcome run(String workload, List<? extends Client> clients, long durationMillis, long countPerClient, Watchdog dog)
            throws Exception {
        int n = clients.size();
        Histogram[] hist = new Histogram[n];
        long[] lost = new long[n];
        long[] ends = new long[n];
        Throwable[] errors = new Throwable[n];
        long[] start = new long[1];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            Client c = clients.get(i);
            Histogram h = new Histogram(3);
            hist[i] = h;
            threads.add(Thread.ofPlatform().name(workload + "-client-" + i).start(() -> {
                try {
                    go.await();
                    long deadline = start[0] + durationMillis * 1_000_000;
                    long limit = countPerClient == 0 ? Long.MAX_VALUE : countPerClient;
                    long missed = 0;
                    for (long seq = 0; seq < limit; seq++) {
                        long t0 = System.nanoTime();
                        if (t0 >= deadline) {
                            break;
                        }
                        boolean ok = c.transact(seq);
                        long t1 = System.nanoTime();
                        if (ok) {
                            h.recordValue(t1 - t0);
                        } else {
                            missed++;
                        }
                    }
                    lost[k] = missed;
                } catch (Throwable t) {
                    errors[k] = t;
                } finally {
                    ends[k] = System.nanoTime();
                }
            }));
        }
        start[0] = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (dog.fired()) {
            throw new IOException(workload + ": the server side stopped answering; the load did not end within "
                    + dog.limitMillis() / 1000 + " s");
        }
        for (Throwable t : errors) {
            if (t != null) {
                throw new IOException(workload + ": " + (t.getMessage() == null ? t.toString() : t.getMessage()), t);
            }
        }
        Histogram all = new Histogram(3);
        long end = start[0];
        long lostAll = 0;
        long stale = 0;
        for (int i = 0; i < n; i++) {
            all.add(hist[i]);
            end = Math.max(end, ends[i]);
            lostAll += lost[i];
            stale += clients.get(i).stale();
        }
        return new Outcome(all, all.getTotalCount(), lostAll, stale, (end - start[0]) / 1e9);
    }

    /** Transactions per second and the latency distribution, in microseconds. */
    static void report(WorkloadResult.Builder b, Outcome o) {
        Histogram h = o.latencies();
        b.higher("transactions", o.completed() / o.seconds(), "tx/s");
        if (h.getTotalCount() > 0) {
            b.lower("latency_mean", h.getMean() / 1000.0, "us");
            b.lower("latency_p50", h.getValueAtPercentile(50) / 1000.0, "us");
            b.lower("latency_p90", h.getValueAtPercentile(90) / 1000.0, "us");
            b.lower("latency_p99", h.getValueAtPercentile(99) / 1000.0, "us");
            b.lower("latency_p99_9", h.getValueAtPercentile(99.9) / 1000.0, "us");
        }
        b.fact("completed", o.completed()).fact("seconds", o.seconds()).fact("latency_max_us", h.getMaxValue() / 1000.0)
                .fact("latency_recorder", "HdrHistogram, ns, 3 significant digits, per-client threads merged");
    }
}
