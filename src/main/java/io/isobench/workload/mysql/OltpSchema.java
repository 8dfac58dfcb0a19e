package io.isobench.workload.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The prepare stage: sysbench's OLTP tables {@code sbtest1..N} (id, k, c CHAR(120), pad
 * CHAR(60), primary key on id, secondary index on k, as oltp_common.lua creates them), loaded
 * from the host with multi-row INSERTs. A marker table records a completed load with its
 * parameters; the next iteration finds it and keeps the data. A load that was interrupted leaves
 * no marker (it is removed before loading and written last) or tables short of rows: either is
 * detected and the tables are loaded again.
 */
final class OltpSchema {

    static final String MARKER = "isobench_prepare";
    /** Rows per INSERT statement. */
    private static final int ROWS_PER_INSERT = 1000;

    private OltpSchema() {
    }

    /** What the prepare stage found and did. */
    record Outcome(boolean loaded, String reason, double seconds) {
    }

    /**
     * Keeps a completed load of the same shape, else (re)loads.
     *
     * @param url a JDBC URL to the benchmark database
     */
    static Outcome ensure(String url, int tables, int tableSize, boolean special, long seed) throws Exception {
        String why;
        try (Connection c = DriverManager.getConnection(url)) {
            why = whyReload(c, tables, tableSize);
        }
        if (why == null) {
            return new Outcome(false, "kept: a completed load of " + tables + " x " + tableSize + " rows", 0);
        }
        long t0 = System.nanoTime();
        load(url, tables, tableSize, special, seed);
        return new Outcome(true, why, (System.nanoTime() - t0) / 1e9);
    }

    /** Null when the tables hold a completed load of this shape, else why they must be loaded. */
    static String whyReload(Connection c, int tables, int tableSize) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!tableExists(c, MARKER)) {
                return "first use: no prepared tables";
            }
            try (ResultSet rs = st.executeQuery("SELECT tables, table_size FROM " + MARKER)) {
                if (!rs.next()) {
                    return "no completed load recorded: an earlier prepare was interrupted, loading again";
                }
                int t = rs.getInt(1);
                long n = rs.getLong(2);
                if (t != tables || n != tableSize) {
                    return "the tables hold " + t + " x " + n + " rows, this trial needs " + tables + " x " + tableSize;
                }
            }
            for (int i = 1; i <= tables; i++) {
                if (!tableExists(c, "sbtest" + i)) {
                    return "table sbtest" + i + " is missing: loading again";
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM sbtest" + i)) {
                    rs.next();
                    long rows = rs.getLong(1);
                    // read_write replaces rows (delete + insert of one id) but never loses one
                    if (rows < tableSize) {
                        return "sbtest" + i + " has " + rows + " of " + tableSize + " rows (a load that was interrupted"
                                + " or a damaged table): loading again";
                    }
                }
            }
        }
        return null;
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, table, null)) {
            return rs.next();
        }
    }

    /** Drops and loads every table, tables in parallel, then records the completed load. */
    static void load(String url, int tables, int tableSize, boolean special, long seed) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + MARKER + " (tables INT NOT NULL, table_size BIGINT NOT NULL,"
                    + " loaded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP) ENGINE=InnoDB");
            // first of all: whatever happens next, no marker means "not loaded"
            st.execute("DELETE FROM " + MARKER);
            for (int i = 1; i <= Math.max(tables, 64); i++) {
                st.execute("DROP TABLE IF EXISTS sbtest" + i);
            }
        }
        int threads = Math.max(1, Math.min(tables, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "oltp-prepare");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 1; i <= tables; i++) {
                int table = i;
                fs.add(pool.submit(() -> {
                    loadTable(url, table, tableSize, new SysbenchRandom(seed + table, special));
                    return null;
                }));
            }
            awaitAll(fs);
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + MARKER + " (tables, table_size) VALUES (" + tables + ", " + tableSize + ")");
        }
    }

    static void createTable(Statement st, int table) throws SQLException {
        st.execute("CREATE TABLE sbtest" + table + " (\n"
                + "  id INTEGER NOT NULL AUTO_INCREMENT,\n"
                + "  k INTEGER DEFAULT '0' NOT NULL,\n"
                + "  c CHAR(120) DEFAULT '' NOT NULL,\n"
                + "  pad CHAR(60) DEFAULT '' NOT NULL,\n"
                + "  PRIMARY KEY (id)\n"
                + ") ENGINE=InnoDB");
    }

    private static void loadTable(String url, int table, int tableSize, SysbenchRandom r) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            createTable(st, table);
            char[] cv = SysbenchRandom.C_TEMPLATE.toCharArray();
            char[] pv = SysbenchRandom.PAD_TEMPLATE.toCharArray();
            StringBuilder sql = new StringBuilder(ROWS_PER_INSERT * 220);
            for (int from = 1; from <= tableSize; from += ROWS_PER_INSERT) {
                int to = Math.min(tableSize, from + ROWS_PER_INSERT - 1);
                sql.setLength(0);
                sql.append("INSERT INTO sbtest").append(table).append(" (id, k, c, pad) VALUES ");
                for (int id = from; id <= to; id++) {
                    r.fillDigits(cv);
                    r.fillDigits(pv);
                    if (id > from) {
                        sql.append(',');
                    }
                    sql.append('(').append(id).append(',').append(r.id(1, tableSize)).append(",'").append(cv)
                            .append("','").append(pv).append("')");
                }
                st.execute(sql.toString());
            }
            st.execute("CREATE INDEX k_" + table + " ON sbtest" + table + "(k)");
        }
    }

    /**
     * Reads every table once through its primary key and its k index, like sysbench's prewarm,
     * so the first measured point does not pay for a cold buffer pool after the restart.
     */
    static void prewarm(Connection c, int tables, int tableSize) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (int i = 1; i <= tables; i++) {
                st.executeQuery("SELECT AVG(id) FROM (SELECT * FROM sbtest" + i + " FORCE KEY (PRIMARY) LIMIT " + tableSize
                        + ") t").close();
                st.executeQuery("SELECT COUNT(*) FROM (SELECT * FROM sbtest" + i + " WHERE k LIKE '%0%' LIMIT " + tableSize
                        + ") t").close();
            }
        }
    }

    /** Waits for every task; rethrows the first failure as the task threw it. */
    static void awaitAll(List<Future<?>> tasks) throws Exception {
        for (Future<?> f : tasks) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
        }
    }
}
