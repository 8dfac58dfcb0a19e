package io.isobench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.isobench.result.RunDirectory;
import io.isobench.result.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs in their own JVM with the load in a client namespace: the namespace, its veth pair
 * and its forwarding rules are gone after a run that completes, after one whose load side failed,
 * and after SIGTERM in the middle of an iteration.
 */
@Tag("integration")
class ClientCleanupIT {

    @TempDir
    Path tmp;

    @BeforeAll
    static void hostAllowsANamespace() {
        assumeThat(NetnsClient.unavailableReason()).as("needs root with ip netns").isNull();
    }

    private Process isobench(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.isobench.cli.Main", "run", "--env", "native", "--client", "netns",
                "--warmup", "0", "--iterations", "1", "--results", tmp.resolve("results").toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("isobench.out").toFile()).start();
    }

    private String output() throws Exception {
        return Files.readString(tmp.resolve("isobench.out"));
    }

    /** The run's id: the name of the folder it made under results/. */
    private String runId(long waitSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(tmp.resolve("results"))) {
                try (Stream<Path> s = Files.list(tmp.resolve("results"))) {
                    List<Path> runs = s.toList();
                    if (!runs.isEmpty()) {
                        return runs.get(0).getFileName().toString();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no run folder appeared: " + output());
    }

    @Test
    void aCompletedRunLeavesNothingAndItsSamplesSayWhereTheLoadCameFrom() throws Exception {
        Process p = isobench("--workload", "test_echo");
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(output()).isZero();
        String runId = runId(1);
        NetnsClientIT.assertNothingLeft(runId);
        List<Sample> samples = RunDirectory.open(tmp.resolve("results").resolve(runId)).readSamples();
        assertThat(samples).isNotEmpty().allSatisfy(s -> assertThat(s.metadata().get("workload")).asString()
                .contains("place=netns").contains(NetnsClient.Names.forRun(runId).namespace()));
    }

    @Test
    void aRunWhoseLoadSideFailsLeavesNothing() throws Exception {
        Process p = isobench("--workload", "test_echo", "-p", "test_echo.fail=true");
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(output()).isEqualTo(3); // some trials failed
        assertThat(output()).contains("the load side failed on purpose");
        NetnsClientIT.assertNothingLeft(runId(1));
    }

    @Test
    void sigtermInTheMiddleOfAnIterationLeavesNothing() throws Exception {
        // the load side holds for a minute: SIGTERM arrives while the client agent is driving
        Process p = isobench("--workload", "test_echo", "-p", "test_echo.hold=60s");
        String runId = runId(60);
        NetnsClient.Names n = NetnsClient.Names.forRun(runId);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!output().contains("test_echo") || !HostNet.netnsExists(n.namespace())) {
            assertThat(System.nanoTime()).as("the run did not reach its iteration: " + output()).isLessThan(deadline);
            assertThat(p.isAlive()).as(output()).isTrue();
            Thread.sleep(100);
        }
        Thread.sleep(2000); // the client agent has the drive request by now
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        NetnsClientIT.assertNothingLeft(runId);
        assertThat(output()).doesNotContain("could not remove");
    }
}
