package io.isobench.workload.mysql;

import io.isobench.result.WorkloadResult;
import io.isobench.workload.ServerProcess;
import io.isobench.workload.ServerSide;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A MariaDB server started inside the environment, its data directory on the storage under
 * test. The data directory is created once per environment instance ({@code mariadb-install-db})
 * and kept between iterations, so the loaded tables survive the per-iteration restart; a folder
 * left half-initialised is recreated. Configured as the study's: InnoDB buffer pool sized to
 * memory, O_DIRECT, no log flush at commit, no name resolution. A benchmark user allowed from any
 * host is created by an init file at every start, so the inside needs no client program.
 *
 * <p>Readiness is checked by reading the server's handshake packet over TCP (protocol 10), which
 * also gives its version; stopping is SIGTERM, MariaDB's graceful shutdown, then SIGKILL.
 */
final class MariadbServer implements ServerSide {

    static final String USER = "isobench";
    static final String PASSWORD = "isobench";
    static final String DATABASE = "sbtest";
    /** Written after mariadb-install-db succeeded: a folder without it is a half-initialised one. */
    private static final String INITIALISED = "isobench-initialised";

    private final ServerProcess process;
    private final Path errorLog;
    private final Map<String, Object> facts = new LinkedHashMap<>();

    private MariadbServer(ServerProcess process, Path errorLog) {
        this.process = process;
        this.errorLog = errorLog;
    }

    /** How the server is configured; the workload's parameters, resolved. */
    record Config(long bufferPoolBytes, String flushMethod, int flushLogAtTrxCommit, int maxConnections, String extraOptions,
                  Duration startTimeout) {
    }

    static MariadbServer start(Path dataDir, long insideMemory, int port, Config cfg) throws Exception {
        Path mariadbd = ServerProcess.findExecutable("mariadbd", "mariadb-server", "/usr/sbin/mariadbd", "mariadbd",
                "/usr/sbin/mysqld", "mysqld");
        ServerProcess.requirePortFree(port, "mariadbd");
        Path base = dataDir.resolve("mariadb");
        Path datadir = base.resolve("data");
        Files.createDirectories(base);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("datadir", datadir.toString());
        facts.put("datadir_init", initialise(base, datadir));
        if (cfg.flushMethod().startsWith("O_DIRECT")) {
            facts.put("o_direct_probe", probeDirectIo(datadir));
        }
        long pool = cfg.bufferPoolBytes();
        if (insideMemory > 0 && pool > insideMemory / 2) {
            // an environment with less memory than the host: keep the server from being OOM-killed
            facts.put("buffer_pool_requested_bytes", pool);
            pool = Math.max(64L << 20, (insideMemory / 2) & ~((1L << 20) - 1));
        }
        facts.put("buffer_pool_bytes", pool);
        Path init = base.resolve("init.sql");
        Files.writeString(init, "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';\n"
                + "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%';\n"
                + "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";\n");
        Path errorLog = base.resolve("error-" + port + ".log");
        Files.deleteIfExists(errorLog);
        Path socket = base.resolve("mysqld-" + port + ".sock");
        if (socket.toString().length() > 100) {
            // unix socket paths are limited to 108 bytes
            socket = Path.of("/tmp", "isobench-mariadb-" + port + ".sock");
        }
        List<String> cmd = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults",
                "--datadir=" + datadir, "--port=" + port, "--bind-address=0.0.0.0", "--socket=" + socket,
                "--pid-file=" + base.resolve("mariadbd-" + port + ".pid"), "--log-error=" + errorLog,
                "--skip-name-resolve", "--init-file=" + init,
                "--innodb-buffer-pool-size=" + pool,
                "--innodb-flush-method=" + cfg.flushMethod(),
                "--innodb-flush-log-at-trx-commit=" + cfg.flushLogAtTrxCommit(),
                "--max-connections=" + cfg.maxConnections(),
                "--max-prepared-stmt-count=" + Math.max(16382, cfg.maxConnections() * 40)));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--user=root");
        }
        for (String o : cfg.extraOptions().trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        ServerProcess p = ServerProcess.start("mariadbd", cmd, base, base.resolve("mariadbd-" + port + ".out"));
        MariadbServer s = new MariadbServer(p, errorLog);
        try {
            String version = s.awaitHandshake(port, cfg.startTimeout());
            facts.put("version", version);
            s.checkDirectIoAccepted(cfg.flushMethod());
        } catch (Exception e) {
            p.kill();
            throw e;
        }
        facts.put("pid", p.pid());
        facts.put("command", String.join(" ", cmd));
        s.facts.putAll(facts);
        return s;
    }

    /** Creates the system tables on first use; recreates a folder a failed or interrupted init left. */
    private static String initialise(Path base, Path datadir) throws Exception {
        Path marker = base.resolve(INITIALISED);
        if (Files.exists(marker) && Files.isDirectory(datadir.resolve("mysql"))) {
            return "reused";
        }
        String how = Files.exists(datadir) ? "recreated (a previous initialisation did not finish)" : "created";
        deleteTree(datadir);
        Path installDb = ServerProcess.findExecutable("mariadb-install-db", "mariadb-server", "/usr/bin/mariadb-install-db",
                "mariadb-install-db", "mysql_install_db");
        Path log = base.resolve("install-db.log");
        List<String> cmd = new ArrayList<>(List.of(installDb.toString(), "--no-defaults", "--datadir=" + datadir,
                "--auth-root-authentication-method=normal", "--skip-test-db",
                // grant tables by address: a guest or container whose host name does not resolve still works
                "--skip-name-resolve"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--user=root");
        }
        Process p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IOException("mariadb-install-db did not finish within 5 minutes in " + datadir + "\n"
                    + ServerProcess.tail(log, 2000));
        }
        if (p.exitValue() != 0) {
            throw new IOException("mariadb-install-db failed with exit code " + p.exitValue() + " in " + datadir + ":\n"
                    + ServerProcess.tail(log, 2000));
        }
        Files.writeString(marker, "initialised by isobench\n");
        return how;
    }

    /**
     * Checks that the data directory's filesystem accepts O_DIRECT, since InnoDB would otherwise
     * fall back to buffered I/O with only a warning and the figures would measure the page cache.
     * Uses dd (coreutils), which every image has; without dd the check is skipped and said so.
     */
    private static String probeDirectIo(Path datadir) throws Exception {
        Path dd = null;
        for (String c : List.of("/usr/bin/dd", "/bin/dd")) {
            if (Files.isExecutable(Path.of(c))) {
                dd = Path.of(c);
                break;
            }
        }
        if (dd == null) {
            return "skipped: no dd";
        }
        Path probe = datadir.resolve(".isobench-odirect-probe");
        try {
            Process p = new ProcessBuilder(dd.toString(), "if=/dev/zero", "of=" + probe, "bs=4096", "count=1", "oflag=direct")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("the O_DIRECT probe (dd oflag=direct) hung in " + datadir);
            }
            if (p.exitValue() != 0) {
                throw new IOException("the filesystem of " + datadir + " refuses O_DIRECT (dd oflag=direct: " + out
                        + "), so InnoDB with innodb_flush_method=O_DIRECT would silently fall back to buffered I/O:"
                        + " put the data on storage that supports it (e.g. a Docker volume instead of the container"
                        + " filesystem) or set the mysql parameter flush_method=fsync");
            }
            return "accepted";
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** Fails when InnoDB reported that it could not use O_DIRECT on some file. */
    private void checkDirectIoAccepted(String flushMethod) throws IOException {
        if (!flushMethod.startsWith("O_DIRECT")) {
            return;
        }
        for (String line : ServerProcess.tail(errorLog, 1 << 16).split("\n")) {
            if (line.contains("O_DIRECT") && (line.contains("Failed") || line.contains("failed"))) {
                throw new IOException("InnoDB could not use O_DIRECT in this environment's storage (" + line.strip()
                        + "): use storage that supports it or set the mysql parameter flush_method=fsync");
            }
        }
    }

    /** Waits until the server sends its handshake on {@code port}; returns its version. */
    private String awaitHandshake(int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                throw new IOException("mariadbd exited with code " + process.exitCode() + " before accepting connections on port "
                        + port + hint(port) + "\n" + logTail());
            }
            try {
                return handshakeVersion("127.0.0.1", port, 2000);
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(50);
        }
        throw new IOException("mariadbd did not accept connections on port " + port + " within " + timeout.toSeconds()
                + " s (" + last + ")" + hint(port) + "\n" + logTail());
    }

    /**
     * Connects and reads the server's first packet: protocol version 10 followed by the
     * NUL-terminated server version, or an error packet (0xFF, code, message).
     */
    static String handshakeVersion(String host, int port, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(timeoutMillis);
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            DataInputStream in = new DataInputStream(s.getInputStream());
            int len = in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16;
            in.readUnsignedByte(); // sequence id
            byte[] payload = new byte[Math.min(len, 1 << 16)];
            in.readFully(payload);
            if ((payload[0] & 0xff) == 0xff) {
                String msg = new String(payload, 3, payload.length - 3, StandardCharsets.UTF_8);
                throw new IOException("the server refused the connection: " + msg);
            }
            if (payload[0] != 10) {
                throw new IOException("not a MySQL/MariaDB handshake (protocol byte " + payload[0] + ")");
            }
            int end = 1;
            while (end < payload.length && payload[end] != 0) {
                end++;
            }
            String version = new String(payload, 1, end - 1, StandardCharsets.UTF_8);
            // MariaDB prefixes its version with "5.5.5-" for old MySQL clients
            return version.startsWith("5.5.5-") ? version.substring(6) : version;
        }
    }

    private String hint(int port) {
        return ServerProcess.tail(errorLog, 1 << 14).contains("Address already in use")
                ? ": port " + port + " is already in use inside the environment" : "";
    }

    private String logTail() {
        String out = process.outputTail(1500);
        return "mariadbd error log (" + errorLog + "):\n" + or(ServerProcess.tail(errorLog, 2500), "(empty)")
                + (out.isEmpty() ? "" : "\nmariadbd output:\n" + out);
    }

    private static String or(String s, String dflt) {
        return s.isEmpty() ? dflt : s;
    }

    @Override
    public Map<String, Object> facts() {
        return facts;
    }

    @Override
    public WorkloadResult stop() throws Exception {
        double cpu = process.cpuSeconds();
        String ended = process.terminate(Duration.ofSeconds(120));
        return WorkloadResult.builder()
                .fact("mariadb_server_cpu_seconds", cpu)
                .fact("mariadb_server_stop", ended)
                .build();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
