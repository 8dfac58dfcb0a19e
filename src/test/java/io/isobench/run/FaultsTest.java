package io.isobench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.cli.Main;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import io.isobench.result.TrialStatus;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run survives faults: a hung agent, a killed isobench (kill -9) and Ctrl-C. The runs are real,
 * in a separate JVM where the test must kill isobench itself.
 */
class FaultsTest {

    @TempDir
    Path tmp;

    private static int run(StringWriter out, String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args);
    }

    private Path onlyRun() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("results"))) {
            List<Path> runs = s.toList();
            assertThat(runs).hasSize(1);
            return runs.get(0);
        }
    }

    /** isobench in its own JVM, on this test's classpath (so the test workloads exist there too). */
    private Process isobench(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.isobench.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("isobench.out").toFile()).start();
    }

    private long measuredLines(Path run) throws Exception {
        Path samples = run.resolve(RunDirectory.SAMPLES);
        return Files.exists(samples) ? Files.readAllLines(samples).size() : 0;
    }

    private Path waitForSamples(int atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(tmp.resolve("results"))) {
                try (Stream<Path> s = Files.list(tmp.resolve("results"))) {
                    for (Path run : s.toList()) {
                        if (measuredLines(run) >= atLeast) {
                            return run;
                        }
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no samples appeared: " + Files.readString(tmp.resolve("isobench.out")));
    }

    /** Every trial has each iteration 1..n exactly once per metric: nothing lost, nothing repeated. */
    private static void assertEachIterationOnce(List<Sample> samples, int n) {
        Map<String, List<Integer>> byTrialMetric = samples.stream().filter(s -> !s.warmup())
                .collect(Collectors.groupingBy(s -> s.trial() + "/" + s.metric() + s.labels(),
                        Collectors.mapping(Sample::iteration, Collectors.toList())));
        assertThat(byTrialMetric).isNotEmpty();
        byTrialMetric.forEach((k, its) -> assertThat(its).as(k).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.rangeClosed(1, n).boxed().toList()));
    }

    private static Set<Long> descendants(Process p) {
        return p.descendants().map(ProcessHandle::pid).collect(Collectors.toCollection(HashSet::new));
    }

    @Test
    void anAgentThatHangsPastItsDeadlineFailsItsTrialAndIsRemoved() throws Exception {
        StringWriter out = new StringWriter();
        int code = run(out, "run", "--env", "native", "--workload", "test_constant,test_noise", "--iterations", "2", "--warmup", "0",
                "-p", "test_constant.sleep=30s", "-p", "test_constant.deadline=1s", "--results", tmp.resolve("results").toString());
        assertThat(code).as(out.toString()).isEqualTo(Main.TRIALS_FAILED);
        RunRecord r = RunDirectory.open(onlyRun()).readRecord();
        assertThat(r.trials()).filteredOn(t -> t.workload().equals("test_constant")).singleElement().satisfies(t -> {
            assertThat(t.status()).isEqualTo(TrialStatus.FAILED);
            assertThat(t.failure()).contains("no answer").contains("within 1 s");
        });
        assertThat(r.trials()).filteredOn(t -> t.workload().equals("test_noise")).singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo(TrialStatus.DONE));
        // the hung agent was ended, not left sleeping
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
    }

    @Test
    void aRunKilledWithSigkillResumesWithoutLosingOrRepeatingAnIteration() throws Exception {
        Process p = isobench("run", "--env", "native", "--variant", "native.pin=none,0", "--workload", "test_constant", "-p",
                "test_constant.sleep=150ms", "--iterations", "6", "--warmup", "1", "--results", tmp.resolve("results").toString());
        Path run = waitForSamples(6);
        p.destroyForcibly(); // SIGKILL: no hook runs, the record says "running"
        p.waitFor(10, TimeUnit.SECONDS);
        long before = measuredLines(run);
        assertThat(before).isLessThan(2 * 7 * 2); // it really stopped early

        StringWriter out = new StringWriter();
        int code = run(out, "run", "--resume", run.toString());
        assertThat(code).as(out.toString()).isZero();
        RunDirectory dir = RunDirectory.open(run);
        assertThat(dir.readRecord().status()).isEqualTo(RunStatus.COMPLETE);
        List<Sample> samples = dir.readSamples();
        assertEachIterationOnce(samples, 6);
        assertThat(samples).filteredOn(Sample::warmup).extracting(s -> s.trial() + "/" + s.metric() + s.labels() + "/" + s.iteration())
                .doesNotHaveDuplicates();
        // resuming a complete run does nothing
        StringWriter again = new StringWriter();
        assertThat(run(again, "run", "--resume", run.toString())).isZero();
        assertThat(again.toString()).contains("nothing to resume");
        assertThat(dir.readSamples()).hasSameSizeAs(samples);
    }

    @Test
    void ctrlCStopsCleanlyRemovesTheAgentAndLeavesAResumableRun() throws Exception {
        Process p = isobench("run", "--env", "native", "--workload", "test_constant", "-p", "test_constant.sleep=150ms",
                "--iterations", "20", "--warmup", "0", "--results", tmp.resolve("results").toString());
        Path run = waitForSamples(3);
        Set<Long> agents = descendants(p);
        assertThat(agents).isNotEmpty();
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
        assertThat(kill.waitFor()).isZero();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(130);
        for (long pid : agents) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("agent %d left running", pid).isFalse();
        }
        RunDirectory dir = RunDirectory.open(run);
        RunRecord r = dir.readRecord();
        assertThat(r.status()).isEqualTo(RunStatus.INCOMPLETE);
        assertThat(r.stopReason()).contains("interrupted").contains("--resume");
        assertThat(r.trials()).noneMatch(t -> t.status() == TrialStatus.FAILED);
        // the data folder the native instance made is gone too
        String dataDir = String.valueOf(r.environments().get("native").get("data_dir"));
        assertThat(new File(dataDir)).doesNotExist();

        StringWriter out = new StringWriter();
        assertThat(run(out, "run", "--resume", run.toString(), "--results", tmp.toString())).as(out.toString()).isZero();
        assertEachIterationOnce(dir.readSamples(), 20);
    }
}
