package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.confound.Confound;
import io.isobench.result.Direction;
import io.isobench.result.RunDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The confound detector fed whole runs, as {@code report} reads them, and what every output says:
 * a difference leaked from outside (the run that reported Docker's LINPACK 1.4x faster than
 * native: the invoking shell's OPENBLAS_CORETYPE reached the native agent only), a difference the
 * environment itself causes (an untuned VM's CPU model makes OpenBLAS pick older kernels: the
 * study's untuned-KVM effect), and no difference at all.
 */
class ConfoundReportTest {

    @TempDir
    Path tmp;

    private static final Map<String, Object> PARAMS = Map.of("n", 3000);
    private static final SyntheticRun.V VM_UNTUNED = new SyntheticRun.V("vm", "vm", Map.of("tuning", "untuned", "vcpus", "2"), false);
    private static final SyntheticRun.V DOCKER = new SyntheticRun.V("docker", "docker",
            Map.of("network", "nat", "cpus", "none", "cpuset", "none", "runtime", "runc"), false);

    /** The facts of a 2-CPU AVX-512 host, as every agent on it reads them unless something differs. */
    private static SyntheticRun sameSoftware(SyntheticRun r, SyntheticRun.V v) {
        return r.fact(v, "inside.jvm", "Eclipse Adoptium 25.0.1+8")
                .fact(v, "inside.jvm_flags", "-XX:+UseParallelGC -Xss4m")
                .fact(v, "inside.cpu_model", "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz")
                .fact(v, "inside.cpu_isa", "avx512f avx2 fma avx sse4_2 ssse3 sse3")
                .fact(v, "inside.cpus", 2)
                .fact(v, "inside.page_size", 4096)
                .fact(v, "inside.thp", "madvise")
                .fact(v, "inside.agent_env", Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8", "TZ", "UTC"))
                .fact(v, "workload.blas_kind", "native")
                .fact(v, "workload.openblas_corename", "Cooperlake")
                .fact(v, "workload.threads_effective", 2);
    }

    private ReportData leaked() throws Exception {
        SyntheticRun r = new SyntheticRun("20261130-100000-leak", 3);
        sameSoftware(r, SyntheticRun.NATIVE);
        sameSoftware(r, DOCKER);
        // what the native agent inherited from the shell, and what OpenBLAS did with it
        r.fact(SyntheticRun.NATIVE, "inside.agent_env", Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8", "TZ", "UTC",
                        "OPENBLAS_CORETYPE", "Haswell"))
                .fact(SyntheticRun.NATIVE, "workload.openblas_corename", "Haswell")
                .fact(SyntheticRun.NATIVE, "workload.openblas_coretype_forced", "Haswell (OPENBLAS_CORETYPE)");
        r.metric("linpack", PARAMS, SyntheticRun.NATIVE, "gflops", Map.of(), 94, 0.01, "GFLOPS", Direction.HIGHER, 3)
                .metric("linpack", PARAMS, DOCKER, "gflops", Map.of(), 134, 0.01, "GFLOPS", Direction.HIGHER, 3);
        return ReportData.load(r.write(tmp), null);
    }

    @Test
    void aVariableLeakedIntoTheBaselineConfoundsTheRatioInEveryOutput() throws Exception {
        ReportData data = leaked();

        List<Confound> found = data.confounds();
        assertThat(found).extracting(Confound::label).containsExactlyInAnyOrder("OpenBLAS kernels", "OPENBLAS_CORETYPE");
        assertThat(found).allMatch(Confound::confounds).allMatch(c -> c.variant().equals("docker"));
        Confound kernels = found.stream().filter(c -> c.label().equals("OpenBLAS kernels")).findFirst().orElseThrow();
        assertThat(kernels.baselineValue()).isEqualTo("Haswell");
        assertThat(kernels.variantValue()).isEqualTo("Cooperlake");
        // the CPU is the same on both sides, and the forced core type is named as the lead
        assertThat(kernels.explanation()).contains("CPU model").contains("are the same").contains("openblas_coretype_forced");
        assertThat(data.confounded("linpack", PARAMS, "docker")).isTrue();
        assertThat(data.confounded("linpack", PARAMS, "native")).isFalse();

        String console = ConsoleReport.render(data);
        assertThat(console).contains("! confounded: OpenBLAS kernels: Haswell (native) vs Cooperlake (docker)");
        assertThat(console.lines().filter(l -> l.startsWith("docker ") && l.contains("gflops"))).allMatch(l -> l.contains(" !"));
        // 1.4x faster on a CPU-bound kernel is questioned, pointing at what differs
        assertThat(data.questions()).hasSize(1);
        assertThat(console).contains("? questioned: linpack gflops: docker is 1.4").contains("OpenBLAS kernels (confounded)");

        List<SummaryRow> rows = SummaryRow.of(data, StudyReference.bundled());
        assertThat(rows).filteredOn(r -> r.variant().equals("docker")).allMatch(r -> r.confounded().contains("Haswell vs Cooperlake"));
        assertThat(rows).filteredOn(r -> r.variant().equals("native")).allMatch(r -> r.confounded().isEmpty());
        assertThat(TabularReport.csv(rows).lines().findFirst().orElseThrow()).endsWith(",confounded,ratio_method");

        String html = HtmlReport.build(data, StudyReference.bundled()).html();
        assertThat(html).contains("comparison is confounded").contains("<b>! confounded</b>").contains("<b>? questioned</b>");
    }

    @Test
    void anUntunedVmsCpuModelIsTheEnvironmentsOwnEffectNotAConfound() throws Exception {
        SyntheticRun r = new SyntheticRun("20261130-100000-vm", 4);
        sameSoftware(r, SyntheticRun.NATIVE);
        sameSoftware(r, VM_UNTUNED);
        r.fact(VM_UNTUNED, "inside.cpu_model", "QEMU Virtual CPU version 2.5+")
                .fact(VM_UNTUNED, "inside.cpu_isa", "sse3")
                .fact(VM_UNTUNED, "inside.agent_env", Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8", "TZ", "UTC",
                        "OPENBLAS_CORETYPE", "Prescott"))
                .fact(VM_UNTUNED, "workload.openblas_corename", "Prescott");
        r.metric("linpack", PARAMS, SyntheticRun.NATIVE, "gflops", Map.of(), 94, 0.01, "GFLOPS", Direction.HIGHER, 3)
                .metric("linpack", PARAMS, VM_UNTUNED, "gflops", Map.of(), 30, 0.01, "GFLOPS", Direction.HIGHER, 3);
        ReportData data = ReportData.load(r.write(tmp), null);

        assertThat(data.confounds()).extracting(Confound::label)
                .containsExactlyInAnyOrder("CPU model", "CPU features", "OpenBLAS kernels", "OPENBLAS_CORETYPE");
        assertThat(data.confounds()).noneMatch(Confound::confounds);
        assertThat(data.confounded("linpack", PARAMS, "vm")).isFalse();
        Confound kernels = data.confounds().stream().filter(c -> c.label().equals("OpenBLAS kernels")).findFirst().orElseThrow();
        assertThat(kernels.explanation()).contains("follows from the CPU").contains("untuned-KVM effect");
        assertThat(data.questions()).isEmpty();

        String console = ConsoleReport.render(data);
        assertThat(console).contains("the environment's own: OpenBLAS kernels: Cooperlake (native) vs Prescott (vm)");
        assertThat(console).doesNotContain("! confounded").doesNotContain(" !\n");
        assertThat(SummaryRow.of(data, StudyReference.bundled())).allMatch(row -> row.confounded().isEmpty());
    }

    @Test
    void theSameSoftwareEverywhereGivesNoFindingAtAll() throws Exception {
        SyntheticRun r = new SyntheticRun("20261130-100000-same", 5);
        sameSoftware(r, SyntheticRun.NATIVE);
        sameSoftware(r, DOCKER);
        r.metric("linpack", PARAMS, SyntheticRun.NATIVE, "gflops", Map.of(), 94, 0.01, "GFLOPS", Direction.HIGHER, 3)
                .metric("linpack", PARAMS, DOCKER, "gflops", Map.of(), 93, 0.01, "GFLOPS", Direction.HIGHER, 3);
        ReportData data = ReportData.load(r.write(tmp), null);

        assertThat(data.confounds()).isEmpty();
        assertThat(data.questions()).isEmpty();
        String console = ConsoleReport.render(data);
        assertThat(console).doesNotContain("confounded").doesNotContain("questioned").doesNotContain("environment's own");
        assertThat(HtmlReport.build(data, StudyReference.bundled()).html()).doesNotContain("confounds\">");
    }

    @Test
    void gvisorsUnnamedCpuModelIsNotAConfoundButOtherCpuFeaturesWouldBe() throws Exception {
        // the sandbox suite's run: every runsc comparison was marked confounded because gVisor's
        // /proc/cpuinfo says "model name: unknown", on the host's own CPU
        SyntheticRun.V runsc = new SyntheticRun.V("docker[runtime=runsc]", "docker",
                Map.of("network", "nat", "cpus", "none", "cpuset", "none", "runtime", "runsc"), false);
        Map<String, Object> params = Map.of("count", 20000);
        SyntheticRun r = new SyntheticRun("20261206-100000-gvsr", 9);
        sameSoftware(r, DOCKER);
        sameSoftware(r, runsc);
        r.fact(runsc, "inside.cpu_model", "unknown");
        r.metric("syscall", params, DOCKER, "stat", Map.of(), 2.9, 0.01, "us/op", Direction.LOWER, 3)
                .metric("syscall", params, runsc, "stat", Map.of(), 73, 0.01, "us/op", Direction.LOWER, 3);
        ReportData data = ReportData.load(r.write(tmp), "docker");
        assertThat(data.confounds()).singleElement().satisfies(c -> {
            assertThat(c.label()).isEqualTo("CPU model");
            assertThat(c.confounds()).isFalse();
            assertThat(c.explanation()).contains("gVisor's /proc/cpuinfo does not name the CPU model");
        });
        assertThat(data.confounded("syscall", params, runsc.label())).isFalse();
        assertThat(ConsoleReport.render(data)).doesNotContain("! confounded");

        // the CPU's features are still compared: a sandbox that saw other features would be flagged
        SyntheticRun other = new SyntheticRun("20261206-100000-gvsx", 10);
        sameSoftware(other, DOCKER);
        sameSoftware(other, runsc);
        other.fact(runsc, "inside.cpu_model", "unknown").fact(runsc, "inside.cpu_isa", "avx2 fma avx sse4_2 ssse3 sse3");
        other.metric("syscall", params, DOCKER, "stat", Map.of(), 2.9, 0.01, "us/op", Direction.LOWER, 3)
                .metric("syscall", params, runsc, "stat", Map.of(), 73, 0.01, "us/op", Direction.LOWER, 3);
        ReportData flagged = ReportData.load(other.write(tmp), "docker");
        assertThat(flagged.confounds()).filteredOn(Confound::confounds).extracting(Confound::label).containsExactly("CPU features");
        assertThat(flagged.confounded("syscall", params, runsc.label())).isTrue();
    }

    @Test
    void aFasterCpuBoundResultWithNothingDifferentIsStillQuestioned() throws Exception {
        SyntheticRun r = new SyntheticRun("20261130-100000-fast", 6);
        sameSoftware(r, SyntheticRun.NATIVE);
        sameSoftware(r, DOCKER);
        r.metric("stream", Map.of(), SyntheticRun.NATIVE, "triad", Map.of(), 20, 0.01, "GB/s", Direction.HIGHER, 4)
                .metric("stream", Map.of(), DOCKER, "triad", Map.of(), 25, 0.01, "GB/s", Direction.HIGHER, 4);
        ReportData data = ReportData.load(r.write(tmp), null);

        assertThat(data.confounds()).isEmpty();
        assertThat(data.questions()).singleElement().extracting(io.isobench.confound.Plausibility.Question::note).asString()
                .contains("stream triad: docker is 1.2").contains("no fact that defines the same software differs")
                .contains("noise");
    }

    @Test
    void compareNamesWhatDiffersBetweenTwoRunsOfOneVariant() throws Exception {
        SyntheticRun a = new SyntheticRun("20261130-100000-aaaa", 7);
        sameSoftware(a, DOCKER);
        a.metric("linpack", PARAMS, DOCKER, "gflops", Map.of(), 94, 0.01, "GFLOPS", Direction.HIGHER, 3);
        SyntheticRun b = new SyntheticRun("20261130-100000-bbbb", 8);
        sameSoftware(b, DOCKER);
        b.fact(DOCKER, "inside.jvm", "Eclipse Adoptium 21.0.9+10");
        b.metric("linpack", PARAMS, DOCKER, "gflops", Map.of(), 90, 0.01, "GFLOPS", Direction.HIGHER, 3);
        RunDirectory ra = a.write(tmp);
        RunDirectory rb = b.write(tmp);

        List<Confound> d = io.isobench.confound.ConfoundDetector.betweenRuns(ra.readSamples(), rb.readSamples());
        var changes = RunComparison.compare(ra.readSamples(), rb.readSamples());
        assertThat(changes).singleElement().satisfies(c -> assertThat(c.differs()).contains("JVM").contains("21.0.9"));
        assertThat(RunComparison.csv(changes, 0.05).lines().findFirst().orElseThrow()).endsWith(",confounded");
        assertThat(RunComparison.table("a", "b", changes, 0.05, false)).contains(" !");
        assertThat(d).singleElement().satisfies(c -> {
            assertThat(c.label()).isEqualTo("JVM");
            assertThat(c.baselineValue()).contains("25.0.1").contains("run A");
            assertThat(c.variantValue()).contains("21.0.9").contains("run B");
        });
    }

    @Test
    void aSystemCallCheaperInAVmThanInRuncIsQuestionedANetworkFigureIsNot() throws Exception {
        // the sandbox suite's run: page faults in emulated VMs measured 3-4x cheaper than under runc
        SyntheticRun.V vm = new SyntheticRun.V("vm[machine=microvm]", "vm", Map.of("machine", "microvm", "tuning", "untuned"), true);
        SyntheticRun.V runsc = new SyntheticRun.V("docker[runtime=runsc]", "docker",
                Map.of("network", "nat", "cpus", "none", "cpuset", "none", "runtime", "runsc"), false);
        Map<String, Object> params = Map.of("count", 20000);
        SyntheticRun r = new SyntheticRun("20261206-100000-pgft", 11);
        sameSoftware(r, DOCKER);
        sameSoftware(r, vm);
        sameSoftware(r, runsc);
        r.metric("syscall", params, DOCKER, "page_fault", Map.of(), 10.4, 0.01, "us/op", Direction.LOWER, 4)
                .metric("syscall", params, vm, "page_fault", Map.of(), 2.6, 0.01, "us/op", Direction.LOWER, 4)
                .metric("syscall", params, DOCKER, "stat", Map.of(), 2.9, 0.01, "us/op", Direction.LOWER, 4)
                .metric("syscall", params, vm, "stat", Map.of(), 7.4, 0.01, "us/op", Direction.LOWER, 4)
                // runsc is the baseline's own environment: not isolated from it, not questioned
                .metric("syscall", params, runsc, "page_fault", Map.of(), 5.0, 0.01, "us/op", Direction.LOWER, 4)
                .metric("syscall", params, runsc, "stat", Map.of(), 51, 0.01, "us/op", Direction.LOWER, 4)
                // a network figure may be better in a VM (another stack, other batching): not questioned
                .metric("tcp_rr", Map.of(), DOCKER, "latency_p50", Map.of(), 40, 0.01, "us", Direction.LOWER, 4)
                .metric("tcp_rr", Map.of(), vm, "latency_p50", Map.of(), 20, 0.01, "us", Direction.LOWER, 4);
        ReportData data = ReportData.load(r.write(tmp), "docker");

        assertThat(data.questions()).singleElement().satisfies(q -> {
            assertThat(q.workload()).isEqualTo("syscall");
            assertThat(q.variant()).isEqualTo(vm.label());
            assertThat(q.note()).contains("page_fault").contains("system call or a page fault").doesNotContain("CPU- or memory-bound");
        });

        // within noise it is not questioned: the same figure in both
        SyntheticRun same = new SyntheticRun("20261206-100000-pgfs", 12);
        sameSoftware(same, DOCKER);
        sameSoftware(same, vm);
        same.metric("syscall", params, DOCKER, "page_fault", Map.of(), 10.4, 0.05, "us/op", Direction.LOWER, 4)
                .metric("syscall", params, vm, "page_fault", Map.of(), 10.0, 0.05, "us/op", Direction.LOWER, 4);
        assertThat(ReportData.load(same.write(tmp), "docker").questions()).isEmpty();
    }

    @Test
    void blockIoFasterInASandboxOrVmThanInRuncIsQuestionedAndPointsAtACacheSlowerIsNot() throws Exception {
        // the sandbox suite's run: O_DIRECT seq_write at 2119 MB/s under runc, 6451 under runsc, 3441 in a VM
        SyntheticRun.V vm = new SyntheticRun.V("vm[machine=pc]", "vm", Map.of("machine", "pc", "tuning", "untuned"), true);
        Map<String, Object> write = Map.of("mode", "seq_write");
        Map<String, Object> read = Map.of("mode", "rand_read");
        SyntheticRun r = new SyntheticRun("20261206-100000-blkq", 13);
        sameSoftware(r, DOCKER);
        sameSoftware(r, vm);
        r.metric("blockio", write, DOCKER, "throughput", Map.of(), 2119, 0.01, "MB/s", Direction.HIGHER, 4)
                .metric("blockio", write, vm, "throughput", Map.of(), 3441, 0.01, "MB/s", Direction.HIGHER, 4)
                // slower in the VM, as a layer makes it: not questioned
                .metric("blockio", read, DOCKER, "throughput", Map.of(), 600, 0.01, "MB/s", Direction.HIGHER, 4)
                .metric("blockio", read, vm, "throughput", Map.of(), 57, 0.01, "MB/s", Direction.HIGHER, 4);
        ReportData data = ReportData.load(r.write(tmp), "docker");

        assertThat(data.questions()).singleElement().satisfies(q -> {
            assertThat(q.workload()).isEqualTo("blockio");
            assertThat(q.params()).isEqualTo(write);
            assertThat(q.variant()).isEqualTo(vm.label());
            assertThat(q.note()).contains("O_DIRECT").contains("cache").doesNotContain("CPU- or memory-bound");
        });
    }
}
