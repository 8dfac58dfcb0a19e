package io.isobench.workload.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * sysbench's OLTP transaction mix over JDBC, one connection per thread, server-side prepared
 * statements as sysbench uses them. A transaction is BEGIN; 10 point selects; one simple, one
 * SUM, one ORDER BY and one DISTINCT range of 100 ids; then, in read_write mode, an index
 * update, a non-index update and a delete followed by an insert of the same id; COMMIT. Each
 * statement group picks a random table, as sysbench does. Queries are counted as sysbench
 * counts them (BEGIN and COMMIT included). Deadlocks and lock-wait timeouts roll the transaction
 * back and are counted, as sysbench's default ignored errors are.
 */
final class OltpDriver {

    /** Point selects per transaction (sysbench --point_selects). */
    static final int POINT_SELECTS = 10;
    /** Ids per range query (sysbench --range_size). */
    static final int RANGE_SIZE = 100;
    /** MariaDB error codes sysbench ignores by default: deadlock, lock wait timeout, record changed. */
    private static final List<Integer> IGNORED = List.of(1213, 1205, 1020);

    /** What one point (one thread count) measured. */
    record PointResult(int threads, long transactions, long queries, long ignoredErrors, long missingRows, double seconds,
                       Histogram latencyNanos) {
        double tps() {
            return transactions / seconds;
        }

        double qps() {
            return queries / seconds;
        }
    }

    private final String url;
    private final int tables;
    private final int tableSize;
    private final boolean readWrite;
    private final boolean special;

    OltpDriver(String url, int tables, int tableSize, boolean readWrite, boolean special) {
        this.url = url;
        this.tables = tables;
        this.tableSize = tableSize;
        this.readWrite = readWrite;
        this.special = special;
    }

    int queriesPerTransaction() {
        return POINT_SELECTS + 4 + (readWrite ? 4 : 0) + 2;
    }

    /**
     * Runs {@code threads} clients for {@code rampMillis} (not counted) then {@code durationMillis}
     * (counted: transactions that began and ended inside the window).
     */
    PointResult run(int threads, long rampMillis, long durationMillis, long seed) throws Exception {
        List<Worker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                workers.add(new Worker(new SysbenchRandom(seed * 7919 + i, special)));
            }
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "oltp-client");
                t.setDaemon(true);
                return t;
            });
            long from;
            long to;
            try {
                List<Future<?>> fs = new ArrayList<>();
                long now = System.nanoTime();
                from = now + TimeUnit.MILLISECONDS.toNanos(rampMillis);
                to = from + TimeUnit.MILLISECONDS.toNanos(durationMillis);
                for (Worker w : workers) {
                    long f = from;
                    long t = to;
                    fs.add(pool.submit(() -> {
                        go.await();
                        w.loop(f, t);
                        return null;
                    }));
                }
                go.countDown();
                OltpSchema.awaitAll(fs);
            } finally {
                pool.shutdownNow();
            }
            Histogram all = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
            long tx = 0;
            long errors = 0;
            long missing = 0;
            for (Worker w : workers) {
                all.add(w.latency);
                tx += w.transactions;
                errors += w.ignored;
                missing += w.missing;
            }
            return new PointResult(threads, tx, tx * queriesPerTransaction(), errors, missing, (to - from) / 1e9, all);
        } finally {
            for (Worker w : workers) {
                w.close();
            }
        }
    }

    /** One client: its connection, its prepared statements per table, its counts. */
    private final class Worker {
        final SysbenchRandom random;
        final Connection conn;
        final Statement plain;
        final PreparedStatement[] point;
        final PreparedStatement[] simpleRange;
        final PreparedStatement[] sumRange;
        final PreparedStatement[] orderRange;
        final PreparedStatement[] distinctRange;
        final PreparedStatement[] indexUpdate;
        final PreparedStatement[] nonIndexUpdate;
        final PreparedStatement[] delete;
        final PreparedStatement[] insert;
        final char[] c = SysbenchRandom.C_TEMPLATE.toCharArray();
        final char[] pad = SysbenchRandom.PAD_TEMPLATE.toCharArray();
        final Histogram latency = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        long transactions;
        long ignored;
        long missing;

        Worker(SysbenchRandom random) throws SQLException {
            this.random = random;
            conn = DriverManager.getConnection(url);
            try {
                plain = conn.createStatement();
                point = prepare("SELECT c FROM sbtest%d WHERE id=?");
                simpleRange = prepare("SELECT c FROM sbtest%d WHERE id BETWEEN ? AND ?");
                sumRange = prepare("SELECT SUM(k) FROM sbtest%d WHERE id BETWEEN ? AND ?");
                orderRange = prepare("SELECT c FROM sbtest%d WHERE id BETWEEN ? AND ? ORDER BY c");
                distinctRange = prepare("SELECT DISTINCT c FROM sbtest%d WHERE id BETWEEN ? AND ? ORDER BY c");
                indexUpdate = readWrite ? prepare("UPDATE sbtest%d SET k=k+1 WHERE id=?") : null;
                nonIndexUpdate = readWrite ? prepare("UPDATE sbtest%d SET c=? WHERE id=?") : null;
                delete = readWrite ? prepare("DELETE FROM sbtest%d WHERE id=?") : null;
                insert = readWrite ? prepare("INSERT INTO sbtest%d (id, k, c, pad) VALUES (?, ?, ?, ?)") : null;
            } catch (SQLException e) {
                conn.close();
                throw e;
            }
        }

        private PreparedStatement[] prepare(String sql) throws SQLException {
            PreparedStatement[] ps = new PreparedStatement[tables + 1];
            for (int t = 1; t <= tables; t++) {
                ps[t] = conn.prepareStatement(String.format(sql, t));
            }
            return ps;
        }

        void loop(long from, long to) throws SQLException {
            while (true) {
                long t0 = System.nanoTime();
                if (t0 >= to) {
                    return;
                }
                try {
                    transaction();
                } catch (SQLException e) {
                    if (!IGNORED.contains(e.getErrorCode())) {
                        throw e;
                    }
                    plain.execute("ROLLBACK");
                    ignored++;
                    continue;
                }
                long t1 = System.nanoTime();
                if (t0 >= from && t1 <= to) {
                    latency.recordValue(Math.min(t1 - t0, latency.getHighestTrackableValue()));
                    transactions++;
                }
            }
        }

        private int table() {
            return tables == 1 ? 1 : random.uniform(1, tables);
        }

        private void transaction() throws SQLException {
            plain.execute("BEGIN");
            PreparedStatement[] ps = point;
            int t = table();
            for (int i = 0; i < POINT_SELECTS; i++) {
                ps[t].setInt(1, random.id(1, tableSize));
                try (ResultSet rs = ps[t].executeQuery()) {
                    if (!rs.next()) {
                        missing++;
                    }
                }
            }
            range(simpleRange[table()]);
            range(sumRange[table()]);
            range(orderRange[table()]);
            range(distinctRange[table()]);
            if (readWrite) {
                PreparedStatement u = indexUpdate[table()];
                u.setInt(1, random.id(1, tableSize));
                u.executeUpdate();
                PreparedStatement n = nonIndexUpdate[table()];
                random.fillDigits(c);
                n.setString(1, new String(c));
                n.setInt(2, random.id(1, tableSize));
                n.executeUpdate();
                int dt = table();
                int id = random.id(1, tableSize);
                delete[dt].setInt(1, id);
                delete[dt].executeUpdate();
                random.fillDigits(c);
                random.fillDigits(pad);
                PreparedStatement in = insert[dt];
                in.setInt(1, id);
                in.setInt(2, random.id(1, tableSize));
                in.setString(3, new String(c));
                in.setString(4, new String(pad));
                in.executeUpdate();
            }
            plain.execute("COMMIT");
        }

        private void range(PreparedStatement ps) throws SQLException {
            int id = random.id(1, tableSize);
            ps.setInt(1, id);
            ps.setInt(2, id + RANGE_SIZE - 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // fetch every row, as sysbench does
                }
            }
        }

        void close() {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // the connection is done with either way
            }
        }
    }
}
