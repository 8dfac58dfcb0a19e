package io.isobench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C as a person gives it: isobench runs under a pseudo-terminal ({@code script}, as a shell
 * in a terminal would run it) and the test types the interrupt character, which the terminal turns
 * into SIGINT for its whole foreground process group. At each moment (a VM starting, an iteration
 * in a container, an iteration in a VM, the report being written) the run must end with exit 130,
 * an INCOMPLETE run.json naming why, the exact resume command on the console, and nothing left
 * behind; then {@code --resume} completes it with every iteration measured exactly once.
 */
@Tag("integration")
class CtrlCIT {

    @TempDir
    Path results;

    @Test
    void whileAVmStarts() throws Exception {
        // QEMU runs, and the VM has not answered yet
        interruptAndResume(List.of("--env", "vm", "--variant", "vm.image=small", "--workload", "hash", "-p", "hash.size=1M"),
                run -> qemuOf(run) && !started(run, "vm"), "during starting vm", null);
    }

    @Test
    void midIterationInAContainer() throws Exception {
        interruptAndResume(List.of("--env", "docker", "--variant", "docker.image=small", "--variant", "docker.network=none",
                "--workload", "hash", "-p", "hash.size=16M", "-p", "hash.passes=400"), run -> started(run, "docker") && inHand(run),
                "@ docker", null);
    }

    @Test
    void midIterationInAVm() throws Exception {
        interruptAndResume(List.of("--env", "vm", "--variant", "vm.image=small", "--workload", "hash", "-p", "hash.size=8M",
                "-p", "hash.passes=100"), run -> started(run, "vm") && inHand(run), "@ vm", null);
    }

    @Test
    void whileTheReportIsWritten() throws Exception {
        // a pause between the console table and the page gives the keystroke a moment surely inside the report
        interruptAndResume(List.of("--env", "native", "--workload", "hash", "-p", "hash.size=1M"), null,
                "while writing the report", "-Disobench.reportPauseMs=4000");
    }

    private Path runFolder() throws java.io.IOException {
        try (Stream<Path> s = Files.list(results)) {
            return s.filter(Files::isDirectory).filter(d -> Files.exists(d.resolve(RunDirectory.RUN))).findFirst().orElse(null);
        }
    }

    /** The run's QEMU exists: it is named after the run. */
    private static boolean qemuOf(Path run) {
        String name = "-name guest=isobench-" + run.getFileName();
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(name));
    }

    /** run.json lists a started instance of this environment. */
    private static boolean started(Path run, String environment) {
        try {
            RunRecord r = RunDirectory.open(run).readRecord();
            return r.environments() != null && r.environments().keySet().stream().anyMatch(v -> v.startsWith(environment));
        } catch (java.io.IOException | RuntimeException e) {
            return false; // not written yet, or being replaced
        }
    }

    /** run.json shows a trial in hand. */
    private static boolean inHand(Path run) {
        try {
            return RunDirectory.open(run).readRecord().trials().stream().anyMatch(t -> t.status() == io.isobench.result.TrialStatus.RUNNING);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * @param moment    when to strike, read from the run folder; null: once the console table is out
     * @param reasonHas what the run's stop reason must name: where the keystroke struck
     */
    private void interruptAndResume(List<String> args, java.util.function.Predicate<Path> moment, String reasonHas, String javaOpts)
            throws Exception {
        List<String> run = new ArrayList<>(List.of("./isobench", "run"));
        run.addAll(args);
        run.addAll(List.of("-n", "2", "--warmup", "0", "-o", results.toString()));
        Terminal t = Terminal.start(run, javaOpts);
        try {
            if (moment == null) {
                t.await("== hash", 300); // the console table is out; the page comes after the pause
            } else {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                while (true) {
                    Path folder = runFolder();
                    if (folder != null && moment.test(folder)) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("the moment did not come:\n" + t.output()).isLessThan(deadline);
                    assertThat(t.alive()).as("ended before the moment:\n" + t.output()).isTrue();
                    Thread.sleep(100);
                }
            }
            t.typeCtrlC();
            assertThat(t.exit(180)).as(t.output()).isEqualTo(130);
        } finally {
            t.kill();
        }
        Path runDir = runFolder();
        RunRecord r = RunDirectory.open(runDir).readRecord();
        assertThat(r.status()).isEqualTo(RunStatus.INCOMPLETE);
        assertThat(r.stopReason()).contains("interrupted (Ctrl-C)").contains(reasonHas);
        assertThat(t.output()).contains("resume with:").contains("isobench run --resume " + runDir);
        String id = runDir.getFileName().toString();
        Cli doctor = Cli.run("doctor", "--run", id);
        assertThat(doctor.out()).as(doctor.all()).contains("leftovers: none");

        int code = io.isobench.cli.Main.execute("run", "--resume", runDir.toString());
        assertThat(code).isZero();
        RunDirectory dir = RunDirectory.open(runDir);
        assertThat(dir.readRecord().status()).isEqualTo(RunStatus.COMPLETE);
        Set<String> seen = new HashSet<>();
        for (Sample smp : dir.readSamples()) {
            assertThat(seen.add(smp.trial() + "|" + smp.warmup() + "|" + smp.iteration() + "|" + smp.metric() + "|" + smp.labels()))
                    .as("iteration measured once: " + smp.trial() + " #" + smp.iteration()).isTrue();
        }
        assertThat(dir.readRecord().trials()).allSatisfy(tr -> assertThat(tr.iterationsDone()).isEqualTo(2));
        assertThat(Files.exists(runDir.resolve("report.html"))).isTrue();
        assertThat(Cli.run("doctor", "--run", id).out()).contains("leftovers: none");
    }

    /** A command under a pseudo-terminal made by util-linux's {@code script}, its output collected. */
    private static final class Terminal {
        private final Process process;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Thread reader;

        private Terminal(Process process) {
            this.process = process;
            this.reader = Thread.ofPlatform().daemon().start(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (out) {
                            out.write(buf, 0, n);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the terminal closed
                }
            });
        }

        static Terminal start(List<String> command, String javaOpts) throws Exception {
            StringBuilder line = new StringBuilder();
            for (String a : command) {
                line.append(line.isEmpty() ? "" : " ").append("'").append(a.replace("'", "'\\''")).append("'");
            }
            ProcessBuilder pb = new ProcessBuilder("script", "-q", "-e", "-c", line.toString(), "/dev/null").redirectErrorStream(true);
            if (javaOpts != null) {
                pb.environment().put("ISOBENCH_JAVA_OPTS", javaOpts);
            }
            return new Terminal(pb.start());
        }

        boolean alive() {
            return process.isAlive();
        }

        String output() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        void await(String text, int seconds) throws InterruptedException {
            awaitAfter("", text, seconds);
        }

        /** Waits until {@code text} appears after the first {@code first}. */
        void awaitAfter(String first, String text, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (output().indexOf(first) < 0 || output().indexOf(text, output().indexOf(first) + first.length()) < 0) {
                assertThat(System.nanoTime()).as("'" + text + "' did not appear:\n" + output()).isLessThan(deadline);
                assertThat(process.isAlive()).as("ended before '" + text + "':\n" + output()).isTrue();
                Thread.sleep(100);
            }
        }

        /** The interrupt character, as the Ctrl-C key sends it to the terminal. */
        void typeCtrlC() throws Exception {
            OutputStream in = process.getOutputStream();
            in.write(3);
            in.flush();
        }

        int exit(int seconds) throws InterruptedException {
            assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("ended after Ctrl-C:\n" + output()).isTrue();
            reader.join(5000);
            return process.exitValue();
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
