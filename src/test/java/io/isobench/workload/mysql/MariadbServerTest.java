package io.isobench.workload.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.host.HostFacts;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real MariaDB (Debian's, installed by scripts/setup-host.sh) on loopback, tiny tables, short points. */
@Tag("integration")
class MariadbServerTest {

    private static final HostFacts HOST = HostFacts.read();
    private static final int ROWS = 2000;
    private final MysqlWorkload workload = new MysqlWorkload();

    @TempDir
    Path dataDir;

    private Params params(Map<String, Object> extra) {
        Map<String, Object> given = new HashMap<>(Map.of("threads", List.of(1, 3), "duration", "300ms", "ramp", "0s",
                "table_size", ROWS, "buffer_pool", "64M", "warmup", "100ms"));
        given.putAll(extra);
        return Params.resolve(workload.params(), given, HOST, "workload 'mysql'", "test");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private WorkloadResult iteration(Params p, int port, Map<String, Object> serverFacts) throws Exception {
        return iteration(p, port, serverFacts, new HashMap<>());
    }

    /** One iteration; {@code executed} receives what the server itself counted while the load ran (see {@link #serverCounts}). */
    private WorkloadResult iteration(Params p, int port, Map<String, Object> serverFacts, Map<String, Long> executed) throws Exception {
        ServerSide server = workload.startServer(p, new InsideContext(dataDir, HOST), port);
        try {
            serverFacts.putAll(server.facts());
            Map<String, Long> before = serverCounts(port);
            WorkloadResult r = workload.drive(p, new Endpoint("127.0.0.1", port, "loopback"), new HostContext(HOST, dataDir));
            serverCounts(port).forEach((k, v) -> executed.put(k, v - before.getOrDefault(k, 0L)));
            return r;
        } finally {
            WorkloadResult stopped = server.stop();
            assertThat(stopped.metadata().get("mariadb_server_stop")).isEqualTo("terminated");
        }
    }

    @Test
    void preparesOnceKeepsTheDataAndReloadsAnInterruptedPrepare() throws Exception {
        int port = freePort();
        Params ro = params(Map.of());
        Map<String, Object> facts = new HashMap<>();

        WorkloadResult first = iteration(ro, port, facts);
        assertThat(facts.get("datadir_init")).isEqualTo("created");
        assertThat(facts.get("o_direct_probe")).isEqualTo("accepted");
        assertThat((String) facts.get("version")).contains("MariaDB");
        assertThat((String) first.metadata().get("prepare")).startsWith("loaded: first use");
        for (int threads : List.of(1, 3)) {
            assertThat(find(first, "tps", threads).value()).isPositive();
            // sysbench's read_only: 14 selects plus BEGIN and COMMIT per transaction
            assertThat(find(first, "qps", threads).value()).isEqualTo(find(first, "tps", threads).value() * 16,
                    org.assertj.core.data.Offset.offset(1e-6));
            assertThat(find(first, "latency_p50", threads).value()).isPositive()
                    .isLessThanOrEqualTo(find(first, "latency_p99", threads).value());
        }
        @SuppressWarnings("unchecked")
        Map<String, String> vars = (Map<String, String>) first.metadata().get("server_variables");
        assertThat(vars).containsEntry("innodb_flush_method", "O_DIRECT").containsEntry("innodb_flush_log_at_trx_commit", "0");

        Map<String, Long> executed = new HashMap<>();
        WorkloadResult second = iteration(ro, port, facts, executed);
        assertThat(facts.get("datadir_init")).isEqualTo("reused");
        assertThat((String) second.metadata().get("prepare")).startsWith("kept");
        // the queries/s figure is what the server executed: its own counters say how many statements each
        // transaction sent (14 prepared selects, BEGIN, COMMIT), and it committed at least every transaction counted
        assertQueriesAreWhatTheServerExecuted(second, executed, 16);

        // a prepare interrupted half-way: the marker is gone and the table short of rows
        interruptPrepare(port);
        WorkloadResult third = iteration(ro, port, facts);
        assertThat((String) third.metadata().get("prepare")).contains("interrupted");
        assertThat(rows(port)).isEqualTo(ROWS);

        // a half-loaded table with the marker still there (e.g. rows lost) is caught by its count
        deleteRows(port, false);
        WorkloadResult fourth = iteration(ro, port, facts);
        assertThat((String) fourth.metadata().get("prepare")).contains("of " + ROWS + " rows");

        // read_write keeps every id in the table and counts its 4 writes per transaction
        Map<String, Long> rwExecuted = new HashMap<>();
        WorkloadResult rw = iteration(params(Map.of("mode", "read_write")), port, facts, rwExecuted);
        assertThat((String) rw.metadata().get("prepare")).startsWith("kept");
        assertThat(find(rw, "qps", 3).value()).isEqualTo(find(rw, "tps", 3).value() * 20, org.assertj.core.data.Offset.offset(1e-6));
        assertQueriesAreWhatTheServerExecuted(rw, rwExecuted, 20);
        assertThat(rows(port)).isGreaterThanOrEqualTo(ROWS);

        // a different table size is a different dataset
        WorkloadResult bigger = iteration(params(Map.of("table_size", ROWS * 2)), port, facts);
        assertThat((String) bigger.metadata().get("prepare")).contains("this trial needs 1 x " + (ROWS * 2));
    }

    /**
     * The server's own counts of the statements the load side sends: prepared statements executed
     * (the driver prepares every query server-side), BEGIN, COMMIT and ROLLBACK. Read through a
     * connection of its own, whose SHOW counts under none of these.
     */
    private static Map<String, Long> serverCounts(int port) throws Exception {
        Map<String, Long> m = new HashMap<>();
        try (Connection c = DriverManager.getConnection(MysqlWorkload.url(new Endpoint("127.0.0.1", port, "loopback")));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN"
                     + " ('Com_stmt_execute','Com_begin','Com_commit','Com_rollback')")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2));
            }
        }
        assertThat(m).containsKeys("Com_stmt_execute", "Com_begin", "Com_commit", "Com_rollback");
        return m;
    }

    /**
     * The workload's qps/tps (its queries per transaction) is what the server counted per committed
     * transaction over the whole drive (warm-up and ramps included, whose transactions the figures
     * leave out), and the server committed no fewer transactions than the figures count.
     */
    private static void assertQueriesAreWhatTheServerExecuted(WorkloadResult r, Map<String, Long> executed, int perTransaction) {
        long statements = executed.get("Com_stmt_execute") + executed.get("Com_begin") + executed.get("Com_commit");
        long commits = executed.get("Com_commit");
        long rollbacks = executed.get("Com_rollback");
        assertThat(commits).as("server commits %s", executed).isPositive();
        assertThat(executed.get("Com_begin")).as("every transaction began: %s", executed).isEqualTo(commits + rollbacks);
        // a transaction rolled back on a deadlock sent part of its statements and a ROLLBACK, never a COMMIT
        assertThat(statements).as("statements the server executed %s", executed)
                .isBetween((long) perTransaction * commits, (long) perTransaction * (commits + rollbacks));
        for (int threads : List.of(1, 3)) {
            double qps = find(r, "qps", threads).value();
            double tps = find(r, "tps", threads).value();
            assertThat(qps / tps).isCloseTo((double) statements / commits, org.assertj.core.data.Percentage.withPercentage(
                    100.0 * rollbacks * perTransaction / Math.max(1, statements) + 1e-9));
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> points = (Map<String, Map<String, Object>>) r.metadata().get("points");
        long counted = points.values().stream().mapToLong(pt -> ((Number) pt.get("transactions")).longValue()).sum();
        assertThat(counted).as("transactions the figures count").isPositive().isLessThanOrEqualTo(commits);
    }

    private void interruptPrepare(int port) throws Exception {
        deleteRows(port, true);
    }

    /** Leaves the state an interrupted prepare leaves: half the rows, and (if asked) no marker. */
    private void deleteRows(int port, boolean marker) throws Exception {
        withServer(port, st -> {
            if (marker) {
                st.execute("DELETE FROM " + OltpSchema.MARKER);
            }
            st.execute("DELETE FROM sbtest1 WHERE id > " + ROWS / 2);
            return null;
        });
    }

    private long rows(int port) throws Exception {
        return withServer(port, st -> {
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM sbtest1")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private interface SqlWork<T> {
        T apply(Statement st) throws Exception;
    }

    private <T> T withServer(int port, SqlWork<T> work) throws Exception {
        ServerSide server = workload.startServer(params(Map.of()), new InsideContext(dataDir, HOST), port);
        try (Connection c = DriverManager.getConnection(MysqlWorkload.url(new Endpoint("127.0.0.1", port, "loopback")));
             Statement st = c.createStatement()) {
            return work.apply(st);
        } finally {
            server.stop();
        }
    }

    @Test
    void aServerThatFailsToStartReportsItsLogAndAHalfInitialisedFolderIsRecreated() throws Exception {
        // what an interrupted mariadb-install-db leaves: a data folder without the completion marker
        Files.createDirectories(dataDir.resolve("mariadb/data/mysql"));
        Files.writeString(dataDir.resolve("mariadb/data/junk"), "half-initialised");
        int port = freePort();
        Params bad = params(Map.of("config", "--no-such-option=1"));
        assertThatThrownBy(() -> workload.startServer(bad, new InsideContext(dataDir, HOST), port))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("mariadbd exited")
                .hasMessageContaining("no-such-option");
        assertThat(dataDir.resolve("mariadb/data/junk")).doesNotExist();
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortClashIsReportedWithThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> workload.startServer(params(Map.of()), new InsideContext(dataDir, HOST), port))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("port " + port + " is already in use");
        }
    }

    private static Measurement find(WorkloadResult r, String metric, int threads) {
        return r.measurements().stream()
                .filter(m -> m.metric().equals(metric) && Integer.valueOf(threads).equals(m.labels().get("threads")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + metric + " at threads=" + threads + " in " + r));
    }
}
