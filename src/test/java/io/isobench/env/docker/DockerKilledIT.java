package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import io.isobench.cli.Main;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container killed from outside in the middle of a trial (as the OOM killer or an operator
 * would): the host notices at once (not at the workload's deadline) and names the cause, the
 * iteration is lost and run again on a fresh container, the trial passes with the loss on
 * record, and nothing of the run is left in the engine.
 */
@Tag("integration")
class DockerKilledIT {

    @TempDir
    Path results;

    @Test
    void aContainerKilledMidTrialLosesOneIterationThatAFreshContainerRunsAgain() throws Exception {
        StringWriter out = new StringWriter();
        // a long hash iteration gives the killer time to strike mid-trial; then a short one follows
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out, true),
                new PrintWriter(out, true), "run", "--env", "docker", "--variant", "docker.image=small", "--workload", "hash,syscall",
                "-p", "hash.size=64M", "-p", "hash.passes=200", "-p", "syscall.count=500", "-n", "2", "--warmup", "0", "--seed", "3",
                "-o", results.toString()));
        try (DockerEngine engine = DockerEngine.connect()) {
            String killed = null;
            long killedAt = 0;
            // generous: a first run builds the image, and a busy shared host is slow
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            while (killed == null && System.nanoTime() < deadline && !run.isDone()) {
                // strike once an iteration has finished (the container is up) and the hash iteration is in hand;
                // only this run's container: other runs may share the engine
                String runId = Files.isDirectory(results) && hashRunning() ? runId() : null;
                List<Container> ours = runId == null ? List.of() : engine.quick().listContainersCmd()
                        .withFilter("label", List.of(DockerEngine.RUN_LABEL + "=" + runId)).exec();
                if (!ours.isEmpty()) {
                    killed = ours.get(0).getId();
                    engine.quick().killContainerCmd(killed).exec(); // SIGKILL to the agent, the container's process
                    killedAt = System.nanoTime();
                }
                Thread.sleep(200);
            }
            assertThat(killed).as("a container to kill appeared: " + out).isNotNull();
            // the death is noticed at once: a fresh container takes over long before hash's deadline (minutes)
            String runId = runId();
            String replacement = null;
            while (replacement == null && System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(60) && !run.isDone()) {
                for (Container c : engine.quick().listContainersCmd().withFilter("label", List.of(DockerEngine.RUN_LABEL + "=" + runId)).exec()) {
                    if (!c.getId().equals(killed)) {
                        replacement = c.getId();
                    }
                }
                Thread.sleep(100);
            }
            long noticedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
            assertThat(replacement).as("a fresh container replaced the killed one: " + out).isNotNull();
            assertThat(noticedSeconds).as("seconds from the kill to a fresh container").isLessThan(30);

            assertThat(run.get(600, TimeUnit.SECONDS)).as(out.toString()).isZero();
            Path runDir;
            try (Stream<Path> s = Files.list(results)) {
                runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            RunRecord r = RunDirectory.open(runDir).readRecord();
            TrialRecord hash = r.trials().stream().filter(t -> t.workload().equals("hash")).findFirst().orElseThrow();
            TrialRecord syscall = r.trials().stream().filter(t -> t.workload().equals("syscall")).findFirst().orElseThrow();
            assertThat(hash.status()).as(out.toString()).isEqualTo(TrialStatus.DONE);
            assertThat(hash.iterationsDone()).isEqualTo(2);
            // one iteration lost, with its cause from the container's state
            assertThat(hash.lost()).singleElement().satisfies(l -> assertThat(l.reason()).contains("agent in docker")
                    .contains("died while answering 'run'").contains("killed by SIGKILL (status 137)"));
            assertThat(syscall.status()).as(out.toString()).isEqualTo(TrialStatus.DONE);
            assertThat(syscall.iterationsDone()).isEqualTo(2);
            assertThat(new DockerLeftovers(engine).find(runDir.getFileName().toString())).isEmpty();
        }
    }

    /** The id of the run under test: its folder's name. */
    private String runId() throws Exception {
        try (Stream<Path> s = Files.list(results)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).findFirst().orElse(null);
        }
    }

    /** True while the hash trial is in hand and at least one iteration has been measured. */
    private boolean hashRunning() throws Exception {
        try (Stream<Path> s = Files.list(results)) {
            for (Path dir : s.filter(Files::isDirectory).toList()) {
                if (Files.exists(dir.resolve(RunDirectory.RUN)) && Files.exists(dir.resolve(RunDirectory.SAMPLES))
                        && Files.size(dir.resolve(RunDirectory.SAMPLES)) > 0) {
                    RunRecord r = RunDirectory.open(dir).readRecord();
                    return r.trials() != null && r.trials().stream()
                            .anyMatch(t -> t.workload().equals("hash") && t.status() == TrialStatus.RUNNING);
                }
            }
        }
        return false;
    }
}
