package io.isobench.workload.redis;

import io.isobench.workload.WorkloadFamily;
import io.isobench.core.IdentityFact;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.workload.InsideContext;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import io.isobench.workload.ServerWorkload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * Redis as the study measured it: a real redis-server inside the environment, a load generator on
 * the host speaking RESP over the environment's network path. Within one iteration it sweeps the
 * client counts and, for each, runs every chosen command (in redis-benchmark's order: PING, SET,
 * GET, LPUSH, LPOP, SADD) for a fixed number of requests. Reports requests/s and latency
 * percentiles per command, labelled {@code clients=N}.
 */
public final class RedisWorkload implements ServerWorkload {

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.KEY_VALUE;
    }

    @Override
    public List<IdentityFact> identityFacts() {
        return List.of(IdentityFact.software("inside.packages.redis-server", "redis-server package"),
                IdentityFact.software("workload.redis_version", "redis-server version"));
    }

    @Override
    public String description() {
        return "redis-server inside, RESP load from the host: requests/s and latency per command and client count";
    }

    static final ParamKey<List<String>> COMMANDS = ParamKey.choices("commands",
            "commands to run (always in the order PING, SET, GET, LPUSH, LPOP, SADD)", "PING", "SET", "GET", "LPUSH", "LPOP", "SADD")
            .defaultValue(List.of("PING", "SET", "GET", "LPUSH", "LPOP", "SADD"))
            .build();
    static final ParamKey<List<Integer>> CLIENTS = ParamKey.integers("clients", "client connections, swept inside one iteration")
            .defaultValue(List.of(1, 2, 4, 8, 16, 32, 64, 120)).range(1, 10_000).build();
    static final ParamKey<Long> REQUESTS = ParamKey.longInt("requests", "requests per command and client count (the study: 500000)")
            .defaultValue(20_000L).range(1, 1e10).build();
    static final ParamKey<Long> VALUE_SIZE = ParamKey.size("value_size", "bytes per value for SET, GET and LPUSH").defaultValue(50L)
            .range(1, 64L << 20).unit("bytes").build();
    static final ParamKey<Integer> KEYSPACE = ParamKey.integer("keyspace", "random keys used by GET and SET (all SET before the first GET)")
            .defaultValue(100_000).range(1, 100_000_000).build();
    static final ParamKey<Integer> PIPELINE = ParamKey.integer("pipeline", "requests each client sends before waiting for their replies")
            .defaultValue(1).range(1, 10_000).build();
    static final ParamKey<Integer> LOOPS = ParamKey.integer("generator_threads", "event-loop threads of the load generator (redis-benchmark uses 1)")
            .defaultValue(1).range(1, 256).build();
    static final ParamKey<String> PERSISTENCE = ParamKey.choice("persistence",
            "server persistence: none, aof (fsync every second), aof-always", "none", "aof", "aof-always")
            .defaultValue("none").build();
    static final ParamKey<String> CONFIG = ParamKey.text("config", "more redis-server directives, 'name value' pairs separated by ';'"
                        + " (e.g. 'io-threads 2; maxmemory 1gb')").defaultValue("").build();
    static final ParamKey<Duration> WARMUP = ParamKey.duration("warmup", "unmeasured load before the sweep, so the generator is compiled"
                        + " (JIT) before the first point").defaultValue("1s").build();
    static final ParamKey<Duration> START_TIMEOUT = ParamKey.duration("start_timeout", "how long the server may take to answer PING")
            .defaultValue("30s").build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(COMMANDS, CLIENTS, REQUESTS, VALUE_SIZE, KEYSPACE, PIPELINE, LOOPS, PERSISTENCE, CONFIG, WARMUP, START_TIMEOUT);
    }

    /** The chosen commands in redis-benchmark's order. */
    static List<RedisCommand> commands(Params p) {
        Set<RedisCommand> chosen = EnumSet.noneOf(RedisCommand.class);
        for (Object s : p.get(COMMANDS)) {
            chosen.add(RedisCommand.parse(String.valueOf(s)));
        }
        return List.copyOf(chosen);
    }

    @Override
    public void validate(Params p, HostFacts host) {
        long pointBytes = (long) p.get(KEYSPACE) * (p.get(VALUE_SIZE) + 64);
        if (commands(p).contains(RedisCommand.GET) && pointBytes > host.memoryBytes() / 2) {
            throw new BadInputException("redis keyspace=" + p.get(KEYSPACE) + " with value_size=" + p.get(VALUE_SIZE)
                    + " needs about " + (pointBytes >> 20) + " MiB of server memory, more than half of this host's "
                    + (host.memoryBytes() >> 20) + " MiB: lower keyspace or value_size");
        }
        int maxClients = p.get(CLIENTS).stream().mapToInt(Integer::intValue).max().orElse(1);
        if (maxClients > 9_000) {
            throw new BadInputException("redis clients=" + maxClients + " exceeds redis-server's default maxclients (10000"
                    + " minus reserved descriptors): use at most 9000 clients");
        }
    }

    /**
     * redis-server runs beside the agent: its own few MiB plus the data, at most every key of the
     * keyspace and every pushed list element (requests per client count), each with redis's
     * per-entry overhead (under 128 bytes).
     */
    @Override
    public OffHeap offHeap(Params p, long memory) {
        long entries = p.get(KEYSPACE) + p.get(REQUESTS) * p.get(CLIENTS).size();
        long bytes = (32L << 20) + entries * (p.get(VALUE_SIZE) + 128);
        return new OffHeap(bytes, "redis-server with keyspace=" + p.get(KEYSPACE) + ", requests=" + p.get(REQUESTS)
                + " and value_size=" + p.get(VALUE_SIZE));
    }

    @Override
    public Params scaledForEmulation(Params p) {
        // a fifth of the requests per command and client count: an emulated redis-server serves a
        // few thousand a second
        return p.with(REQUESTS, Math.min(p.get(REQUESTS), Math.max(1000L, p.get(REQUESTS) / 5)));
    }

    @Override
    public Duration estimate(Params p) {
        // a few tens of thousands of requests per second on a small host
        long total = p.get(REQUESTS) * p.get(CLIENTS).size() * commands(p).size();
        return Duration.ofMillis(2000 + total / 40);
    }

    @Override
    public Duration deadline(Params p) {
        long total = p.get(REQUESTS) * p.get(CLIENTS).size() * commands(p).size();
        // generous: 1000 requests/s would be a broken setup, not a slow one
        return Duration.ofMinutes(5).plusMillis(total + p.get(KEYSPACE) / 10L);
    }

    @Override
    public ServerSide startServer(Params p, InsideContext ctx, int port) throws Exception {
        return RedisServer.start(ctx.dataDir(), port, p.get(PERSISTENCE), p.get(CONFIG),
                Duration.ofMillis(p.get(START_TIMEOUT).toMillis()));
    }

    @Override
    public WorkloadResult drive(Params p, Endpoint ep, HostContext ctx) throws Exception {
        List<RedisCommand> cmds = commands(p);
        int valueSize = Math.toIntExact(p.get(VALUE_SIZE));
        int keyspace = p.get(KEYSPACE);
        boolean populate = cmds.contains(RedisCommand.GET);
        WorkloadResult.Builder b = WorkloadResult.builder();
        if (populate) {
            long t0 = System.nanoTime();
            populate(ep, keyspace, valueSize);
            b.fact("populate_seconds", (System.nanoTime() - t0) / 1e9);
        }
        LoadGenerator gen = new LoadGenerator(ep.host(), ep.port(), valueSize, keyspace, p.get(PIPELINE), p.get(LOOPS),
                populate, Duration.ofSeconds(30).toMillis());
        long requests = p.get(REQUESTS);
        if (p.get(WARMUP).toMillis() > 0) {
            // GET and PING change nothing on the server, so the measured points start from the same state
            int warmClients = Math.min(4, p.get(CLIENTS).stream().mapToInt(Integer::intValue).max().orElse(1));
            gen.warmUp(populate ? RedisCommand.GET : RedisCommand.PING, warmClients, p.get(WARMUP).toMillis(), 0);
        }
        Map<String, Object> points = new LinkedHashMap<>();
        long seed = 1;
        for (int clients : p.get(CLIENTS)) {
            for (RedisCommand c : cmds) {
                LoadGenerator.PointResult r = gen.run(c, clients, requests, seed++);
                String m = c.metric();
                Histogram h = r.latencyNanos();
                b.add(Measurement.higher(m, r.requestsPerSecond(), "req/s").withLabel(CLIENTS.name(), clients));
                b.add(Measurement.lower(m + "_p50", h.getValueAtPercentile(50) / 1e3, "us").withLabel(CLIENTS.name(), clients));
                b.add(Measurement.lower(m + "_p99", h.getValueAtPercentile(99) / 1e3, "us").withLabel(CLIENTS.name(), clients));
                points.put(m + "@" + clients, Map.of("requests", r.requests(), "seconds", r.seconds(),
                        "max_us", h.getMaxValue() / 1e3));
            }
        }
        b.fact("points", points);
        b.fact("commands", cmds.stream().map(Enum::name).toList());
        b.fact("generator", "isobench RESP event loop, " + p.get(LOOPS) + " thread(s)");
        return b.build();
    }

    /** SETs every key of the key space, so every GET finds a value (pipelined, not measured). */
    static void populate(Endpoint ep, int keyspace, int valueSize) throws IOException {
        byte[] value = new byte[valueSize];
        Arrays.fill(value, (byte) 'x');
        byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
        int batch = 1000;
        try (RespClient c = new RespClient(ep.host(), ep.port(), 30_000)) {
            List<String> errors = new ArrayList<>();
            for (int from = 0; from < keyspace; from += batch) {
                int to = Math.min(keyspace, from + batch);
                byte[] key = "key:000000000000".getBytes(StandardCharsets.US_ASCII);
                for (int k = from; k < to; k++) {
                    LoadGenerator.writeDigits(key, 4, k);
                    c.send(set, key, value);
                }
                c.flush();
                for (int k = from; k < to; k++) {
                    Object r = c.read();
                    if (r instanceof RespClient.ErrorReply e && errors.size() < 3) {
                        errors.add(e.message());
                    }
                }
            }
            if (!errors.isEmpty()) {
                throw new IOException("filling the key space failed: SET answered " + String.join("; ", errors));
            }
        }
    }
}
