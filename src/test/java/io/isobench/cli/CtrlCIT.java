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
        interruptAndResume(List.of("--env", "native,vm", "--variant", "vm.image=small", "--workload", "hash", "-p", "hash.size=1M"),
                null, "during starting vm", null);
    }

    @Test
    void midIterationInAContainer() throws Exception {
        interruptAndResume(List.of("--env", "docker", "--variant", "docker.image=small", "--variant", "docker.network=none",
                "--workload", "hash", "-p", "hash.size=16M", "-p", "hash.passes=400"), "starting docker", "@ docker", null);
    }

    @Test
    void midIterationInAVm() throws Exception {
        interruptAndResume(List.of("--env", "vm", "--variant", "vm.image=small", "--workload", "hash", "-p", "hash.size=8M",
                "-p", "hash.passes=100"), "starting vm", "@ vm", null);
    }

    @Test
    void whileTheReportIsWritten() throws Exception {
        // a pause before the report is written gives the keystroke a moment that is surely inside it
        interruptAndResume(List.of("--env", "native", "--workload", "hash", "-p", "hash.size=1M"), null,
                "while writing the report", "-Disobench.reportPauseMs=4000");
    }

    /**
     * @param started   text that shows the environment has started (then the next progress line is
     *                  the iteration in hand), or null to strike at the first sign of {@code reasonHas}
     * @param reasonHas what the run's stop reason must name: where the keystroke struck
     */
    private void interruptAndResume(List<String> args, String started, String reasonHas, String javaOpts) throws Exception {
        List<String> run = new ArrayList<>(List.of("./isobench", "run"));
        run.addAll(args);
        run.addAll(List.of("-n", "2", "--warmup", "0", "-o", results.toString()));
        Terminal t = Terminal.start(run, javaOpts);
        try {
            if (started != null) {
                t.await(started, 300);
                t.awaitAfter(started, reasonHas.replace("during ", ""), 300);
            } else if (reasonHas.startsWith("during ")) {
                t.await(reasonHas.substring("during ".length()), 300);
            } else {
                t.await("== hash", 300); // the console table is out; the page comes after the pause
            }
            t.typeCtrlC();
            assertThat(t.exit(180)).as(t.output()).isEqualTo(130);
        } finally {
            t.kill();
        }
        Path runDir;
        try (Stream<Path> s = Files.list(results)) {
            runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
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
