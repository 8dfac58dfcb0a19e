package io.isobench.env;

import io.isobench.core.Files2;
import io.isobench.agent.AgentLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds what runs leave on the host whatever the environment: agent processes (their command
 * line names the run: {@code -Disobench.run=ID}) and instance folders under a work root named
 * {@code isobench-<run-id>-...} (native data folders, VM folders, Docker bind folders).
 */
public final class HostLeftovers {

    /** A run id as {@code RunDirectory.newRunId()} makes them: {@code 20261130-130501-ab12}. */
    private static final Pattern FOLDER = Pattern.compile("isobench-(\\d{8}-\\d{6}-[0-9a-z]+)-(.+)");
    private static final Pattern AGENT = Pattern.compile("-D" + Pattern.quote(AgentLauncher.RUN_PROPERTY) + "=(\\S+)");

    private HostLeftovers() {
    }

    /** The run id in a folder name made by a run, if it is one. */
    public static Optional<String> runOfFolder(String name) {
        Matcher m = FOLDER.matcher(name);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Agent processes started on this host by a run (native agents, load clients), with their run id. */
    public static List<Leftover> agentProcesses() {
        List<Leftover> out = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().filter(p -> p.pid() != self).forEach(p -> {
            String cmd = p.info().commandLine().orElse("");
            Matcher m = AGENT.matcher(cmd);
            if (m.find() && cmd.contains(AgentLauncher.MAIN + " agent")) {
                out.add(new Leftover(m.group(1), "process", "agent pid " + p.pid(), -1, "running", () -> stop(p)));
            }
        });
        return out;
    }

    /**
     * Folders under {@code root} whose name carries a run id and {@code kind} matches, e.g. the
     * native data folders ({@code isobench-<id>-native...}).
     *
     * @param what the part after the run id, as a pattern: {@code native.*}, {@code vm-[0-9a-f]{6}}
     */
    public static List<Leftover> folders(Path root, String what) {
        List<Leftover> out = new ArrayList<>();
        Pattern rest = Pattern.compile(what);
        try (var s = Files.list(root)) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                Matcher m = FOLDER.matcher(p.getFileName().toString());
                if (m.matches() && rest.matcher(m.group(2)).matches()) {
                    out.add(new Leftover(m.group(1), "folder", p.toString(), Files2.diskUsage(p), "", () -> Files2.deleteRecursively(p)));
                }
            }
        } catch (IOException e) {
            // no such root: nothing left there
        }
        return out;
    }

    /** Ends a process: SIGTERM, then SIGKILL after 5 s. */
    public static void stop(ProcessHandle p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            p.onExit().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
        }
    }
}
