package io.isobench.workload.redis;

import io.isobench.result.WorkloadResult;
import io.isobench.workload.ServerProcess;
import io.isobench.workload.ServerSide;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A redis-server started inside the environment for one iteration: bound to all addresses on the
 * port the environment exposes, no persistence unless asked, its folder and log under the
 * environment's data folder. Stopping it reads INFO first (version, memory, commands served),
 * then SHUTDOWN NOSAVE, then kills it by PID if it does not go, and removes its folder.
 */
final class RedisServer implements ServerSide {

    private final ServerProcess process;
    private final Path dir;
    private final int port;
    private final Map<String, Object> facts = new LinkedHashMap<>();

    private RedisServer(ServerProcess process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts redis-server and waits until it answers PING.
     *
     * @param persistence none, aof (appendfsync everysec) or aof-always (fsync every write)
     * @param extraConfig more "directive value" pairs separated by ';', passed as --directive value
     */
    static RedisServer start(Path dataDir, int port, String persistence, String extraConfig, Duration timeout) throws Exception {
        Path exe = ServerProcess.findExecutable("redis-server", "redis-server", "/usr/bin/redis-server", "redis-server");
        ServerProcess.requirePortFree(port, "redis-server");
        Path dir = dataDir.resolve("redis-" + port);
        deleteTree(dir);
        Files.createDirectories(dir);
        Path log = dir.resolve("redis.log");
        List<String> cmd = new ArrayList<>(List.of(exe.toString(),
                "--bind", "0.0.0.0", "--port", Integer.toString(port), "--protected-mode", "no",
                "--daemonize", "no", "--dir", dir.toString(), "--logfile", log.toString(),
                "--save", ""));
        switch (persistence) {
            case "none" -> cmd.addAll(List.of("--appendonly", "no"));
            case "aof" -> cmd.addAll(List.of("--appendonly", "yes", "--appendfsync", "everysec"));
            case "aof-always" -> cmd.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
            default -> throw new IllegalArgumentException("persistence " + persistence);
        }
        for (String directive : extraConfig.split(";")) {
            String d = directive.trim();
            if (d.isEmpty()) {
                continue;
            }
            String[] kv = d.split("\\s+", 2);
            cmd.add("--" + kv[0]);
            if (kv.length > 1) {
                cmd.addAll(List.of(kv[1].split("\\s+")));
            }
        }
        ServerProcess p = ServerProcess.start("redis-server", cmd, dir, dir.resolve("redis.out"));
        RedisServer s = new RedisServer(p, dir, port);
        try {
            s.awaitPing(timeout, log);
        } catch (Exception e) {
            p.kill();
            deleteTree(dir);
            throw e;
        }
        s.facts.put("pid", p.pid());
        s.facts.put("command", String.join(" ", cmd));
        s.facts.put("persistence", persistence);
        return s;
    }

    private void awaitPing(Duration timeout, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                throw new IOException("redis-server exited with code " + process.exitCode() + " before answering on port "
                        + port + hint(log) + "\n" + logTail(log));
            }
            try (RespClient c = new RespClient("127.0.0.1", port, 2000)) {
                Object pong = c.call("PING");
                if ("PONG".equals(pong)) {
                    return;
                }
                last = "PING answered " + RespClient.text(pong, "PING");
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server did not answer PING on port " + port + " within " + timeout.toSeconds() + " s ("
                + last + ")" + hint(log) + "\n" + logTail(log));
    }

    private String hint(Path log) {
        String all = logTail(log);
        return all.contains("Address already in use") ? ": port " + port + " is already in use inside the environment" : "";
    }

    private String logTail(Path log) {
        String out = process.outputTail(2000);
        String lg = ServerProcess.tail(log, 2000);
        // configuration errors go to the output (the log file is not open yet), the rest to the log
        return "redis-server output:\n" + (out.isEmpty() ? "(none)" : out)
                + (lg.isEmpty() ? "" : "\nredis log (" + log + "):\n" + lg);
    }

    @Override
    public Map<String, Object> facts() {
        return facts;
    }

    @Override
    public WorkloadResult stop() throws Exception {
        WorkloadResult.Builder b = WorkloadResult.builder();
        Map<String, String> info = Map.of();
        try (RespClient c = new RespClient("127.0.0.1", port, 5000)) {
            info = parseInfo(RespClient.text(c.call("INFO"), "INFO"));
        } catch (IOException e) {
            b.fact("redis_info_error", e.getMessage());
        }
        double cpu = process.cpuSeconds();
        try (RespClient c = new RespClient("127.0.0.1", port, 5000)) {
            c.send("SHUTDOWN", "NOSAVE");
            c.flush();
            c.read(); // the server closes the connection as it exits: an EOF here is the normal answer
        } catch (IOException expected) {
            // connection closed by the exiting server
        }
        String ended = process.awaitExitOrKill(Duration.ofSeconds(5));
        b.fact("redis_version", info.getOrDefault("redis_version", "unknown"));
        b.fact("redis_used_memory_bytes", parseLongOr(info.get("used_memory"), -1));
        b.fact("redis_commands_processed", parseLongOr(info.get("total_commands_processed"), -1));
        b.fact("redis_server_cpu_seconds", cpu);
        b.fact("redis_server_stop", ended);
        long commands = parseLongOr(info.get("total_commands_processed"), -1);
        if (cpu >= 0 && commands > 0) {
            // CPU the server spent inside the environment per command it served: where isolation
            // costs show up even when the client is the limit
            b.lower("server_cpu_per_command", cpu * 1e6 / commands, "us");
        }
        deleteTree(dir);
        return b.build();
    }

    static Map<String, String> parseInfo(String info) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int i = line.indexOf(':');
            if (i > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, i), line.substring(i + 1).trim());
            }
        }
        return m;
    }

    private static long parseLongOr(String s, long dflt) {
        try {
            return s == null ? dflt : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
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
