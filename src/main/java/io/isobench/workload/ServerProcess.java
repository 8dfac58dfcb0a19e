package io.isobench.workload;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real server program (redis-server, mariadbd) run as a child of the agent inside the
 * environment: found on the inside's own disk, started with its output in a file, its CPU time
 * read from /proc, stopped by PID. A JVM shutdown hook stops it if the agent is told to quit
 * before the server was stopped, so none outlives the agent that started it.
 *
 * <p>Only {@code java.base} is used, so the agent's (jlink-ed) runtime needs nothing more.
 */
public final class ServerProcess {

    /** Linux's USER_HZ, the unit of utime/stime in /proc/PID/stat, fixed at 100 on every mainstream arch. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private final String name;
    private final Process process;
    private final Path output;
    /** Kills the server if the agent's JVM exits while the server still runs. */
    private final Thread hookToRemove;

    private ServerProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.hookToRemove = new Thread(process::destroyForcibly, "stop " + name);
        Runtime.getRuntime().addShutdownHook(hookToRemove);
    }

    /**
     * The first of {@code candidates} that is an executable file: absolute paths as given, bare
     * names searched on PATH. Fails naming what to install when none is found.
     */
    public static Path findExecutable(String what, String debianPackage, String... candidates) {
        String pathVar = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String c : candidates) {
            if (c.startsWith("/")) {
                Path p = Path.of(c);
                if (Files.isExecutable(p)) {
                    return p;
                }
                continue;
            }
            for (String dir : (pathVar + ":/usr/sbin:/usr/bin").split(":")) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, c);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new IllegalStateException(what + " is not installed in this environment (looked for "
                + String.join(", ", candidates) + "): install the Debian package " + debianPackage
                + " (scripts/setup-host.sh does it on the host; the guest image has it)");
    }

    /**
     * Fails with a message naming the port when something inside already listens on it, so a
     * clash is reported as such instead of as a server that "did not start".
     */
    public static void requirePortFree(int port, String server) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("0.0.0.0", port));
        } catch (BindException e) {
            throw new IOException("port " + port + " is already in use inside the environment, so " + server
                    + " cannot listen on it: another process holds it (" + e.getMessage()
                    + "); stop that process, or let the environment choose another port", e);
        }
    }

    /** Starts {@code command} with stdout and stderr appended to {@code output}. */
    public static ServerProcess start(String name, List<String> command, Path workDir, Path output) throws IOException {
        Files.createDirectories(workDir);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return new ServerProcess(name, pb.start(), output);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The exit code, or null while it runs. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** User plus system CPU seconds the server has used so far, or -1 when /proc cannot tell. */
    public double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may contain spaces: count fields after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            return (utime + stime) / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Waits up to {@code grace} for the server to exit on its own (after a shutdown command), then
     * sends SIGTERM and, if that is ignored for {@code grace} again, SIGKILL.
     *
     * @return how it ended: "exited", "terminated" or "killed"
     */
    public String awaitExitOrKill(Duration grace) throws InterruptedException {
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            removeHook();
            return "exited";
        }
        return terminate(grace);
    }

    /**
     * Sends SIGTERM (a graceful shutdown for servers such as mariadbd), waits up to {@code grace},
     * then SIGKILL.
     *
     * @return "terminated" or "killed"
     */
    public String terminate(Duration grace) throws InterruptedException {
        try {
            process.destroy();
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return "terminated";
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return "killed";
        } finally {
            removeHook();
        }
    }

    /** Kills the server at once (a start that failed). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        removeHook();
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(hookToRemove);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down: the hook runs anyway and finds the process gone
        }
    }

    /** The last {@code maxBytes} of the process's own output file. */
    public String outputTail(int maxBytes) {
        return tail(output, maxBytes);
    }

    public String name() {
        return name;
    }

    /** The last {@code maxBytes} of a file as text, or "" when it cannot be read. */
    public static String tail(Path file, int maxBytes) {
        return io.isobench.core.Files2.tail(file, maxBytes).strip();
    }
}
