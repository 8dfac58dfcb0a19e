package io.isobench.workload.startup;

import io.isobench.workload.WorkloadFamily;

import io.isobench.result.WorkloadResult;
import io.isobench.workload.HostContext;
import io.isobench.workload.HostWorkload;
import io.isobench.workload.HostWorkload.Instance;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Params;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What an environment costs to start and to keep: per iteration,
 * <ul>
 *   <li>{@code cold_start}: the first instance started in the iteration, from the request until
 *       its agent's first answer (the environment's whole start path: process, container or VM,
 *       then a JVM);</li>
 *   <li>{@code warm_start}: a second start right after, with the host's caches warm;</li>
 *   <li>{@code request_rtt}: a ping to a running agent and its answer, the cost of the path in;</li>
 *   <li>{@code density_start}: {@code instances} started together, until the last answers;</li>
 *   <li>{@code memory_per_instance}: the host memory each of those holds once idle (the agent's
 *       resident set natively, the container's cgroup, QEMU's resident set).</li>
 * </ul>
 */
public final class StartupWorkload implements HostWorkload {

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.STARTUP;
    }

    @Override
    public String description() {
        return "time from start to the agent's first answer (cold, warm), request round trip, and host memory per instance for N started together";
    }

    static final ParamKey<Integer> INSTANCES = ParamKey.integer("instances", "instances started together for the density figures")
            .defaultValue(3).range(1, 64).build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(INSTANCES);
    }

    /**
     * At most two instances started together: an emulated VM boots in about 20 s on its own, and
     * three at once (six emulated vCPUs) take about three times that on a small host, in each of
     * the cold, warm and density starts. Two still start together, so density stays a density.
     */
    @Override
    public Params scaledForEmulation(Params p) {
        return p.with(INSTANCES, Math.min(p.get(INSTANCES), 2));
    }

    @Override
    public Duration estimate(Params p) {
        return Duration.ofSeconds(2L + p.get(INSTANCES));
    }

    @Override
    public Duration deadline(Params p) {
        return Duration.ofMinutes(5);
    }

    @Override
    public WorkloadResult runOnHost(Params p, Starter starter, HostContext ctx) throws Exception {
        WorkloadResult.Builder r = WorkloadResult.builder();
        double cold;
        double warm;
        double rtt;
        long t0 = System.nanoTime();
        try (Instance first = starter.start()) {
            cold = (System.nanoTime() - t0) / 1e6;
            long r0 = System.nanoTime();
            int n = 200;
            for (int i = 0; i < n; i++) {
                first.ping();
            }
            rtt = (System.nanoTime() - r0) / 1e3 / n;
        }
        long t1 = System.nanoTime();
        try (Instance second = starter.start()) {
            warm = (System.nanoTime() - t1) / 1e6;
        }
        r.lower("cold_start", cold, "ms").lower("warm_start", warm, "ms").lower("request_rtt", rtt, "us");

        int count = p.get(INSTANCES);
        List<Instance> running = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<Instance>> starts = new ArrayList<>();
            long d0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                starts.add(pool.submit(starter::start));
            }
            Exception failed = null;
            for (Future<Instance> f : starts) {
                try {
                    running.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failed = failed == null ? (Exception) e.getCause() : failed;
                }
            }
            if (failed != null) {
                throw failed;
            }
            r.lower("density_start", (System.nanoTime() - d0) / 1e6, "ms");
            Thread.sleep(500); // let start-up work settle before reading what stays resident
            long total = 0;
            boolean known = true;
            for (Instance i : running) {
                long m = i.hostMemoryBytes();
                known &= m >= 0;
                total += Math.max(0, m);
            }
            if (known) {
                r.lower("memory_per_instance", total / (double) count / (1 << 20), "MiB");
            } else {
                r.fact("memory_per_instance", "not measurable for this environment");
            }
            r.fact("instances", count);
        } finally {
            pool.shutdownNow();
            for (Instance i : running) {
                i.close();
            }
        }
        return r.build();
    }
}
