package io.isobench.env.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.agent.AgentException;
import io.isobench.agent.Protocol;
import io.isobench.cli.Main;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.Cleanup;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.image.ImageCache;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest's agent that dies is noticed at once, with its cause, not at the workload's deadline:
 * killed with SIGKILL inside the guest (the iteration is then run again on a fresh VM and the
 * trial passes with the loss on record), and OOM-killed by the guest kernel after exhausting the
 * guest's memory. Nothing is left behind.
 */
@Tag("integration")
class VmAgentDeathIT {

    @TempDir
    Path results;

    @TempDir
    Path logs;

    @Test
    void anAgentKilledInsideTheGuestLosesOneIterationThatAFreshVmRunsAgain() throws Exception {
        StringWriter out = new StringWriter();
        // under TCG an iteration of 4 x 16 MiB takes seconds: long enough to strike in the middle of the second
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out, true),
                new PrintWriter(out, true), "run", "--env", "vm", "--variant", "vm.image=small", "--workload", "hash",
                "-p", "hash.size=16M", "-p", "hash.passes=4", "-n", "2", "--warmup", "0", "-o", results.toString()));
        Path firstVm = null;
        long killedAt = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (firstVm == null && System.nanoTime() < deadline && !run.isDone()) {
            String runId = secondIterationInHand();
            Set<Path> vms = runId == null ? Set.of() : vmFolders(runId);
            if (!vms.isEmpty()) {
                firstVm = vms.iterator().next();
                // SysRq "i": the guest kernel sends SIGKILL to every process but init (the agent among them)
                monitor(firstVm.resolve("monitor.sock"), "sendkey alt-sysrq-i");
                killedAt = System.nanoTime();
            }
            Thread.sleep(200);
        }
        assertThat(firstVm).as("a VM to strike in appeared: " + out).isNotNull();
        String runId = runId();
        // noticed at once: a fresh VM is being started long before hash's deadline (minutes)
        Path replacement = null;
        while (replacement == null && System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(120) && !run.isDone()) {
            for (Path p : vmFolders(runId)) {
                if (!p.equals(firstVm)) {
                    replacement = p;
                }
            }
            Thread.sleep(100);
        }
        long noticedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
        assertThat(replacement).as("a fresh VM replaced the one whose agent was killed: " + out).isNotNull();
        assertThat(noticedSeconds).as("seconds from the kill to a fresh VM").isLessThan(30);

        assertThat(run.get(600, TimeUnit.SECONDS)).as(out.toString()).isZero();
        Path runDir = results.resolve(runId);
        RunRecord r = RunDirectory.open(runDir).readRecord();
        TrialRecord hash = r.trials().get(0);
        assertThat(hash.status()).isEqualTo(TrialStatus.DONE);
        assertThat(hash.iterationsDone()).isEqualTo(2);
        assertThat(hash.lost()).singleElement().satisfies(l -> {
            assertThat(l.iteration()).isEqualTo(2);
            assertThat(l.reason()).contains("died while answering 'run'").contains("killed by SIGKILL (status 137)")
                    .contains("reported by the guest's init");
        });
        // the dead guest's console, with the init's report, is kept with the run
        try (Stream<Path> s = Files.list(runDir.resolve("logs"))) {
            List<Path> consoles = s.filter(p -> p.getFileName().toString().contains("-console")).toList();
            assertThat(consoles).hasSizeGreaterThanOrEqualTo(2);
            assertThat(consoles.stream().anyMatch(c -> read(c).contains(InitScript.LOG_PREFIX + InitScript.EXITED + " 137"))).isTrue();
        }
        VmEnvironmentIT.assertNothingLeft(runId, -1, Map.of());
    }

    @Test
    void anAgentThatExhaustsTheGuestsMemoryIsOomKilledAndThatIsSaidAtOnce() throws Exception {
        VmEnvironment env = new VmEnvironment(ImageCache.standard(), Path.of("/var/tmp"), msg -> { }, InitScript.PATH);
        Variant v = Variant.resolve(env, Map.of("image", "full", "vcpus", "1", "memory", "512M"), "test");
        String runId = "it-oom-" + ProcessHandle.current().pid();
        try (Cleanup cleanup = new Cleanup()) {
            VmInstance vm = (VmInstance) env.start(v, new StartContext(runId, logs, AgentLauncher.current(), cleanup, HostFacts.read(),
                    Duration.ofSeconds(600)));
            long qemuPid = vm.pid();
            try {
                // A request the planner refuses for this guest: liblzma's preset-8 encoders take some 370 MiB each,
                // outside the heap. Each allocation alone fits (preset 9's 674 MiB would be refused by malloc in a
                // 512 MiB guest); eight of them touch their 64 MiB hash tables within seconds, far beyond the guest.
                long t0 = System.nanoTime();
                Duration deadline = Duration.ofMinutes(10);
                assertThatThrownBy(() -> vm.agent().call(new Protocol.Run("compress",
                        Map.of("file", GUEST_JAR, "preset", 8, "threads", 8, "implementation", "native"), null), deadline))
                        .isInstanceOf(AgentException.class)
                        .satisfies(e -> {
                            AgentException.Death d = ((AgentException) e).death();
                            assertThat(d).as(e.getMessage()).isNotNull();
                            assertThat(d.cause()).startsWith("OOM-killed by the guest kernel (Out of memory: Killed process")
                                    .contains("(java)").contains("killed by SIGKILL (status 137)");
                            assertThat(d.log()).endsWith("-console.log");
                        });
                // well before the deadline: the death was noticed, not waited out
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMinutes(3));
                assertThat(vm.agent().broken()).isTrue();
            } finally {
                vm.close();
            }
            assertThat(cleanup.pending()).isZero();
            VmEnvironmentIT.assertNothingLeft(runId, qemuPid, Map.of());
        }
    }

    /** The isobench jar in the guest: a file of some 30 MiB every guest has. */
    private static final String GUEST_JAR = io.isobench.image.GuestImages.GUEST_HOME + "/isobench.jar";

    /** Sends one command to a QEMU human monitor and reads what it answers for a moment. */
    static String monitor(Path socket, String command) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            Thread.sleep(1000); // the monitor acts on the line; its echo is not needed
            return command;
        }
    }

    private Set<Path> vmFolders(String runId) throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/var/tmp"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("isobench-" + runId + "-vm-")).filter(p -> Files.exists(p.resolve("monitor.sock")))
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        }
    }

    private String runId() throws Exception {
        try (Stream<Path> s = Files.list(results)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).findFirst().orElse(null);
        }
    }

    /** The run's id once its first iteration is measured and the second is in hand, else null. */
    private String secondIterationInHand() throws Exception {
        String id = Files.isDirectory(results) ? runId() : null;
        if (id == null) {
            return null;
        }
        Path dir = results.resolve(id);
        if (!Files.exists(dir.resolve(RunDirectory.SAMPLES)) || Files.size(dir.resolve(RunDirectory.SAMPLES)) == 0
                || !Files.exists(dir.resolve(RunDirectory.RUN))) {
            return null;
        }
        RunRecord r = RunDirectory.open(dir).readRecord();
        return r.trials() != null && r.trials().stream().anyMatch(t -> t.status() == TrialStatus.RUNNING) ? id : null;
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
