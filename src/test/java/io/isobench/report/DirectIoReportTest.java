package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.confound.Confound;
import io.isobench.confound.Plausibility;
import io.isobench.env.DirectIoPath;
import io.isobench.result.Direction;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the outputs say when an environment does not carry O_DIRECT to the host's storage: the
 * sandbox suite's runsc wrote "O_DIRECT" at 3x runc's rate because gVisor's gofer opens the host
 * file without O_DIRECT and the writes land in the host's page cache (bench/sandbox-blockio.md).
 * Such a figure is labelled the environment's own and questioned as no speed-up, even beside a
 * baseline of its own environment (runsc beside runc); a VM whose disk QEMU opens with O_DIRECT
 * carries it and is judged by the ordinary rule.
 */
class DirectIoReportTest {

    @TempDir
    Path tmp;

    private static final Map<String, Object> WRITE = Map.of("mode", "seq_write");
    private static final Map<String, Object> READ = Map.of("mode", "rand_read");
    private static final SyntheticRun.V RUNC = new SyntheticRun.V("docker", "docker",
            Map.of("network", "nat", "cpus", "none", "cpuset", "none", "runtime", "runc", "storage", "volume"), false);
    private static final SyntheticRun.V RUNSC = new SyntheticRun.V("docker[runsc_network=host,runtime=runsc]", "docker",
            Map.of("network", "nat", "cpus", "none", "cpuset", "none", "runtime", "runsc", "runsc_network", "host", "storage", "volume"), false);
    private static final SyntheticRun.V VM = new SyntheticRun.V("vm[disk=qcow2]", "vm", Map.of("disk", "qcow2", "tuning", "untuned"), true);
    private static final SyntheticRun.V VM_WRITEBACK = new SyntheticRun.V("vm[aio=threads,cache=writeback]", "vm",
            Map.of("cache", "writeback", "aio", "threads", "tuning", "untuned"), true);

    private static SyntheticRun directIo(SyntheticRun r, SyntheticRun.V v, boolean honoured) {
        return r.fact(v, "environment." + DirectIoPath.FACT, honoured ? DirectIoPath.HONOURED : DirectIoPath.NOT_HONOURED)
                .fact(v, "environment." + DirectIoPath.HOW_FACT, honoured ? "to the host's file as O_DIRECT requests" : "the page cache");
    }

    @Test
    void aSandboxWhoseODirectStopsInThePageCacheIsNoSpeedUpEvenBesideItsOwnEnvironment() throws Exception {
        SyntheticRun r = new SyntheticRun("20261206-200000-dio1", 21);
        directIo(r, RUNC, true);
        directIo(r, RUNSC, false);
        directIo(r, VM, true);
        r.metric("blockio", WRITE, RUNC, "throughput", Map.of(), 2119, 0.01, "MB/s", Direction.HIGHER, 4)
                .metric("blockio", WRITE, RUNSC, "throughput", Map.of(), 6451, 0.01, "MB/s", Direction.HIGHER, 4)
                .metric("blockio", WRITE, VM, "throughput", Map.of(), 3441, 0.01, "MB/s", Direction.HIGHER, 4)
                // slower under runsc: labelled, not questioned
                .metric("blockio", READ, RUNC, "throughput", Map.of(), 615, 0.01, "MB/s", Direction.HIGHER, 4)
                .metric("blockio", READ, RUNSC, "throughput", Map.of(), 225, 0.01, "MB/s", Direction.HIGHER, 4);
        ReportData data = ReportData.load(r.write(tmp), "docker");

        // the difference is the sandbox's own (gVisor cannot do otherwise), not something leaked in
        assertThat(data.confounds()).filteredOn(c -> c.fact().equals(DirectIoPath.PATH)).hasSize(2).allSatisfy(c -> {
            assertThat(c.variant()).isEqualTo(RUNSC.label());
            assertThat(c.confounds()).isFalse();
            assertThat(c.cause()).isEqualTo(Confound.Cause.ENVIRONMENT);
            assertThat(c.explanation()).contains("gofer").contains("without O_DIRECT");
            assertThat(c.baselineValue()).isEqualTo(DirectIoPath.HONOURED);
            assertThat(c.variantValue()).isEqualTo(DirectIoPath.NOT_HONOURED);
        });
        assertThat(data.confounded("blockio", WRITE, RUNSC.label())).isFalse();

        assertThat(data.questions()).extracting(Plausibility.Question::variant).containsExactlyInAnyOrder(RUNSC.label(), VM.label());
        assertThat(data.questions()).filteredOn(q -> q.variant().equals(RUNSC.label())).singleElement().satisfies(q -> {
            assertThat(q.params()).isEqualTo(WRITE);
            assertThat(q.note()).contains("3.0").contains("no speed-up").contains("not honoured").contains("page cache")
                    .contains(RUNSC.label() + "'s O_DIRECT").contains(DirectIoPath.EVIDENCE);
        });
        // the VM carries O_DIRECT to the host's file: the ordinary question, which names the caches to check
        assertThat(data.questions()).filteredOn(q -> q.variant().equals(VM.label())).singleElement()
                .satisfies(q -> assertThat(q.note()).doesNotContain("no speed-up").contains("cache"));

        String console = ConsoleReport.render(data);
        assertThat(console).contains("the environment's own: direct I/O to the host's storage: honoured (docker) vs not honoured ("
                + RUNSC.label() + ")").contains("? questioned: blockio throughput: " + RUNSC.label()).doesNotContain("! confounded");
    }

    @Test
    void aVmDiskBehindTheHostsPageCacheIsExplainedByItsCacheModeAndQuestioned() throws Exception {
        SyntheticRun r = new SyntheticRun("20261206-200000-dio2", 22);
        directIo(r, SyntheticRun.NATIVE, true);
        directIo(r, VM_WRITEBACK, false);
        // 5% faster, within the margin the ordinary rule allows: the facts say why, so no margin is needed
        r.metric("blockio", WRITE, SyntheticRun.NATIVE, "throughput", Map.of(), 2000, 0.005, "MB/s", Direction.HIGHER, 4)
                .metric("blockio", WRITE, VM_WRITEBACK, "throughput", Map.of(), 2100, 0.005, "MB/s", Direction.HIGHER, 4);
        ReportData data = ReportData.load(r.write(tmp), null);

        assertThat(data.confounds()).singleElement().satisfies(c -> {
            assertThat(c.cause()).isEqualTo(Confound.Cause.ENVIRONMENT);
            assertThat(c.explanation()).contains("cache=writeback");
        });
        assertThat(data.questions()).singleElement().satisfies(q -> assertThat(q.note()).contains("no speed-up")
                .contains(VM_WRITEBACK.label() + "'s O_DIRECT"));
    }

    @Test
    void whenBothCarryDirectIoOrARunPredatesTheFactNothingIsSaidAboutIt() throws Exception {
        SyntheticRun both = new SyntheticRun("20261206-200000-dio3", 23);
        directIo(both, RUNC, true);
        directIo(both, VM, true);
        both.metric("blockio", WRITE, RUNC, "throughput", Map.of(), 2000, 0.01, "MB/s", Direction.HIGHER, 4)
                .metric("blockio", WRITE, VM, "throughput", Map.of(), 1500, 0.01, "MB/s", Direction.HIGHER, 4);
        ReportData data = ReportData.load(both.write(tmp), "docker");
        assertThat(data.confounds()).isEmpty();
        assertThat(data.questions()).isEmpty();

        // a run recorded before the fact existed: only what was recorded is judged
        SyntheticRun old = new SyntheticRun("20261206-200000-dio4", 24);
        old.metric("blockio", WRITE, RUNC, "throughput", Map.of(), 2119, 0.01, "MB/s", Direction.HIGHER, 4)
                .metric("blockio", WRITE, RUNSC, "throughput", Map.of(), 6451, 0.01, "MB/s", Direction.HIGHER, 4);
        ReportData before = ReportData.load(old.write(tmp), "docker");
        assertThat(before.confounds()).isEmpty();
        assertThat(before.questions()).isEmpty();

        // the fact is compared for block I/O only: a CPU-bound workload does not care
        SyntheticRun cpu = new SyntheticRun("20261206-200000-dio5", 25);
        directIo(cpu, RUNC, true);
        directIo(cpu, RUNSC, false);
        cpu.metric("compress", Map.of(), RUNC, "throughput", Map.of(), 50, 0.01, "MB/s", Direction.HIGHER, 4)
                .metric("compress", Map.of(), RUNSC, "throughput", Map.of(), 49, 0.01, "MB/s", Direction.HIGHER, 4);
        assertThat(ReportData.load(cpu.write(tmp), "docker").confounds()).isEmpty();
    }
}
