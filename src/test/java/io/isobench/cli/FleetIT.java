package io.isobench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.isobench.remote.SshdHosts;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.Sample;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fleets for real: two OpenSSH servers, each in a network namespace of its own on a bridge the
 * test makes, are the remote hosts. isobench brings itself there, runs the suite on both at once
 * (each against its own native baseline), streams the samples back into one run folder and
 * reports them with a host dimension; a host killed mid-run fails only its own trials; nothing is
 * left in any namespace or on the engine.
 */
@Tag("integration")
class FleetIT {

    Path dir;
    SshdHosts hosts;

    @BeforeEach
    void start() throws Exception {
        assumeThat(SshdHosts.unavailableReason()).isNull();
        dir = Files.createTempDirectory("isobench-fleet-it");
        hosts = SshdHosts.start(dir, 22, 2222);
    }

    @AfterEach
    void stop() throws Exception {
        if (hosts != null) {
            for (int i = 0; i < hosts.nodes().size(); i++) {
                // nothing isobench started is still running in the host's namespace: only its sshd
                long sshd = hosts.nodes().get(i).sshd().pid();
                List<Long> left = new ArrayList<>(hosts.pids(i));
                left.removeIf(p -> p == sshd || ProcessHandle.of(p).flatMap(h -> h.parent()).map(ProcessHandle::pid).orElse(-1L) == sshd
                        && ProcessHandle.of(p).flatMap(h -> h.info().command()).orElse("").endsWith("sshd"));
                assertThat(describe(left)).as("processes left in host %d's namespace", i).isEmpty();
            }
            // the guest images the hosts' runs built from their payloads (their JRE lives in the test's temporary
            // folder, so each test run makes its own): removed, by the payload label, nothing else
            for (SshdHosts.Node n : hosts.nodes()) {
                Path images = n.cache().resolve("isobench/images");
                if (Files.isDirectory(images)) {
                    try (var s = Files.list(images)) {
                        for (Path p : s.filter(x -> x.getFileName().toString().matches("payload-[0-9a-f]+")).toList()) {
                            String hash = p.getFileName().toString().substring("payload-".length());
                            for (String id : imagesLabelled("isobench.payload=" + hash)) {
                                new ProcessBuilder("docker", "rmi", "-f", id).redirectErrorStream(true)
                                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
                            }
                        }
                    }
                }
            }
            hosts.close();
            assertThat(hosts.leftovers()).isEmpty();
        }
        if (dir != null) {
            io.isobench.core.Files2.deleteRecursively(dir);
        }
    }

    private static String describe(List<Long> pids) {
        return pids.stream().map(p -> p + " " + ProcessHandle.of(p).flatMap(h -> h.info().commandLine()).orElse("?"))
                .collect(Collectors.joining("\n"));
    }

    private Path suite(String workloads, String environments) throws Exception {
        StringBuilder hs = new StringBuilder("hosts:\n");
        for (SshdHosts.Node n : hosts.nodes()) {
            hs.append("  - {name: h").append(n.index()).append(", address: ").append(n.address()).append(", port: ").append(n.port())
                    .append(", user: root, key: ").append(hosts.clientKey()).append("}\n");
        }
        Path f = dir.resolve("fleet.yaml");
        Files.writeString(f, "name: fleet-it\nbaseline: native\nseed: 3\n" + hs + workloads + environments);
        return f;
    }

    private static List<String> imagesLabelled(String label) throws Exception {
        Process p = new ProcessBuilder("docker", "images", "-q", "--filter", "label=" + label).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    private static List<String> containersOf(String runId) throws Exception {
        Process p = new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=isobench.run=" + runId).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> fleet(RunRecord r) {
        return (Map<String, Map<String, Object>>) r.host().get("fleet");
    }

    @Test
    void twoHostsRunNativeAndDockerIntoOneReport() throws Exception {
        Path suite = suite("repetition: {warmup: 0, iterations: 2}\nworkloads:\n  - {name: hash, params: {size: 4M}}\n",
                "environments:\n  - native\n  - {name: docker, variants: [{image: small, network: none}]}\n");
        Path results = dir.resolve("results");
        Cli c = Cli.run("run", "--suite", suite.toString(), "--known-hosts", hosts.knownHosts().toString(), "--results", results.toString());
        assertThat(c.exit()).as(c.all()).isZero();
        Path runDir;
        try (var s = Files.list(results)) {
            runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        RunDirectory rd = RunDirectory.open(runDir);
        List<Sample> samples = rd.readSamples();
        // every sample is tagged with its host and carries the controller's run id; both hosts measured both environments
        assertThat(samples).allSatisfy(s -> assertThat(s.host()).isIn("h0", "h1"));
        assertThat(samples).allSatisfy(s -> assertThat(s.run()).isEqualTo(rd.id()));
        for (String h : List.of("h0", "h1")) {
            Set<String> envs = samples.stream().filter(s -> h.equals(s.host())).map(Sample::environment).collect(Collectors.toSet());
            assertThat(envs).as("environments measured on %s", h).containsExactlyInAnyOrder("native", "docker");
        }
        // the samples were measured inside each host's namespace: the agent there saw that host's address? its hostname is shared,
        // so check instead where each host's run folder is: in that host's own cache folder
        RunRecord r = rd.readRecord();
        assertThat(r.trials()).extracting(TrialRecord::id).allSatisfy(id -> assertThat(id).matches("h[01]/.+"));
        assertThat(r.trials()).extracting(TrialRecord::status).containsOnly(TrialStatus.DONE);
        for (SshdHosts.Node n : hosts.nodes()) {
            Map<String, Object> f = fleet(r).get("h" + n.index());
            assertThat((String) f.get("remote_run")).startsWith(n.cache().toString() + "/isobench/remote/runs/" + rd.id());
            assertThat(Path.of((String) f.get("remote_run")).resolve("samples.jsonl")).exists();
            assertThat(containersOf(Path.of((String) f.get("remote_run")).getFileName().toString())).isEmpty();
        }
        // the report has a host dimension: the cross-host table, then each host's section
        assertThat(c.out()).contains("across hosts").contains("######## host h0").contains("######## host h1");
        String html = Files.readString(runDir.resolve("report.html"));
        assertThat(html).contains("Across hosts").contains("id=\"host-h0\"").contains("id=\"host-h1\"");
        String table = html.substring(html.indexOf("<table class=\"across-hosts\">"), html.indexOf("</table>", html.indexOf("across-hosts")));
        assertThat(table).contains("<th>h0</th>").contains("<th>h1</th>").contains("docker");
        // isobench report reads it again the same way
        Cli again = Cli.run("report", runDir.toString(), "--format", "console");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).contains("across hosts").contains("h0").contains("h1");
    }

    @Test
    void aHostKilledMidRunFailsOnlyItsTrials() throws Exception {
        Path suite = suite("repetition: {warmup: 0, iterations: 60}\nworkloads:\n  - {name: hash, params: {size: 64M}}\n",
                "environments:\n  - native\n");
        Path results = dir.resolve("results");
        Cli[] done = new Cli[1];
        Thread t = Thread.ofPlatform().start(() -> done[0] = Cli.run("run", "--suite", suite.toString(), "--known-hosts",
                hosts.knownHosts().toString(), "--results", results.toString(), "--host-silence", "30s"));
        // wait until host 1 has streamed samples back, then kill everything in its namespace
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        boolean streaming = false;
        while (!streaming && System.nanoTime() < until && t.isAlive()) {
            Thread.sleep(300);
            Path runDir = Files.isDirectory(results) ? Files.list(results).filter(Files::isDirectory).findFirst().orElse(null) : null;
            if (runDir != null && Files.exists(runDir.resolve("samples.jsonl"))) {
                streaming = Files.readAllLines(runDir.resolve("samples.jsonl")).stream().anyMatch(l -> l.contains("\"host\":\"h1\""));
            }
        }
        assertThat(streaming).as("host h1 streamed samples before it was killed").isTrue();
        hosts.kill(1);
        t.join(TimeUnit.MINUTES.toMillis(10));
        assertThat(t.isAlive()).isFalse();
        Cli c = done[0];
        assertThat(c.exit()).as(c.all()).isEqualTo(Main.TRIALS_FAILED);
        Path runDir = Files.list(results).filter(Files::isDirectory).findFirst().orElseThrow();
        RunRecord r = RunDirectory.open(runDir).readRecord();
        List<TrialRecord> h0 = r.trials().stream().filter(x -> x.id().startsWith("h0/")).toList();
        List<TrialRecord> h1 = r.trials().stream().filter(x -> x.id().startsWith("h1/")).toList();
        assertThat(h0).isNotEmpty().extracting(TrialRecord::status).containsOnly(TrialStatus.DONE);
        assertThat(h1).isNotEmpty().extracting(TrialRecord::status).contains(TrialStatus.FAILED);
        assertThat(h1).filteredOn(x -> x.status() == TrialStatus.FAILED).allSatisfy(x -> assertThat(x.failure()).startsWith("host h1: "));
        assertThat(fleet(r).get("h1").get("status")).isEqualTo("failed");
        assertThat(fleet(r).get("h0").get("status")).isEqualTo("done");
        // what h1 measured before it died is kept, and h0 finished every iteration
        List<Sample> samples = RunDirectory.open(runDir).readSamples();
        assertThat(samples).anyMatch(s -> "h1".equals(s.host()));
        assertThat(h0).allSatisfy(x -> assertThat(x.iterationsDone()).isEqualTo(60));
        assertThat(c.out()).contains("host h1").contains("failed");
        // a host killed with SIGKILL cleans nothing up: its run's native data folder stays there, the
        // leftover finder that `doctor` uses names it by the remote run's id, and its remover (what
        // `doctor --clean` runs) takes it away, so the test leaves nothing on this machine either
        String remoteRun = java.nio.file.Path.of((String) fleet(r).get("h1").get("remote_run")).getFileName().toString();
        List<io.isobench.env.Leftover> left = io.isobench.env.HostLeftovers.folders(java.nio.file.Path.of("/var/tmp"), "native.*").stream()
                .filter(l -> l.runId().equals(remoteRun)).toList();
        assertThat(left).as("the killed host's native data folder, as doctor lists it").isNotEmpty();
        for (io.isobench.env.Leftover l : left) {
            l.remove().run();
        }
        assertThat(io.isobench.env.HostLeftovers.folders(java.nio.file.Path.of("/var/tmp"), "native.*"))
                .noneMatch(l -> l.runId().equals(remoteRun));
    }
}
