package io.isobench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.result.Json;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import io.isobench.result.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real runs of the native environment: the agent is a real child JVM. */
class RunCommandTest {

    @TempDir
    Path tmp;

    private RunDirectory onlyRun() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("results"))) {
            List<Path> runs = s.toList();
            assertThat(runs).hasSize(1);
            return RunDirectory.open(runs.get(0));
        }
    }

    @Test
    void aNativeRunPrintsTheTableAndLeavesSamplesAndRunJson() throws Exception {
        Cli c = Cli.run("run", "--env", "native", "--workload", "hash", "-p", "hash.size=64K", "--iterations", "5",
                "--variant", "native.pin=none,0", "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isZero();
        assertThat(c.out()).contains("== hash").contains("native[pin=0]").contains("1 (baseline)").contains("MB/s");
        RunDirectory dir = onlyRun();
        RunRecord r = dir.readRecord();
        assertThat(r.status()).isEqualTo(RunStatus.COMPLETE);
        assertThat(r.commandLine()).contains("--workload", "hash");
        assertThat(r.host()).containsKeys("kernel", "cpus", "memory_bytes");
        assertThat(r.trials()).hasSize(2).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(TrialStatus.DONE);
            assertThat(t.iterationsDone()).isEqualTo(5);
            assertThat(t.warmupsDone()).isEqualTo(1);
        });
        List<Sample> samples = dir.readSamples();
        assertThat(samples).hasSize(12);
        assertThat(samples).filteredOn(Sample::warmup).hasSize(2);
        Sample s = samples.get(samples.size() - 1);
        assertThat(s.unit()).isEqualTo("MB/s");
        assertThat(s.params()).containsEntry("size", 65536);
        assertThat(s.metadata()).containsKeys("host", "inside", "environment", "workload");
        // the agent really ran in a child process: its pid differs from ours
        Object agentPid = ((java.util.Map<?, ?>) s.metadata().get("inside")).get("pid");
        assertThat(((Number) agentPid).longValue()).isNotEqualTo(ProcessHandle.current().pid());
        // the pinned variant's agent saw exactly CPU 0 allowed
        String pinnedLine = Files.readAllLines(dir.samples()).stream().filter(l -> l.contains("\"variant\":\"native[pin=0]\"")).findFirst().orElseThrow();
        assertThat(Json.mapper().readTree(pinnedLine).at("/metadata/environment/pinned_cpus").asText()).isEqualTo("0");
        assertThat(Json.mapper().readTree(pinnedLine).at("/metadata/inside/cpus").asInt()).isEqualTo(1);
        // report reads the folder alone
        Cli report = Cli.run("report", dir.path().toString());
        assertThat(report.exit()).isZero();
        assertThat(report.out()).contains("== hash").contains("native[pin=0]");
    }

    @Test
    void anAgentThatDiesFailsItsTrialAndKeepsTheRest() throws Exception {
        Cli c = Cli.run("run", "--env", "native", "--workload", "test_constant,test_exit", "--iterations", "2", "--warmup", "0",
                "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isEqualTo(Main.TRIALS_FAILED);
        assertThat(c.out()).contains("Failed trials").contains("test_exit").contains("exited");
        RunDirectory dir = onlyRun();
        RunRecord r = dir.readRecord();
        assertThat(r.status()).isEqualTo(RunStatus.INCOMPLETE);
        assertThat(r.trials()).filteredOn(t -> t.workload().equals("test_exit")).singleElement()
                .satisfies(t -> {
                    assertThat(t.status()).isEqualTo(TrialStatus.FAILED);
                    assertThat(t.failure()).contains("lost twice").contains("exited with status 7").contains("halting the agent");
                    // the first iteration was tried twice, each time on a fresh agent, and both losses are on record
                    assertThat(t.lost()).hasSize(2).allSatisfy(l -> {
                        assertThat(l.iteration()).isEqualTo(1);
                        assertThat(l.reason()).contains("died while answering 'run'").contains("exited with status 7");
                    });
                });
        // the constant trial was measured in full, on a fresh agent where needed
        assertThat(r.trials()).filteredOn(t -> t.workload().equals("test_constant")).singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo(TrialStatus.DONE));
        assertThat(dir.readSamples()).filteredOn(s -> s.workload().equals("test_constant")).hasSize(4);
    }

    @Test
    void anIterationWhoseAgentDiesIsRetriedOnAFreshAgentAndTheTrialPasses() throws Exception {
        Path once = tmp.resolve("died-once");
        Cli c = Cli.run("run", "--env", "native", "--workload", "test_exit", "-p", "test_exit.once=" + once, "--iterations", "3",
                "--warmup", "0", "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isZero();
        assertThat(c.out()).contains("Iterations lost");
        RunDirectory dir = onlyRun();
        assertThat(dir.readRecord().trials()).singleElement().satisfies(t -> {
            assertThat(t.status()).isEqualTo(TrialStatus.DONE);
            assertThat(t.iterationsDone()).isEqualTo(3);
            assertThat(t.lost()).singleElement().satisfies(l -> {
                assertThat(l.iteration()).isEqualTo(1);
                assertThat(l.warmup()).isFalse();
                assertThat(l.reason()).contains("exited with status 7");
            });
        });
        // each iteration measured once: the lost one left nothing behind, its retry counts
        assertThat(dir.readSamples()).extracting(s -> s.iteration()).containsExactlyInAnyOrder(1, 2, 3);
        // neither the dead agent nor its replacement is left running
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
    }

    @Test
    void aJvmCrashIsNamedFromItsReportWhichIsKeptWithTheRunsLogs() throws Exception {
        Cli c = Cli.run("run", "--env", "native", "--workload", "test_crash", "--iterations", "1", "--warmup", "0",
                "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isEqualTo(Main.TRIALS_FAILED);
        RunDirectory dir = onlyRun();
        List<Path> reports;
        try (Stream<Path> s = Files.list(dir.logs())) {
            reports = s.filter(p -> p.getFileName().toString().matches("agent-native-hs_err_pid\\d+\\.log")).toList();
        }
        // the crash and its retry: two agents, two reports, none in the folder isobench was started from
        assertThat(reports).hasSize(2);
        assertThat(dir.readRecord().trials()).singleElement().satisfies(t -> {
            assertThat(t.status()).isEqualTo(TrialStatus.FAILED);
            assertThat(t.lost()).hasSize(2).allSatisfy(l -> assertThat(l.reason()).contains("aborted by SIGABRT (status 134)")
                    .contains("JVM crash: SIGSEGV").contains("problematic frame: C  [libc.so.6").doesNotContain("://")
                    .contains("hs_err_pid"));
        });
    }

    @Test
    void aFailingWorkloadFailsOnlyItsTrial() throws Exception {
        Cli c = Cli.run("run", "--env", "native", "--workload", "test_fail,test_constant", "--iterations", "2",
                "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).isEqualTo(Main.TRIALS_FAILED);
        assertThat(c.out()).contains("verification failed on purpose");
        assertThat(onlyRun().readSamples()).filteredOn(s -> !s.warmup()).hasSize(4);
    }

    @Test
    void aServerSideRunsInsideAndIsDrivenFromTheHost() throws Exception {
        Cli c = Cli.run("run", "--env", "native", "--workload", "test_echo", "--iterations", "2", "--warmup", "0",
                "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isZero();
        List<Sample> samples = onlyRun().readSamples();
        // what the host drove is what the server inside counted
        for (int it = 1; it <= 2; it++) {
            int i = it;
            double driven = samples.stream().filter(s -> s.iteration() == i && s.metric().equals("round_trips")).findFirst().orElseThrow().value();
            double served = samples.stream().filter(s -> s.iteration() == i && s.metric().equals("served")).findFirst().orElseThrow().value();
            assertThat(served).isEqualTo(driven);
        }
        assertThat(samples.get(0).metadata().get("workload").toString()).contains("loopback");
    }

    @Test
    void adaptiveModeStopsWhenTheIntervalIsNarrowAndAtTheCapOtherwise() throws Exception {
        Cli c = Cli.run("run", "--env", "native", "--workload", "test_constant,test_noise", "--iterations", "3", "--warmup", "0",
                "--target", "0.01", "--max-iterations", "8", "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isZero();
        RunRecord r = onlyRun().readRecord();
        // a constant converges as soon as a trial may stop on its interval (five iterations, past the
        // minimum of three); 30% noise cannot reach 1% in 8 iterations
        assertThat(r.trials()).filteredOn(t -> t.workload().equals("test_constant")).singleElement()
                .satisfies(t -> assertThat(t.iterationsDone()).isEqualTo(5));
        assertThat(r.trials()).filteredOn(t -> t.workload().equals("test_noise")).singleElement()
                .satisfies(t -> assertThat(t.iterationsDone()).isEqualTo(8));
    }

    @Test
    void dryRunPrintsThePlanAndRunsNothing() {
        Cli c = Cli.run("run", "--env", "native", "--workload", "hash", "-p", "hash.threads=1,2", "--dry-run",
                "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isZero();
        assertThat(c.out()).contains("plan: 2 trials").contains("t001").contains("t002").contains("threads=2");
        assertThat(tmp.resolve("results")).doesNotExist();
    }

    @Test
    void theQuickSuitesPlanSaysItsTimeBudgetAndRepetitionFlagsReachEveryWorkload() throws Exception {
        Cli c = Cli.run("run", "--env", "native", "--dry-run", "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isZero();
        assertThat(c.out()).contains("in adaptive mode, within a time budget of 9m15s");
        // -n past a workload's own maximum raises that maximum with it; --budget replaces the suite's
        Path suite = tmp.resolve("own.yaml");
        Files.writeString(suite, """
                name: own
                repetition: {warmup: 0, iterations: 2, target: 0.05, max: 4}
                workloads:
                  - {name: hash, repetition: {iterations: 3, max: 6}}
                environments: [native]
                """);
        Cli more = Cli.run("run", "--suite", suite.toString(), "-n", "8", "--budget", "2m", "--dry-run",
                "--results", tmp.resolve("results").toString());
        assertThat(more.exit()).as(more.all()).isZero();
        assertThat(more.out()).contains("plan: 1 trials").contains("8 iterations (up to 8 in adaptive mode, within a time budget of 2m00s)");
        Cli bad = Cli.run("run", "--suite", suite.toString(), "--budget", "soon", "--dry-run");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("--budget soon: write a positive duration, e.g. --budget 9m");
    }

    @Test
    void envPicksEnvironmentsOfTheSuiteAndKeepsTheirVariants() throws Exception {
        Path suite = tmp.resolve("pins.yaml");
        Files.writeString(suite, """
                name: pins
                workloads: [hash]
                environments:
                  - {name: native, variants: [{pin: none}, {pin: "0"}]}
                  - {name: docker, variants: [{network: host}]}
                """);
        Cli c = Cli.run("run", "--suite", suite.toString(), "--env", "native", "--dry-run", "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isZero();
        // the suite's second native variant survives --env, and what --env dropped is said
        assertThat(c.out()).contains("native[pin=0]").contains("plan: 2 trials").contains("--env leaves out docker of suite 'pins'");
    }

    @Test
    void workloadPicksWorkloadsOfTheSuiteAndKeepsTheirParameters() throws Exception {
        Path suite = tmp.resolve("params.yaml");
        Files.writeString(suite, """
                name: params
                workloads:
                  - {name: hash, params: {size: 64K, threads: [1, 2]}}
                  - {name: syscall, params: {count: 1000}}
                  - stream
                environments:
                  - {name: native}
                """);
        Cli c = Cli.run("run", "--suite", suite.toString(), "--workload", "hash,tcp_rr", "--dry-run",
                "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isZero();
        // hash keeps the suite's size and both thread counts; syscall and stream are left out, and said so
        assertThat(c.out()).contains("plan: 3 trials").contains("size=65536 threads=1").contains("size=65536 threads=2")
                .doesNotContainPattern("t\\d+  syscall ").doesNotContainPattern("t\\d+  stream ");
        assertThat(c.all()).contains("--workload leaves out syscall, stream of suite 'params'")
                .contains("--workload tcp_rr: suite 'params' does not name it; it runs with its default parameters");
        // -p still overrides what the suite gives
        Cli p = Cli.run("run", "--suite", suite.toString(), "--workload", "hash", "-p", "hash.threads=3", "--dry-run",
                "--results", tmp.resolve("results").toString());
        assertThat(p.exit()).as(p.all()).isZero();
        assertThat(p.out()).contains("plan: 1 trials").contains("size=65536 threads=3");
    }

    @Test
    void theAgentStartsWithIsobenchsEnvironmentNotTheShells() throws Exception {
        Cli c = Cli.run("run", "--env", "native", "--workload", "hash", "-p", "hash.size=64K", "--iterations", "1", "--warmup", "0",
                "--results", tmp.resolve("results").toString());
        assertThat(c.exit()).as(c.all()).isZero();
        RunDirectory dir = onlyRun();
        RunRecord r = dir.readRecord();
        assertThat(r.agentEnvironment()).containsKeys("variables", "passed_through", "left_behind");
        @SuppressWarnings("unchecked")
        java.util.Map<String, String> vars = (java.util.Map<String, String>) r.agentEnvironment().get("variables");
        assertThat(vars).isEqualTo(io.isobench.agent.AgentEnvironment.BASE);
        // what the agent saw: exactly the base set's influential variables, whatever this test's shell sets
        Sample s = dir.readSamples().get(0);
        Object seen = ((java.util.Map<?, ?>) s.metadata().get("inside")).get("agent_env");
        assertThat(seen).isEqualTo(java.util.Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8", "TZ", "UTC"));
        // a variable of this shell that changes workloads is named in the run's notes, once
        java.util.Map<String, String> shell = io.isobench.agent.AgentEnvironment.invokingShell();
        boolean leaks = shell.keySet().stream().anyMatch(k -> io.isobench.agent.AgentEnvironment.influential(k)
                && !shell.get(k).equals(io.isobench.agent.AgentEnvironment.BASE.get(k)));
        assertThat(r.warnings().stream().filter(w -> w.contains("--pass-env")).count()).isEqualTo(leaks ? 1 : 0);
    }

    @Test
    void listAndDoctorDescribeWhatCanRun() {
        Cli list = Cli.run("list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("hash").contains("size (size)").contains("native").contains("pin").contains("quick");
        Cli doctor = Cli.run("doctor");
        assertThat(doctor.out()).contains("native").contains("ok");
        Cli help = Cli.run("--help");
        assertThat(help.out()).contains("run").contains("report").doesNotContain("agent");
        // every subcommand answers -h and --help with its own usage, exit 0
        for (String cmd : List.of("run", "report", "compare", "list", "doctor", "image")) {
            for (String flag : List.of("-h", "--help")) {
                Cli h = Cli.run(cmd, flag);
                assertThat(h.exit()).as(cmd + " " + flag + ": " + h.all()).isZero();
                assertThat(h.out()).as(cmd + " " + flag).contains("Usage: isobench " + cmd);
            }
        }
        Cli sub = Cli.run("image", "build", "-h");
        assertThat(sub.exit()).as(sub.all()).isZero();
        assertThat(sub.out()).contains("Usage: isobench image build");
    }

    @Test
    void theClientFlagPlacesTheLoadAndBadValuesAreRefusedBeforeAnythingRuns() {
        Cli local = Cli.run("run", "--env", "native", "--workload", "tcp_rr", "--client", "local", "--dry-run",
                "--results", tmp.resolve("results").toString());
        assertThat(local.exit()).as(local.all()).isZero();
        assertThat(local.out()).contains("load of server workloads: local").contains("client=local");
        Cli link = Cli.run("run", "--env", "native", "--workload", "tcp_rr", "--client", "local", "--set", "client.link=1gbit",
                "--dry-run", "--results", tmp.resolve("results").toString());
        assertThat(link.exit()).as(link.all()).isEqualTo(2);
        assertThat(link.all()).contains("client=netns");
        Cli bad = Cli.run("run", "--env", "native", "--workload", "tcp_rr", "--client", "moon", "--dry-run",
                "--results", tmp.resolve("results").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.all()).contains("--client").contains("netns");
        // no server workload: nothing about the load's place is said
        Cli none = Cli.run("run", "--env", "native", "--workload", "hash", "--dry-run", "--results", tmp.resolve("results").toString());
        assertThat(none.out()).doesNotContain("load of server workloads");
        assertThat(tmp.resolve("results")).doesNotExist();
    }
}
