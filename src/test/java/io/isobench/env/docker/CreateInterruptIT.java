package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.NotFoundException;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signal while the engine creates a run's container: isobench runs in a JVM of its own, and the
 * signal strikes at the one moment the project once lost a container in (the engine has made it,
 * the start has not had the engine's answer yet), held there by {@value DockerInstance#HOLD_PROPERTY}
 * until the run is being stopped. SIGINT is Ctrl-C (the run stops and tears down in order), SIGTERM
 * the JVM's shutdown hooks. Either way the run exits non-zero, says it was interrupted, and
 * nothing labelled with its id is left in the engine: no container, volume or network.
 */
@Tag("integration")
class CreateInterruptIT {

    @TempDir
    Path results;
    @TempDir
    Path scratch;

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalWhileTheContainerIsCreatedLeavesNothingOfTheRun(String signal) throws Exception {
        Path held = scratch.resolve("created");
        Path log = scratch.resolve("isobench.log");
        // storage=volume: the volume is created too, before the container
        ProcessBuilder pb = new ProcessBuilder("./isobench", "run", "--env", "docker", "--variant", "docker.image=small", "--variant",
                "docker.storage=volume", "--workload", "hash", "-p", "hash.size=1M", "-n", "1", "--warmup", "0", "-o", results.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("ISOBENCH_JAVA_OPTS", "-D" + DockerInstance.HOLD_PROPERTY + "=" + held);
        Process p = pb.start();
        try (DockerEngine engine = DockerEngine.connect()) {
            // generous: a first run may build the guest image
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            while (!(Files.exists(held) && Files.readString(held).endsWith("\n"))) {
                assertThat(p.isAlive()).as("isobench ended before it created the container:\n" + output(log)).isTrue();
                assertThat(System.nanoTime()).as("no container was created:\n" + output(log)).isLessThan(deadline);
                Thread.sleep(100);
            }
            String id = Files.readString(held).strip();
            String runId = runId();
            // the engine has made the container; the start is still waiting for the answer
            assertThat(engine.quick().inspectContainerCmd(id).exec().getConfig().getLabels())
                    .containsEntry(DockerEngine.RUN_LABEL, runId);

            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("isobench ended after SIG" + signal + ":\n" + output(log)).isTrue();

            assertThat(p.exitValue()).as(output(log)).isNotZero();
            RunRecord r = RunDirectory.open(results.resolve(runId)).readRecord();
            assertThat(r.status()).isEqualTo(RunStatus.INCOMPLETE);
            assertThat(r.stopReason()).contains("interrupted").contains("starting docker");
            if (signal.equals("INT")) {
                assertThat(p.exitValue()).isEqualTo(130);
                assertThat(output(log)).contains("interrupted (Ctrl-C) during starting docker")
                        .contains("everything it started is removed").doesNotContain("could not remove");
            }
            List<String> label = List.of(DockerEngine.RUN_LABEL + "=" + runId);
            assertThatThrownBy(() -> engine.quick().inspectContainerCmd(id).exec()).isInstanceOf(NotFoundException.class);
            assertThat(engine.quick().listContainersCmd().withShowAll(true).withFilter("label", label).exec()).isEmpty();
            assertThat(engine.quick().listVolumesCmd().withFilter("label", label).exec().getVolumes()).isNullOrEmpty();
            assertThat(engine.quick().listNetworksCmd().withFilter("label", label).exec()).isEmpty();
            assertThat(new DockerLeftovers(engine).find(runId)).isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }

    /** The id of the run under test: its folder's name. */
    private String runId() throws Exception {
        try (Stream<Path> s = Files.list(results)) {
            return s.filter(Files::isDirectory).map(d -> d.getFileName().toString()).findFirst().orElseThrow();
        }
    }

    private static String output(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
