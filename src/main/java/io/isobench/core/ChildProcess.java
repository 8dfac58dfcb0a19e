package io.isobench.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the processes isobench runs on the host (agents, QEMU, servers' tools, ip, mkfs) each in
 * a session of its own, so a terminal's Ctrl-C reaches isobench alone. A terminal sends SIGINT to
 * its whole foreground process group: without this, QEMU and the native agent died on their own
 * before isobench could tear them down in order, and a VM's 568 MB folder stayed behind.
 *
 * <p>{@code setsid} (util-linux) makes the new session and then execs the command in the same
 * process (a child of the JVM is never a process group leader, so setsid does not fork): the
 * {@link Process} handle's pid is the command's own, and destroying it ends the command.
 */
public final class ChildProcess {

    private static final Path SETSID = locate();

    private ChildProcess() {
    }

    private static Path locate() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, "setsid");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Starts {@code pb}'s command in a new session (as is, where setsid is missing). */
    public static Process start(ProcessBuilder pb) throws IOException {
        if (SETSID != null) {
            List<String> cmd = new ArrayList<>(pb.command());
            cmd.add(0, SETSID.toString());
            pb.command(cmd);
        }
        return pb.start();
    }

    /**
     * Runs a command to its end in a session of its own and returns its output (stderr merged);
     * a command that fails or outlives the timeout is an {@link IOException} naming it and, for a
     * failure, its output.
     *
     * @param dir the working directory, or null for this process's
     */
    public static String run(List<String> cmd, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = start(pb);
        byte[] out = p.getInputStream().readAllBytes();
        // an interrupt (Ctrl-C) does not abandon the command halfway: whatever it creates or removes
        // is then done or not, and the cleanup knows which; the interrupt is raised once it ended
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException(cmd.get(0) + " did not finish within " + timeoutSeconds + " s");
                }
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            throw new InterruptedException("interrupted while " + String.join(" ", cmd) + " ran (it ran to its end, exit "
                    + p.exitValue() + ")");
        }
        String s = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + s.strip());
        }
        return s;
    }

    /** {@link #run(List, Path, int)} in this process's working directory. */
    public static String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        return run(cmd, null, timeoutSeconds);
    }

    /**
     * Whether a tool is installed: an executable of that name on PATH or in the system folders
     * ({@code /usr/sbin} and {@code /sbin} are often missing from a user's PATH, and the tools
     * isobench needs as root live there).
     */
    public static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        for (String d : (path == null ? "" : path + ":").concat("/usr/bin:/usr/sbin:/bin:/sbin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Whether children get sessions of their own here (false where util-linux's setsid is missing). */
    public static boolean ownSessions() {
        return SETSID != null;
    }
}
