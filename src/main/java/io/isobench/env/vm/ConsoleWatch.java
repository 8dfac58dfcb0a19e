package io.isobench.env.vm;

import io.isobench.core.Console;
import io.isobench.agent.AgentClient;
import io.isobench.agent.AgentException;
import io.isobench.agent.CrashReport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells that a guest's agent died, and why, from the guest's serial console (a file QEMU
 * writes on the host): the init's report of the agent's exit status ({@link InitScript#EXITED}),
 * the guest kernel's "Out of memory: Killed process" line, a JVM crash report the init copies
 * whole between markers (saved into the run's logs), or QEMU itself having exited.
 *
 * <p>The virtio port cannot tell: whatever holds it open in the guest keeps the host's socket
 * connected after the agent is gone. Reading the console's new bytes every poll is cheap.
 */
final class ConsoleWatch implements AgentClient.Watch {

    /** How long after the exit line the init may take to copy crash reports to the console. */
    static final long REPORT_WAIT_NANOS = 3_000_000_000L;
    private static final Pattern KERNEL_LINE = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\] ?(.*)$");
    private static final Pattern OOM_KILL = Pattern.compile("Out of memory: Killed process (\\d+) \\(([^)]*)\\)");
    private static final Pattern PANIC = Pattern.compile("Kernel panic - .*");

    private final Path console;
    private final BooleanSupplier vmRunning;
    private final Path logDir;
    private final String reportStem;
    private long offset;
    private final StringBuilder partial = new StringBuilder();
    private Integer exitStatus;
    private long exitSeenAt;
    private boolean endReported;
    private String oomKill;
    private String panic;
    private StringBuilder report;
    private String reportName;
    private final List<Path> reports = new ArrayList<>();
    private volatile AgentException.Death death;

    /**
     * @param console    the guest's console log
     * @param vmRunning  whether QEMU still runs
     * @param logDir     where crash reports are saved
     * @param reportStem the saved reports' name before "_pidN.log", e.g. "vm-tuned-hs_err"
     */
    ConsoleWatch(Path console, BooleanSupplier vmRunning, Path logDir, String reportStem) {
        this.console = console;
        this.vmRunning = vmRunning;
        this.logDir = logDir;
        this.reportStem = reportStem;
    }

    @Override
    public synchronized AgentException.Death death() {
        if (death != null) {
            return death;
        }
        scan();
        boolean vmGone = !vmRunning.getAsBoolean();
        if (exitStatus == null && !vmGone) {
            return null;
        }
        if (exitStatus != null && !endReported && !vmGone && System.nanoTime() - exitSeenAt < REPORT_WAIT_NANOS) {
            return null; // the init is still copying a crash report
        }
        if (vmGone) {
            scan(); // what QEMU wrote last
        }
        death = build(vmGone);
        return death;
    }

    /** The crash reports saved so far. */
    synchronized List<Path> reports() {
        return List.copyOf(reports);
    }

    private AgentException.Death build(boolean vmGone) {
        String cause;
        if (exitStatus != null) {
            cause = "the agent " + AgentException.Death.exitStatus(exitStatus) + " (reported by the guest's init)";
        } else {
            cause = "the VM stopped before the guest's init reported the agent's end";
        }
        if (oomKill != null) {
            cause = "OOM-killed by the guest kernel (" + oomKill + "); " + cause;
        }
        if (panic != null) {
            cause += "; " + panic;
        }
        String where = console.toString();
        if (!reports.isEmpty()) {
            Path r = reports.get(reports.size() - 1);
            String crash = CrashReport.describe(r);
            if (crash != null) {
                cause += "; " + crash;
            }
            where = r.toString();
        }
        return new AgentException.Death(cause, where);
    }

    /** Reads the console's new bytes and takes in each complete line. */
    private void scan() {
        byte[] fresh;
        try (RandomAccessFile f = new RandomAccessFile(console.toFile(), "r")) {
            long len = f.length();
            if (len <= offset) {
                return;
            }
            fresh = new byte[(int) Math.min(len - offset, 16 << 20)];
            f.seek(offset);
            f.readFully(fresh);
            offset += fresh.length;
        } catch (IOException e) {
            return; // not there yet
        }
        partial.append(new String(fresh, StandardCharsets.ISO_8859_1));
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, nl).replace("\r", "");
            partial.delete(0, nl + 1);
            line(line);
        }
    }

    void line(String raw) {
        Matcher k = KERNEL_LINE.matcher(raw);
        boolean kernel = k.matches();
        String text = kernel ? k.group(1) : raw;
        if (kernel) {
            Matcher oom = OOM_KILL.matcher(text);
            if (oom.find()) {
                oomKill = oom.group().strip();
            }
            Matcher p = PANIC.matcher(text);
            if (p.find() && panic == null) {
                panic = p.group().strip();
            }
            return; // kernel lines inside a crash report are not part of it
        }
        if (text.startsWith(InitScript.LOG_PREFIX)) {
            String msg = text.substring(InitScript.LOG_PREFIX.length()).strip();
            if (msg.startsWith(InitScript.EXITED)) {
                try {
                    exitStatus = Integer.parseInt(msg.substring(InitScript.EXITED.length()).strip());
                } catch (NumberFormatException e) {
                    exitStatus = -1;
                }
                exitSeenAt = System.nanoTime();
            } else if (msg.startsWith(InitScript.REPORT_BEGINS)) {
                report = new StringBuilder();
                reportName = Path.of(msg.substring(InitScript.REPORT_BEGINS.length()).strip()).getFileName().toString();
            } else if (msg.startsWith(InitScript.REPORT_ENDS)) {
                saveReport();
            } else if (msg.startsWith(InitScript.END_REPORTED)) {
                saveReport(); // one cut short
                endReported = true;
            }
            return;
        }
        if (report != null) {
            report.append(raw).append('\n');
        }
    }

    private void saveReport() {
        if (report == null) {
            return;
        }
        String pid = reportName.replaceAll("^hs_err_(pid\\d+)\\.log$", "$1");
        Path to = logDir.resolve(reportStem + "_" + (pid.equals(reportName) ? "unknown" : pid) + ".log");
        for (int i = 2; Files.exists(to); i++) {
            to = logDir.resolve(reportStem + "_" + pid + "-" + i + ".log");
        }
        try {
            Files.writeString(to, report, StandardCharsets.ISO_8859_1);
            reports.add(to);
        } catch (IOException e) {
            Console.say("isobench: could not save the guest's crash report to " + to + ": " + e.getMessage());
        }
        report = null;
    }
}
