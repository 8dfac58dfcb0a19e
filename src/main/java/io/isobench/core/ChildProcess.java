package io.isobench.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** Whether children get sessions of their own here (false where util-linux's setsid is missing). */
    public static boolean ownSessions() {
        return SETSID != null;
    }
}
