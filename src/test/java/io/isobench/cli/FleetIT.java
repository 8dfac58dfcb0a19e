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
                assertOnlySshdLeft(i);
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

    /** Nothing isobench started is still running in host i's namespace: its sshd is the one process there. */
    private void assertOnlySshdLeft(int i) throws Exception {
        assertThat(hosts.processesBesidesSshd(i)).as("processes left in host %d's namespace", i).isEmpty();
    }

    private Path suite(String workloads, String environments) throws Exception {
        return suite(workloads, environments, "");
    }

    private Path suite(String workloads, String environments, String moreHosts) throws Exception {
        StringBuilder hs = new StringBuilder("hosts:\n");
        for (SshdHosts.Node n : hosts.nodes()) {
            hs.append("  - {name: h").append(n.index()).append(", address: ").append(n.address()).append(", port: ").append(n.port())
                    .append(", user: root, key: ").append(hosts.clientKey()).append("}\n");
        }
        hs.append(moreHosts);
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
            // its samples are all back here: the host's run folder there is removed, and run.json says so
            assertThat(Path.of((String) f.get("remote_run"))).doesNotExist();
            assertThat(f.get("remote_run_removed")).isEqualTo(true);
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

    private static Path runFolder(Path results) throws Exception {
        if (!Files.isDirectory(results)) {
            return null;
        }
        try (var s = Files.list(results)) {
            return s.filter(d -> Files.exists(d.resolve(RunDirectory.RUN))).findFirst().orElse(null);
        }
    }

    private static RunRecord recordOrNull(Path run) {
        try {
            return run == null ? null : RunDirectory.open(run).readRecord();
        } catch (Exception e) {
            return null; // not written yet, or being replaced
        }
    }

    /** The id of host h's own run there (the name of its run folder), once it said it. */
    private static String remoteRunId(RunRecord r, String h) {
        Map<String, Object> f = r == null || r.host() == null || fleet(r) == null ? null : fleet(r).get(h);
        return f == null || f.get("remote_run") == null ? null : Path.of((String) f.get("remote_run")).getFileName().toString();
    }

    private String target(int i) {
        SshdHosts.Node n = hosts.nodes().get(i);
        return "root@" + n.address() + ":" + n.port();
    }

    /** isobench doctor --host, over SSH, for what one run left there. */
    private Cli doctorThere(int i, String runId) {
        return Cli.run("doctor", "--host", target(i), "--ssh-key", hosts.clientKey().toString(), "--known-hosts",
                hosts.knownHosts().toString(), "--run", runId);
    }

    /** The key of one measured figure: measured twice, it would show up twice. */
    private static String figure(Sample s) {
        return s.host() + "|" + s.trial() + "|" + s.warmup() + "|" + s.iteration() + "|" + s.metric() + "|" + s.labels();
    }

    /**
     * The controller, a process of its own, gets SIGINT (what Ctrl-C sends) while both hosts run
     * native and docker iterations: it ends with 130 and the resume command, and on every host
     * nothing of its run is left (no process in the host's namespace but its sshd, no container,
     * and {@code isobench doctor --host ... --run} there finds nothing). Then {@code --resume}
     * continues each host's own run where it stopped: the same run folder there, every iteration
     * measured exactly once, nothing measured before the interrupt lost or sent twice.
     */
    @Test
    void ctrlCOfTheControllerRemovesEverythingOnEveryHostAndResumeContinuesEachWhereItStopped() throws Exception {
        int iterations = 8;
        Path suite = suite("repetition: {warmup: 0, iterations: " + iterations + "}\nworkloads:\n  - {name: hash, params: {size: 8M, passes: 12}}\n",
                "environments:\n  - native\n  - {name: docker, variants: [{image: small, network: none}]}\n");
        Path results = dir.resolve("results");
        Path log = dir.resolve("controller.log");
        // the controller as a person runs it, a process of its own (the jar this build made, on this JVM)
        Process controller = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target", "isobench.jar").toAbsolutePath().toString(), "run", "--suite", suite.toString(), "--known-hosts",
                hosts.knownHosts().toString(), "--results", results.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path runDir = null;
        Map<String, String> remote = new java.util.HashMap<>();
        try {
            // the moment: both hosts have streamed samples back and each has a container of its run
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            while (true) {
                assertThat(controller.isAlive()).as("the controller ended before the moment:\n" + Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("the moment did not come:\n" + Files.readString(log)).isLessThan(until);
                runDir = runFolder(results);
                RunRecord r = recordOrNull(runDir);
                boolean ready = r != null;
                for (String h : List.of("h0", "h1")) {
                    String id = remoteRunId(r, h);
                    ready &= id != null && !containersOf(id).isEmpty();
                    if (id != null) {
                        remote.put(h, id);
                    }
                }
                if (ready) {
                    List<Sample> got = RunDirectory.open(runDir).readSamples();
                    ready = got.stream().anyMatch(x -> "h0".equals(x.host())) && got.stream().anyMatch(x -> "h1".equals(x.host()));
                }
                if (ready) {
                    break;
                }
                Thread.sleep(300);
            }
            SshdHosts.run("kill", "-INT", Long.toString(controller.pid()));
            assertThat(controller.waitFor(4, TimeUnit.MINUTES)).as("the controller ended after SIGINT:\n" + Files.readString(log)).isTrue();
        } finally {
            if (controller.isAlive()) {
                controller.descendants().forEach(ProcessHandle::destroyForcibly);
                controller.destroyForcibly();
            }
        }
        String said = Files.readString(log);
        assertThat(controller.exitValue()).as(said).isEqualTo(130);
        assertThat(said).contains("resume with:").contains("isobench run --resume " + runDir);
        RunDirectory rd = RunDirectory.open(runDir);
        RunRecord stopped = rd.readRecord();
        assertThat(stopped.status()).isEqualTo(io.isobench.result.RunStatus.INCOMPLETE);
        assertThat(stopped.stopReason()).contains("interrupted (Ctrl-C)");
        assertThat(stopped.trials()).anyMatch(t -> t.status() != TrialStatus.DONE);
        for (int i = 0; i < 2; i++) {
            String h = "h" + i;
            assertThat(fleet(stopped).get(h).get("status")).as("%s after the interrupt", h).isEqualTo("interrupted");
            assertOnlySshdLeft(i);
            assertThat(containersOf(remote.get(h))).as("containers of %s's run; its log:\n%s", h,
                    Files.readString(runDir.resolve("logs").resolve("host-" + h + ".log"))).isEmpty();
            Cli doctor = doctorThere(i, remote.get(h));
            assertThat(doctor.out()).as(doctor.all()).contains("leftovers: none");
        }
        List<Sample> before = rd.readSamples();
        assertThat(before).extracting(FleetIT::figure).doesNotHaveDuplicates();

        Cli resumed = Cli.run("run", "--resume", runDir.toString(), "--known-hosts", hosts.knownHosts().toString());
        assertThat(resumed.exit()).as(resumed.all()).isZero();
        RunRecord done = rd.readRecord();
        assertThat(done.status()).isEqualTo(io.isobench.result.RunStatus.COMPLETE);
        for (String h : List.of("h0", "h1")) {
            // each host went on in its own run folder there, not a new one
            assertThat(remoteRunId(done, h)).as("%s's run there", h).isEqualTo(remote.get(h));
            assertThat(fleet(done).get(h).get("status")).isEqualTo("done");
            assertThat(Path.of((String) fleet(done).get(h).get("remote_run"))).as("%s's run folder there, once done", h).doesNotExist();
        }
        assertThat(done.trials()).isNotEmpty().allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(TrialStatus.DONE);
            assertThat(t.iterationsDone()).as(t.id()).isEqualTo(iterations);
        });
        assertThat(done.trials()).extracting(TrialRecord::id).anyMatch(id -> id.startsWith("h0/")).anyMatch(id -> id.startsWith("h1/"));
        List<Sample> after = rd.readSamples();
        assertThat(after).extracting(FleetIT::figure).doesNotHaveDuplicates();
        assertThat(after.stream().map(FleetIT::figure).toList()).containsAll(before.stream().map(FleetIT::figure).toList());
        // every iteration of every trial on every host measured, once
        for (TrialRecord t : done.trials()) {
            String h = t.id().substring(0, t.id().indexOf('/'));
            String trial = t.id().substring(t.id().indexOf('/') + 1);
            Set<Integer> its = after.stream().filter(x -> h.equals(x.host()) && trial.equals(x.trial()) && !x.warmup())
                    .map(Sample::iteration).collect(Collectors.toSet());
            assertThat(its).as("iterations of %s", t.id()).hasSize(iterations);
        }
    }

    /**
     * A host that goes silent (its isobench stopped with SIGSTOP: the connection stays up, nothing
     * comes) is marked failed with the reason once --host-silence has passed, while the other host
     * goes on to the end; its run there is stopped (the stopped process is gone) and leaves nothing.
     */
    @Test
    void aSilentHostIsFailedAndItsRunStoppedWhileTheOtherGoesOn() throws Exception {
        // and a third host that never answers: an address on the test's bridge where no machine is
        String nowhere = hosts.gateway().substring(0, hosts.gateway().lastIndexOf('.')) + ".99";
        Path suite = suite("repetition: {warmup: 0, iterations: 40}\nworkloads:\n  - {name: hash, params: {size: 64M, passes: 8}}\n",
                "environments:\n  - native\n", "  - {name: gone, address: " + nowhere + ", user: root, key: " + hosts.clientKey() + "}\n");
        Path results = dir.resolve("results");
        Cli[] done = new Cli[1];
        Thread t = Thread.ofPlatform().start(() -> done[0] = Cli.run("run", "--suite", suite.toString(), "--known-hosts",
                hosts.knownHosts().toString(), "--results", results.toString(), "--host-silence", "8s"));
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        long silenced = -1;
        Path runDir = null;
        while (silenced < 0 && System.nanoTime() < until && t.isAlive()) {
            Thread.sleep(200);
            runDir = runFolder(results);
            if (runDir != null && Files.exists(runDir.resolve("samples.jsonl"))
                    && RunDirectory.open(runDir).readSamples().stream().anyMatch(x -> "h1".equals(x.host()))) {
                for (long pid : hosts.pids(1)) {
                    String cmd = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
                    if (cmd.contains("isobench.jar run ") && cmd.contains("--stream-samples")) {
                        SshdHosts.run("kill", "-STOP", Long.toString(pid));
                        silenced = pid;
                    }
                }
            }
        }
        assertThat(silenced).as("host h1's isobench was found running and stopped").isPositive();
        // the moment h1 is marked failed, h0 is still at work
        String h0WhenH1Failed = null;
        while (t.isAlive() && h0WhenH1Failed == null) {
            RunRecord r = recordOrNull(runDir);
            if (r != null && fleet(r) != null && fleet(r).get("h1") != null && "failed".equals(fleet(r).get("h1").get("status"))) {
                h0WhenH1Failed = (String) fleet(r).get("h0").get("status");
            }
            Thread.sleep(100);
        }
        t.join(TimeUnit.MINUTES.toMillis(10));
        assertThat(t.isAlive()).isFalse();
        Cli c = done[0];
        assertThat(c.exit()).as(c.all()).isEqualTo(Main.TRIALS_FAILED);
        assertThat(h0WhenH1Failed).as("h0's state when h1 was marked failed").isEqualTo("running");
        RunRecord r = RunDirectory.open(runDir).readRecord();
        Map<String, Object> h1 = fleet(r).get("h1");
        assertThat(h1.get("status")).isEqualTo("failed");
        assertThat((String) h1.get("reason")).contains("no word from the host").contains("stopped with SIGTERM");
        assertThat(r.trials().stream().filter(x -> x.id().startsWith("h1/")).toList()).isNotEmpty()
                .extracting(TrialRecord::status).contains(TrialStatus.FAILED);
        assertThat(r.trials().stream().filter(x -> x.id().startsWith("h0/")).toList()).isNotEmpty()
                .allSatisfy(x -> assertThat(x.iterationsDone()).isEqualTo(40));
        assertThat(fleet(r).get("h0").get("status")).isEqualTo("done");
        // the host that never answered is in the report as failed, with why
        assertThat(fleet(r).get("gone").get("status")).isEqualTo("failed");
        assertThat(c.out()).containsPattern("gone\\s+root@" + java.util.regex.Pattern.quote(nowhere) + "\\s+FAILED, 0 samples: .*" + nowhere);
        assertThat(Files.readString(runDir.resolve("report.html"))).contains("<td>gone</td>").contains("class=\"failed\"");
        // the silenced process is gone, and its run left nothing there
        long pid = silenced;
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the silenced isobench %d", pid).isFalse();
        assertOnlySshdLeft(1);
        Cli doctor = doctorThere(1, remoteRunId(r, "h1"));
        assertThat(doctor.out()).as(doctor.all()).contains("leftovers: none");
    }
}
