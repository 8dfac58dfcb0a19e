package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isobench.result.Direction;
import io.isobench.stats.GeometricMean;
import io.isobench.workload.WorkloadFamily;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The findings generator on constructed runs with exact figures: every kind of cell (better,
 * worse, ≈ native, not conclusive, confounded, emulated, missing because not run or failed) and
 * the sentences they make.
 */
class FindingsTest {

    @TempDir
    Path tmp;

    static final SyntheticRun.V NAT = SyntheticRun.DOCKER_NAT;
    static final SyntheticRun.V HOST = SyntheticRun.DOCKER_HOST;
    static final SyntheticRun.V VM = SyntheticRun.VM_TCG;
    static final Map<String, Object> RAND_READ = Map.of("mode", "rand_read");

    /**
     * compute (linpack): ≈ native in docker nat; ≈ native but confounded in docker host (another
     * JVM); far worse in the emulated VM. request/response (tcp_rr latency): worse over NAT, better
     * on the host network, not run in the VM. block I/O: not conclusive over NAT (the CI holds 1 but
     * is wide), failed on the host network, not run in the VM.
     */
    private ReportData run() throws Exception {
        SyntheticRun r = new SyntheticRun("20261201-100000-find", 1);
        for (SyntheticRun.V v : List.of(SyntheticRun.NATIVE, NAT, HOST, VM)) {
            r.fact(v, "inside.jvm", v == HOST ? "Temurin 21.0.5" : "Temurin 25.0.1");
        }
        r.values("linpack", Map.of(), SyntheticRun.NATIVE, "gflops", "GFLOPS", Direction.HIGHER, 100, 101, 99, 100, 100);
        r.values("linpack", Map.of(), NAT, "gflops", "GFLOPS", Direction.HIGHER, 100, 99, 101, 100, 100.5);
        r.values("linpack", Map.of(), HOST, "gflops", "GFLOPS", Direction.HIGHER, 100, 100, 101, 99, 100);
        r.values("linpack", Map.of(), VM, "gflops", "GFLOPS", Direction.HIGHER, 10, 10.5, 9.5, 10, 10.2);
        // only linpack ran on another JVM in docker host
        r.fact(HOST, "inside.jvm", "Temurin 25.0.1");
        r.values("tcp_rr", Map.of(), SyntheticRun.NATIVE, "latency_mean", "us", Direction.LOWER, 50, 51, 49, 50, 50);
        r.values("tcp_rr", Map.of(), NAT, "latency_mean", "us", Direction.LOWER, 95, 96, 94, 95, 95);
        r.values("tcp_rr", Map.of(), HOST, "latency_mean", "us", Direction.LOWER, 45, 45.5, 44.5, 45, 45);
        r.values("blockio", RAND_READ, SyntheticRun.NATIVE, "iops", "IOPS", Direction.HIGHER, 1000, 1100, 900, 1000, 1050);
        r.values("blockio", RAND_READ, NAT, "iops", "IOPS", Direction.HIGHER, 1000, 1200, 850, 950, 1100);
        r.failed("blockio", RAND_READ, HOST, "fio-like job failed: no space left on device");
        return ReportData.load(r.write(tmp), null);
    }

    private static Findings.Cell cell(Findings f, String variant, WorkloadFamily family) {
        Findings.Row row = f.rows().stream().filter(r -> r.variant().label().equals(variant)).findFirst().orElseThrow();
        return row.cells().get(f.families().indexOf(family));
    }

    private static Findings.Sentence sentence(Findings f, String start) {
        return f.sentences().stream().filter(s -> s.text().startsWith(start)).findFirst().orElseThrow(() -> new AssertionError(
                "no sentence starts with '" + start + "': " + f.sentences().stream().map(Findings.Sentence::text).toList()));
    }

    @Test
    void everyKindOfCell() throws Exception {
        ReportData data = run();
        Findings f = Findings.of(data, StudyComparison.of(data, StudyReference.bundled()));
        assertThat(f.families()).containsExactly(WorkloadFamily.COMPUTE, WorkloadFamily.REQUEST_RESPONSE, WorkloadFamily.BLOCK_IO);
        assertThat(f.rows()).extracting(r -> r.variant().label()).containsExactlyInAnyOrder(NAT.label(), HOST.label(), VM.label());

        // ≈ native: the CI holds 1 and lies within ±5%
        Findings.Cell near = cell(f, NAT.label(), WorkloadFamily.COMPUTE);
        assertThat(near.state()).isEqualTo(Findings.State.NEAR);
        assertThat(near.text()).isEqualTo("\u2248 native");
        assertThat(near.low()).isLessThan(1).isGreaterThanOrEqualTo(0.95);
        assertThat(near.high()).isGreaterThan(1).isLessThanOrEqualTo(1.05);
        assertThat(near.interval()).matches("\\[0\\.9\\d, 1\\.0\\d\\]");
        assertThat(near.confounded() || near.emulated() || near.questioned()).isFalse();

        // worse: the latency 1.9 times native's is a performance of 0.53, significant, a large effect
        Findings.Cell worse = cell(f, NAT.label(), WorkloadFamily.REQUEST_RESPONSE);
        assertThat(worse.state()).isEqualTo(Findings.State.WORSE);
        assertThat(worse.performance()).isCloseTo(50.0 / 95.0, within(1e-9));
        assertThat(worse.text()).isEqualTo("0.53\u00d7");
        assertThat(worse.significant()).isTrue();
        assertThat(worse.high()).isLessThan(1);
        assertThat(worse.strength()).isEqualTo(3);
        assertThat(worse.anchor()).isEqualTo("w-tcp-rr");

        // better: a lower latency on the host network, a moderate effect
        Findings.Cell better = cell(f, HOST.label(), WorkloadFamily.REQUEST_RESPONSE);
        assertThat(better.state()).isEqualTo(Findings.State.BETTER);
        assertThat(better.performance()).isCloseTo(50.0 / 45.0, within(1e-9));
        assertThat(better.low()).isGreaterThan(1);
        assertThat(better.strength()).isEqualTo(2);

        // not conclusive: the CI holds 1 but reaches beyond ±5%
        Findings.Cell unclear = cell(f, NAT.label(), WorkloadFamily.BLOCK_IO);
        assertThat(unclear.state()).isEqualTo(Findings.State.UNCLEAR);
        assertThat(unclear.low()).isLessThan(0.95);
        assertThat(unclear.high()).isGreaterThan(1);
        assertThat(unclear.significant()).isFalse();

        // confounded: within noise, but another JVM ran there, so the cell says so
        Findings.Cell confounded = cell(f, HOST.label(), WorkloadFamily.COMPUTE);
        assertThat(confounded.state()).isEqualTo(Findings.State.NEAR);
        assertThat(confounded.confounded()).isTrue();
        assertThat(confounded.explain("native")).contains("! confounded");

        // emulated: the TCG VM's compute, a tenth of native, marked as the emulator's figure
        Findings.Cell emulated = cell(f, VM.label(), WorkloadFamily.COMPUTE);
        assertThat(emulated.state()).isEqualTo(Findings.State.WORSE);
        assertThat(emulated.emulated()).isTrue();
        assertThat(emulated.text()).isEqualTo("0.10\u00d7");
        assertThat(emulated.explain("native")).contains("EMULATED (TCG)");

        // missing: not run in the VM, failed on the host network; each says which
        Findings.Cell notRun = cell(f, VM.label(), WorkloadFamily.REQUEST_RESPONSE);
        assertThat(notRun.state()).isEqualTo(Findings.State.MISSING);
        assertThat(notRun.text()).isEqualTo("\u2014");
        assertThat(notRun.note()).isEqualTo("not run in this variant");
        Findings.Cell failed = cell(f, HOST.label(), WorkloadFamily.BLOCK_IO);
        assertThat(failed.state()).isEqualTo(Findings.State.MISSING);
        assertThat(failed.note()).isEqualTo("failed: blockio");
    }

    @Test
    void sentencesSayEachVariantsCostAndLinkTheirEvidence() throws Exception {
        ReportData data = run();
        Findings f = Findings.of(data, StudyComparison.of(data, StudyReference.bundled()));
        assertThat(f.sentences()).hasSizeLessThanOrEqualTo(Findings.MAX_SENTENCES);

        Findings.Sentence nat = sentence(f, NAT.label() + ": ");
        assertThat(nat.text()).isEqualTo(NAT.label() + ": request/response latency 1.90\u00d7 native's; compute within 5% of native; "
                + "block I/O not conclusive (the CI holds 1 but is wider than \u00b15%).");
        assertThat(nat.spans()).filteredOn(s -> s.anchor() != null).extracting(Findings.Span::anchor)
                .containsExactly("w-tcp-rr", "w-linpack", "w-blockio");

        Findings.Sentence host = sentence(f, HOST.label() + ": ");
        // a gain is said as one: a latency 0.90 times native's must not read as a cost
        assertThat(host.text()).isEqualTo(HOST.label() + ": better: request/response latency 0.90\u00d7 native's; compute (confounded!) within 5% of native.");

        Findings.Sentence vm = sentence(f, VM.label() + " (EMULATED");
        assertThat(vm.text()).isEqualTo(VM.label() + " (EMULATED by TCG: it measures the emulator): compute GFLOPS 0.10\u00d7 native's.");
        // measured variants come before the emulated one
        assertThat(f.sentences().indexOf(vm)).isGreaterThan(f.sentences().indexOf(nat)).isGreaterThan(f.sentences().indexOf(host));

        Findings.Sentence confound = sentence(f, "One comparison is confounded");
        assertThat(confound.text()).contains("linpack in " + HOST.label()).contains("JVM: Temurin 25.0.1 vs Temurin 21.0.5");
        assertThat(confound.spans()).anyMatch(s -> "w-linpack".equals(s.anchor()));

        // the study: linpack in docker is the study's docker figure (1.0), reproduced by both Docker variants, and so is
        // its random 4K read figure over NAT; the emulated VM's linpack is not a measurement of virtualization
        Findings.Sentence study = sentence(f, "Against the study");
        assertThat(study.text()).contains(": 3 findings reproduced, 0 differ, ").endsWith(" not measured here.");
        assertThat(study.spans().get(0).anchor()).isEqualTo("study");
    }

    @Test
    void aFamilyOfSeveralWorkloadsIsTheirGeometricMeanEachWorkloadWeighingTheSame() throws Exception {
        SyntheticRun r = new SyntheticRun("20261201-100000-gmea", 2);
        r.values("linpack", Map.of(), SyntheticRun.NATIVE, "gflops", "GFLOPS", Direction.HIGHER, 100, 102, 98, 100);
        r.values("linpack", Map.of(), NAT, "gflops", "GFLOPS", Direction.HIGHER, 80, 82, 78, 80);
        // hash in two trials: they share hash's weight
        for (int threads : List.of(1, 2)) {
            r.values("hash", Map.of("threads", threads), SyntheticRun.NATIVE, "throughput", "MB/s", Direction.HIGHER, 500, 510, 490, 500);
            r.values("hash", Map.of("threads", threads), NAT, "throughput", "MB/s", Direction.HIGHER, 500, 505, 495, 500);
        }
        ReportData data = ReportData.load(r.write(tmp), null);
        Findings f = Findings.of(data, List.of());
        Findings.Cell compute = cell(f, NAT.label(), WorkloadFamily.COMPUTE);
        assertThat(compute.parts()).hasSize(3);
        assertThat(compute.parts()).extracting(Findings.Part::weight).containsExactly(1.0, 0.5, 0.5);
        // linpack 0.8, hash 1.0 (twice at half weight): the mean is sqrt(0.8 * 1.0)
        assertThat(compute.performance()).isCloseTo(Math.sqrt(0.8), within(1e-9));
        // each part brings its own (paired) comparison: the cell is as tight as the figures it combines,
        // tighter here than the same figures taken as independent samples (both sides move together)
        GeometricMean.Result g = GeometricMean.of(compute.parts().stream().map(p -> new GeometricMean.Part(p.name(), p.variant().summary(),
                p.baseline().summary(), p.variant().direction(), p.weight(), p.variant().vsBaseline())).toList());
        assertThat(compute.parts()).allMatch(p -> p.variant().vsBaseline().method() == io.isobench.stats.Comparison.Method.PAIRED);
        assertThat(compute.low()).isEqualTo(g.low());
        assertThat(compute.high()).isEqualTo(g.high());
        GeometricMean.Result unpaired = GeometricMean.of(compute.parts().stream().map(p -> new GeometricMean.Part(p.name(),
                p.variant().summary(), p.baseline().summary(), p.variant().direction(), p.weight())).toList());
        assertThat(compute.high() / compute.low()).isLessThan(unpaired.high() / unpaired.low());
        assertThat(compute.explain("native")).contains("geometric mean of:").contains("linpack gflops").contains("hash throughput");
        // the cell points at the workload that moves it most
        assertThat(compute.anchor()).isEqualTo("w-linpack");
        assertThat(sentence(f, NAT.label()).text()).isEqualTo(NAT.label() + ": compute 0.89\u00d7 native's performance.");
    }

    @Test
    void noComparisonNoFindings() throws Exception {
        SyntheticRun r = new SyntheticRun("20261201-100000-none", 3);
        r.values("linpack", Map.of(), SyntheticRun.NATIVE, "gflops", "GFLOPS", Direction.HIGHER, 100, 101);
        ReportData data = ReportData.load(r.write(tmp), null);
        Findings f = Findings.of(data, StudyComparison.of(data, StudyReference.bundled()));
        assertThat(f.rows()).isEmpty();
        assertThat(f.sentences()).noneMatch(s -> s.text().startsWith("native"));
        String html = HtmlReport.build(data, StudyReference.bundled()).html();
        assertThat(html).contains("Nothing to compare with native");
    }

    @Test
    void theConsoleEndsWithTheSentences() throws Exception {
        ReportData data = run();
        String console = ConsoleReport.render(data);
        Findings f = Findings.of(data, StudyComparison.of(data, StudyReference.bundled()));
        assertThat(console).contains("\nFindings (");
        for (Findings.Sentence s : f.sentences()) {
            assertThat(console).contains("- " + s.text() + "\n");
        }
    }

    @Test
    void anEmulatedVmAtItsEmulationSizeIsComparedWithNativeAtThatSizeAndTheReportSaysSo() throws Exception {
        SyntheticRun r = new SyntheticRun("20261201-100000-emus", 1);
        Map<String, Object> full = Map.of("n", 3000);
        Map<String, Object> small = Map.of("n", 1500);
        r.values("linpack", full, SyntheticRun.NATIVE, "gflops", "GFLOPS", Direction.HIGHER, 100, 101, 99, 100, 100);
        r.values("linpack", full, NAT, "gflops", "GFLOPS", Direction.HIGHER, 100, 99, 101, 100, 100.5);
        // natively the smaller order runs slower: the VM is compared with this, not with 100
        r.values("linpack", small, SyntheticRun.NATIVE, "gflops", "GFLOPS", Direction.HIGHER, 80, 81, 79, 80, 80);
        r.values("linpack", small, VM, "gflops", "GFLOPS", Direction.HIGHER, 8, 8.1, 7.9, 8, 8);
        ReportData data = ReportData.load(r.write(tmp), null);
        assertThat(data.emulationSizes()).containsExactly("linpack (n=1500)");
        assertThat(data.emulationSizesLegend()).contains("linpack (n=1500)").contains("native ran them too");
        Findings f = Findings.of(data, StudyComparison.of(data, StudyReference.bundled()));
        Findings.Cell vm = cell(f, VM.label(), WorkloadFamily.COMPUTE);
        assertThat(vm.emulated()).isTrue();
        assertThat(vm.performance()).isCloseTo(0.1, within(0.002));
        assertThat(cell(f, NAT.label(), WorkloadFamily.COMPUTE).state()).isEqualTo(Findings.State.NEAR);
        assertThat(ConsoleReport.render(data)).contains("To fit the time, the emulated VM ran smaller sizes");
    }

    @Test
    void aRunWithoutScalingHasNoEmulationSizeLegend() throws Exception {
        ReportData data = run();
        assertThat(data.emulationSizes()).isEmpty();
        assertThat(data.emulationSizesLegend()).isNull();
    }

    /**
     * Holm over the run's cells: docker nat's compute is 1.015x [1.001, 1.029] (paired p ~ 0.04),
     * significant on its own; among the run's 6 cells with a CI, two far smaller p-values (tcp_rr)
     * rank before it, so its Holm-adjusted p is at least 4 x 0.04 and it is no longer "better": its
     * CI lies within +-5%, so it reads "within 5% of native", and its tooltip says the correction took
     * the verdict. The large effects keep theirs. Alone (one cell), the same figures stay "better".
     */
    @Test
    void aMarginalCellLosesItsVerdictToTheHolmCorrectionButNotAlone() throws Exception {
        SyntheticRun r = new SyntheticRun("20261201-100000-holm", 1);
        r.values("linpack", Map.of(), SyntheticRun.NATIVE, "gflops", "GFLOPS", Direction.HIGHER, 100, 101, 99, 100, 100);
        r.values("linpack", Map.of(), NAT, "gflops", "GFLOPS", Direction.HIGHER, 103, 101, 100, 102, 101.5);
        r.values("linpack", Map.of(), HOST, "gflops", "GFLOPS", Direction.HIGHER, 100, 100, 101, 99, 100);
        r.values("tcp_rr", Map.of(), SyntheticRun.NATIVE, "latency_mean", "us", Direction.LOWER, 50, 51, 49, 50, 50);
        r.values("tcp_rr", Map.of(), NAT, "latency_mean", "us", Direction.LOWER, 95, 96, 94, 95, 95.5);
        r.values("tcp_rr", Map.of(), HOST, "latency_mean", "us", Direction.LOWER, 45, 45.5, 44.5, 45, 45.2);
        r.values("blockio", RAND_READ, SyntheticRun.NATIVE, "iops", "IOPS", Direction.HIGHER, 1000, 1100, 900, 1000, 1050);
        r.values("blockio", RAND_READ, NAT, "iops", "IOPS", Direction.HIGHER, 1000, 1200, 850, 950, 1100);
        r.values("blockio", RAND_READ, HOST, "iops", "IOPS", Direction.HIGHER, 1000, 1150, 880, 980, 1080);
        ReportData data = ReportData.load(r.write(tmp), null);
        Findings f = Findings.of(data, StudyComparison.of(data, StudyReference.bundled()));

        Findings.Cell marginal = cell(f, NAT.label(), WorkloadFamily.COMPUTE);
        assertThat(marginal.pValue()).isBetween(0.01, 0.05);
        assertThat(marginal.rawSignificant()).isTrue();
        assertThat(marginal.tests()).isEqualTo(6);
        assertThat(marginal.adjustedP()).isGreaterThanOrEqualTo(4 * marginal.pValue() - 1e-12);
        assertThat(marginal.significant()).isFalse();
        assertThat(marginal.lostToCorrection()).isTrue();
        assertThat(marginal.state()).isEqualTo(Findings.State.NEAR);
        assertThat(marginal.explain("native")).contains("CI excludes 1 but not significant after the Holm correction over the run's 6 cells");
        assertThat(cell(f, NAT.label(), WorkloadFamily.REQUEST_RESPONSE).state()).isEqualTo(Findings.State.WORSE);
        assertThat(cell(f, HOST.label(), WorkloadFamily.REQUEST_RESPONSE).state()).isEqualTo(Findings.State.BETTER);
        assertThat(cell(f, HOST.label(), WorkloadFamily.REQUEST_RESPONSE).explain("native"))
                .contains("significant after the Holm correction over the run's 6 cells");
        assertThat(f.correction()).contains("Holm correction over the run's 6 cells").contains("familywise error 5%")
                .contains("1 cell's own CI excludes 1 but not after the correction");
        assertThat(ConsoleReport.render(data)).contains(f.correction());
        assertThat(HtmlReport.build(data, StudyReference.bundled()).html()).contains("Holm correction over the run");

        SyntheticRun alone = new SyntheticRun("20261201-100000-hol1", 1);
        alone.values("linpack", Map.of(), SyntheticRun.NATIVE, "gflops", "GFLOPS", Direction.HIGHER, 100, 101, 99, 100, 100);
        alone.values("linpack", Map.of(), NAT, "gflops", "GFLOPS", Direction.HIGHER, 103, 101, 100, 102, 101.5);
        ReportData one = ReportData.load(alone.write(tmp), null);
        Findings.Cell single = cell(Findings.of(one, List.of()), NAT.label(), WorkloadFamily.COMPUTE);
        assertThat(single.tests()).isEqualTo(1);
        assertThat(single.adjustedP()).isEqualTo(single.pValue());
        assertThat(single.state()).isEqualTo(Findings.State.BETTER);
        assertThat(single.significant()).isTrue();
    }
}
