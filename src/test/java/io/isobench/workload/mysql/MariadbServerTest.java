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
        ServerSide server = workload.startServer(p, new InsideContext(dataDir, HOST), port);
        try {
            serverFacts.putAll(server.facts());
            return workload.drive(p, new Endpoint("127.0.0.1", port, "loopback"), new HostContext(HOST, dataDir));
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

        WorkloadResult second = iteration(ro, port, facts);
        assertThat(facts.get("datadir_init")).isEqualTo("reused");
        assertThat((String) second.metadata().get("prepare")).startsWith("kept");

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
        WorkloadResult rw = iteration(params(Map.of("mode", "read_write")), port, facts);
        assertThat((String) rw.metadata().get("prepare")).startsWith("kept");
        assertThat(find(rw, "qps", 3).value()).isEqualTo(find(rw, "tps", 3).value() * 20, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(rows(port)).isGreaterThanOrEqualTo(ROWS);

        // a different table size is a different dataset
        WorkloadResult bigger = iteration(params(Map.of("table_size", ROWS * 2)), port, facts);
        assertThat((String) bigger.metadata().get("prepare")).contains("this trial needs 1 x " + (ROWS * 2));
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
