package io.isobench.workload.mysql;

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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * MySQL as the study measured it: a real MariaDB server inside the environment with its data on
 * the storage under test, sysbench's OLTP tables loaded once per environment instance (the
 * prepare stage, kept between iterations), and sysbench's OLTP transaction mix driven from the
 * host over JDBC, sweeping the thread counts inside one iteration. Reports transactions/s,
 * queries/s and transaction latency percentiles, labelled {@code threads=N}.
 */
public final class MysqlWorkload implements ServerWorkload {

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.DATABASE;
    }

    @Override
    public List<IdentityFact> identityFacts() {
        return List.of(IdentityFact.software("inside.packages.mariadb-server", "MariaDB package"),
                IdentityFact.software("workload.server.version", "MariaDB version"));
    }

    @Override
    public String description() {
        return "MariaDB inside, sysbench OLTP mix over JDBC from the host: transactions/s, queries/s, latency per thread count";
    }

    /** The study's 2,000,000 rows, scaled down on small hosts so the prepare stage stays short. */
    static int defaultTableSize(HostFacts h) {
        long rows = 250_000L * h.cpus();
        rows = Math.min(rows, h.memoryBytes() / 4 / 250); // about 250 bytes a row with its index
        return (int) Math.max(10_000, Math.min(2_000_000, rows));
    }

    /** The study's 3 GB buffer pool, or a quarter of memory on smaller hosts (128 MiB steps). */
    static long defaultBufferPool(HostFacts h) {
        long quarter = h.memoryBytes() / 4;
        long pool = Math.min(3L << 30, quarter);
        return Math.max(128L << 20, pool & ~((128L << 20) - 1));
    }

    static final ParamKey<String> MODE = ParamKey.choice("mode", "sysbench transaction mix: read_only (the study's) or read_write",
                    "read_only", "read_write")
            .defaultValue("read_only").build();
    static final ParamKey<List<Integer>> THREADS = ParamKey.integers("threads", "client threads (one connection each), swept inside one iteration")
            .defaultValue(List.of(1, 2, 4, 8, 16, 32)).range(1, 4096).build();
    static final ParamKey<Duration> DURATION = ParamKey.duration("duration",
            "measured time per thread count (the study: 60s)").defaultValue("10s").build();
    static final ParamKey<Duration> RAMP = ParamKey.duration("ramp",
            "unmeasured time before each thread count's measurement").defaultValue("1s").build();
    static final ParamKey<Duration> WARMUP = ParamKey.duration("warmup", "unmeasured load before the sweep, so the JDBC client is compiled (JIT)"
            + " before the first point").defaultValue("2s").build();
    static final ParamKey<Integer> TABLES = ParamKey.integer("tables", "sbtest tables").defaultValue(1).range(1, 64).build();
    static final ParamKey<Integer> TABLE_SIZE = ParamKey.integer("table_size", "rows per table (the study: 2000000)")
            .defaultFrom(h -> defaultTableSize(h), "250000 per CPU, within 10000..2000000").range(100, 1_000_000_000).build();
    static final ParamKey<Long> BUFFER_POOL = ParamKey.size("buffer_pool", "InnoDB buffer pool (capped at half the environment's memory)")
            .defaultFrom(h -> defaultBufferPool(h), "a quarter of memory, at most 3G").unit("bytes")
            .range(8L << 20, 1L << 44).build();
    static final ParamKey<String> FLUSH_METHOD = ParamKey.choice("flush_method", "innodb_flush_method (the study: O_DIRECT)",
                    "O_DIRECT", "O_DIRECT_NO_FSYNC", "fsync", "O_DSYNC").defaultValue("O_DIRECT").build();
    static final ParamKey<Integer> FLUSH_AT_COMMIT = ParamKey.integer("flush_log_at_trx_commit",
            "innodb_flush_log_at_trx_commit (the study: 0, no flush at commit)")
            .defaultValue(0).range(0, 2).build();
    static final ParamKey<String> DISTRIBUTION = ParamKey.choice("distribution", "how ids are drawn (sysbench --rand-type)", "special", "uniform")
            .defaultValue("special").build();
    static final ParamKey<Boolean> PREWARM = ParamKey.flag("prewarm", "read the tables once after the server starts, before measuring")
            .defaultValue(true).build();
    static final ParamKey<String> CONFIG = ParamKey.text("config", "more mariadbd options, space-separated (e.g. '--innodb-log-file-size=1G')")
            .defaultValue("").build();
    static final ParamKey<Duration> START_TIMEOUT = ParamKey.duration("start_timeout", "how long the server may take to accept connections")
            .defaultValue("120s").build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(MODE, THREADS, DURATION, RAMP, WARMUP, TABLES, TABLE_SIZE, BUFFER_POOL, FLUSH_METHOD, FLUSH_AT_COMMIT,
                DISTRIBUTION, PREWARM, CONFIG, START_TIMEOUT);
    }

    @Override
    public void validate(Params p, HostFacts host) {
        long dataBytes = (long) p.get(TABLES) * p.get(TABLE_SIZE) * 250;
        if (p.get(BUFFER_POOL) > host.memoryBytes() * 3 / 4) {
            throw new BadInputException("mysql buffer_pool=" + (p.get(BUFFER_POOL) >> 20) + "M exceeds three quarters of this"
                    + " host's " + (host.memoryBytes() >> 20) + " MiB: choose a smaller buffer_pool");
        }
        if (dataBytes > 64L << 30) {
            throw new BadInputException("mysql tables=" + p.get(TABLES) + " x table_size=" + p.get(TABLE_SIZE)
                    + " is about " + (dataBytes >> 30) + " GiB of data, more than the 64 GiB isobench loads: lower table_size");
        }
        if (p.get(DURATION).toMillis() < 100) {
            throw new BadInputException("mysql duration=" + p.get(DURATION).toMillis() + "ms is too short to count transactions:"
                    + " use at least 100ms (the study: 60s)");
        }
        for (String opt : p.get(CONFIG).trim().split("\\s+")) {
            if (!opt.isEmpty() && !opt.startsWith("--")) {
                throw new BadInputException("mysql config='" + p.get(CONFIG) + "' has '" + opt + "', which is not a"
                        + " mariadbd option: write options as --name=value, separated by spaces");
            }
        }
    }

    private static int maxThreads(Params p) {
        return p.get(THREADS).stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    private static long loadMillis(Params p) {
        // about 30000 rows/s on a small host, generously
        return (long) p.get(TABLES) * p.get(TABLE_SIZE) / 30;
    }

    /**
     * mariadbd runs beside the agent: its buffer pool (capped at half the environment's memory,
     * as the server is started) and, allowed for, 256 MiB of its own caches and connections.
     */
    @Override
    public OffHeap offHeap(Params p, long memory) {
        long pool = p.get(BUFFER_POOL);
        long used = memory > 0 ? Math.min(pool, memory / 2) : pool;
        return new OffHeap(used + (256L << 20), "mariadbd with buffer_pool=" + pool + " bytes" + (used < pool ? " (capped at " + used + ")" : ""));
    }

    @Override
    public Duration estimate(Params p) {
        long points = p.get(THREADS).size();
        return Duration.ofMillis(5000 + points * (p.get(DURATION).toMillis() + p.get(RAMP).toMillis()));
    }

    @Override
    public Duration deadline(Params p) {
        long points = p.get(THREADS).size();
        // each point may be measured over 1 + 2 + 4 windows (measurePoint)
        long perPoint = 7 * p.get(DURATION).toMillis() + (WIDENINGS + 1) * p.get(RAMP).toMillis();
        return Duration.ofMinutes(5).plusMillis(p.get(START_TIMEOUT).toMillis() + 10 * loadMillis(p) + 2 * points * perPoint);
    }

    @Override
    public ServerSide startServer(Params p, InsideContext ctx, int port) throws Exception {
        MariadbServer.Config cfg = new MariadbServer.Config(p.get(BUFFER_POOL), p.get(FLUSH_METHOD),
                p.get(FLUSH_AT_COMMIT), maxThreads(p) + 20, p.get(CONFIG), Duration.ofMillis(p.get(START_TIMEOUT).toMillis()));
        return MariadbServer.start(ctx.dataDir(), ctx.facts().memoryBytes(), port, cfg);
    }

    /** The JDBC URL the load uses: server-side prepared statements, as sysbench's MySQL driver. */
    static String url(Endpoint ep) {
        return "jdbc:mariadb://" + ep.host() + ":" + ep.port() + "/" + MariadbServer.DATABASE
                + "?user=" + MariadbServer.USER + "&password=" + MariadbServer.PASSWORD
                + "&useServerPrepStmts=true&connectTimeout=30000&socketTimeout=600000";
    }

    @Override
    public WorkloadResult drive(Params p, Endpoint ep, HostContext ctx) throws Exception {
        String url = url(ep);
        int tables = p.get(TABLES);
        int tableSize = p.get(TABLE_SIZE);
        boolean special = p.get(DISTRIBUTION).equals("special");
        boolean readWrite = p.get(MODE).equals("read_write");
        WorkloadResult.Builder b = WorkloadResult.builder();

        OltpSchema.Outcome prep = OltpSchema.ensure(url, tables, tableSize, special, 42);
        b.fact("prepare", prep.loaded() ? "loaded: " + prep.reason() : prep.reason());
        b.fact("prepare_seconds", prep.seconds());
        Map<String, Long> before;
        try (Connection c = DriverManager.getConnection(url)) {
            if (p.get(PREWARM)) {
                long t0 = System.nanoTime();
                OltpSchema.prewarm(c, tables, tableSize);
                b.fact("prewarm_seconds", (System.nanoTime() - t0) / 1e9);
            }
            before = status(c);
        }

        OltpDriver driver = new OltpDriver(url, tables, tableSize, readWrite, special);
        if (p.get(WARMUP).toMillis() > 0) {
            driver.run(Math.min(4, maxThreads(p)), 0, p.get(WARMUP).toMillis(), 0);
        }
        Map<String, Object> points = new LinkedHashMap<>();
        long seed = 1;
        for (int threads : p.get(THREADS)) {
            long pointSeed = seed++;
            OltpDriver.PointResult r = measurePoint(p.get(DURATION).toMillis(), threads,
                    window -> driver.run(threads, p.get(RAMP).toMillis(), window, pointSeed));
            if (!readWrite && r.missingRows() > 0) {
                throw new IllegalStateException(r.missingRows() + " point selects found no row in read_only mode: the sbtest"
                        + " tables lost rows, so the figures would be wrong; the next iteration reloads them");
            }
            Histogram h = r.latencyNanos();
            b.add(Measurement.higher("tps", r.tps(), "tx/s").withLabel(THREADS.name(), threads));
            b.add(Measurement.higher("qps", r.qps(), "queries/s").withLabel(THREADS.name(), threads));
            b.add(Measurement.lower("latency_p50", h.getValueAtPercentile(50) / 1e6, "ms").withLabel(THREADS.name(), threads));
            b.add(Measurement.lower("latency_p95", h.getValueAtPercentile(95) / 1e6, "ms").withLabel(THREADS.name(), threads));
            b.add(Measurement.lower("latency_p99", h.getValueAtPercentile(99) / 1e6, "ms").withLabel(THREADS.name(), threads));
            Map<String, Object> point = new LinkedHashMap<>(Map.of("transactions", r.transactions(), "seconds", r.seconds(),
                    "ignored_errors", r.ignoredErrors(), "missing_rows", r.missingRows(), "max_ms", h.getMaxValue() / 1e6));
            if (Math.round(r.seconds() * 1000) > p.get(DURATION).toMillis()) {
                // said where the figure is: this point's window was widened, its rate is over r.seconds()
                point.put("window_widened_from_ms", p.get(DURATION).toMillis());
                b.fact("windows_widened", true);
            }
            points.put("threads=" + threads, point);
        }
        b.fact("points", points);
        b.fact("queries_per_transaction", driver.queriesPerTransaction());
        try (Connection c = DriverManager.getConnection(url)) {
            Map<String, Long> after = status(c);
            long requests = after.getOrDefault("Innodb_buffer_pool_read_requests", 0L)
                    - before.getOrDefault("Innodb_buffer_pool_read_requests", 0L);
            long reads = after.getOrDefault("Innodb_buffer_pool_reads", 0L) - before.getOrDefault("Innodb_buffer_pool_reads", 0L);
            b.fact("buffer_pool_hit_ratio", requests > 0 ? 1.0 - (double) reads / requests : 1.0);
            b.fact("innodb_data_reads", after.getOrDefault("Innodb_data_reads", 0L) - before.getOrDefault("Innodb_data_reads", 0L));
            b.fact("innodb_data_writes", after.getOrDefault("Innodb_data_writes", 0L) - before.getOrDefault("Innodb_data_writes", 0L));
            b.fact("server_variables", variables(c));
        }
        return b.build();
    }

    /** One thread count's measurement over a window of the given length in milliseconds. */
    interface PointRun {
        OltpDriver.PointResult run(long windowMillis) throws Exception;
    }

    /** How many times a point's window is doubled when no transaction completed in it. */
    static final int WIDENINGS = 2;

    /**
     * One point (thread count): measured over {@code durationMillis}; when no transaction began
     * and ended in that window (a TCG guest at 16 threads takes 0.3-0.5 s a transaction, and over
     * a second when the machine slows down), measured again over a window twice as long, up to
     * {@value #WIDENINGS} times (2x, 4x). Its rate is over the window it was measured in, and the
     * points fact says it was widened. Only the point that needs it pays for it, in the environment
     * that needs it: scaling mysql's duration for emulation would have native run a second mysql
     * trial at that duration too (the planner's like-for-like rule), a minute of the main job's ten.
     * No transaction even then fails the trial, as before.
     */
    static OltpDriver.PointResult measurePoint(long durationMillis, int threads, PointRun run) throws Exception {
        long window = durationMillis;
        OltpDriver.PointResult r = run.run(window);
        for (int i = 0; i < WIDENINGS && r.transactions() == 0; i++) {
            window *= 2;
            r = run.run(window);
        }
        if (r.transactions() == 0) {
            throw new IllegalStateException("no transaction completed in " + durationMillis + " ms with " + threads
                    + " threads, nor in windows widened to " + window + " ms (" + r.ignoredErrors()
                    + " rolled back on deadlocks or lock waits): raise duration");
        }
        return r;
    }

    private static Map<String, Long> status(Connection c) throws SQLException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN"
                + " ('Innodb_buffer_pool_read_requests','Innodb_buffer_pool_reads','Innodb_data_reads','Innodb_data_writes')")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2));
            }
        }
        return m;
    }

    /** The settings that decide the figures, read back from the server (proof that they took effect). */
    private static Map<String, String> variables(Connection c) throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
                + " ('version','innodb_buffer_pool_size','innodb_flush_method','innodb_flush_log_at_trx_commit',"
                + "'innodb_use_native_aio','max_connections','datadir')")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getString(2));
            }
        }
        return m;
    }
}
