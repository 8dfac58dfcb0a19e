package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.result.Direction;
import io.isobench.stats.Comparison;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "You vs the study": each verdict from its case, and the reason a finding was not measured. */
class StudyComparisonTest {

    @TempDir
    Path tmp;

    private static Comparison c(double performance, double low, double high) {
        return new Comparison(performance, low, high, performance, low, high, 0.01, low > 1 || high < 1, "");
    }

    @Test
    void verdictsFromTheRatiosAndTheInterval() {
        // within 5% of the study's: reproduced, whatever the CI
        assertThat(StudyComparison.judge(c(0.97, 0.5, 1.5), 1.0).verdict()).isEqualTo(StudyComparison.Verdict.REPRODUCED);
        // the study's inside a narrow CI: reproduced
        assertThat(StudyComparison.judge(c(0.90, 0.80, 1.02), 0.99).verdict()).isEqualTo(StudyComparison.Verdict.REPRODUCED);
        // inside a CI too wide to tell: inconclusive
        var wide = StudyComparison.judge(c(0.70, 0.40, 1.10), 0.99);
        assertThat(wide.verdict()).isEqualTo(StudyComparison.Verdict.INCONCLUSIVE);
        // outside the CI: differs, by how much
        var nat = StudyComparison.judge(c(0.28, 0.26, 0.30), 0.655);
        assertThat(nat.verdict()).isEqualTo(StudyComparison.Verdict.DIFFERS);
        assertThat(nat.detail()).isEqualTo("57% lower (worse) than the study's");
        assertThat(StudyComparison.judge(c(1.3, 1.2, 1.4), 1.0).detail()).isEqualTo("30% higher (better) than the study's");
        // no interval: judged on the point, and says so
        var noCi = StudyComparison.judge(new Comparison(0.5, Double.NaN, Double.NaN, 0.5, Double.NaN, Double.NaN, Double.NaN, false,
                "1 iteration: an interval needs 2 or more"), 1.0);
        assertThat(noCi.verdict()).isEqualTo(StudyComparison.Verdict.DIFFERS);
        assertThat(noCi.detail()).contains("no CI: 1 iteration");
    }

    @Test
    void everyHeadlineFindingGetsARowWithAReason() throws Exception {
        SyntheticRun r = new SyntheticRun("20261201-100000-stud", 4);
        SyntheticRun.V tuned = new SyntheticRun.V("vm[tuning=tuned]", "vm", Map.of("tuning", "tuned"), true);
        for (SyntheticRun.V v : List.of(SyntheticRun.NATIVE, SyntheticRun.DOCKER_NAT, tuned)) {
            double f = v == tuned ? 0.2 : v == SyntheticRun.DOCKER_NAT ? 0.5 : 1;
            r.values("linpack", Map.of(), v, "gflops", "GFLOPS", Direction.HIGHER, 100 * f, 101 * f, 99 * f, 100 * f);
        }
        r.values("redis", Map.of(), SyntheticRun.NATIVE, "set", "req/s", Direction.HIGHER, 1000, 1010, 990);
        r.values("redis", Map.of(), SyntheticRun.DOCKER_NAT, "set", "req/s", Direction.HIGHER, 1000, 1010, 990);
        r.failed("mysql", Map.of(), SyntheticRun.DOCKER_NAT, "server did not start");
        ReportData data = ReportData.load(r.write(tmp), null);
        List<StudyComparison.Row> rows = StudyComparison.of(data, StudyReference.bundled());

        // each of the study's headline findings is there at least once
        assertThat(rows.stream().map(x -> x.finding().benchmark() + "/" + x.finding().metric()).distinct())
                .containsExactlyInAnyOrderElementsOf(StudyComparison.HEADLINES);
        StudyComparison.Row docker = row(rows, "linpack", "docker");
        assertThat(docker.variant()).isEqualTo(SyntheticRun.DOCKER_NAT.label());
        assertThat(docker.verdict()).isEqualTo(StudyComparison.Verdict.DIFFERS);
        assertThat(docker.detail()).startsWith("50% lower (worse)");
        // the tuned VM is the study's kvm-tuned, but emulated: not measured, its ratio kept for what it is
        StudyComparison.Row vm = row(rows, "linpack", "kvm-tuned");
        assertThat(vm.verdict()).isEqualTo(StudyComparison.Verdict.NOT_MEASURED);
        assertThat(vm.emulated()).isTrue();
        assertThat(vm.performance()).isBetween(0.19, 0.21);
        assertThat(vm.detail()).contains("emulated (TCG)");
        // no untuned VM ran; redis ran but not GET; mysql failed; tcp_rr never ran
        assertThat(row(rows, "linpack", "kvm-untuned").detail()).isEqualTo("no untuned VM in this run (the paper suite has one)");
        assertThat(row(rows, "redis", "docker-nat").detail()).startsWith("no GET figure at 1 client in this run's redis trials");
        assertThat(row(rows, "redis", "docker-host").detail()).isEqualTo("no Docker variant with network=host in this run");
        assertThat(row(rows, "mysql", "docker-nat").detail()).isEqualTo("mysql: every trial failed");
        assertThat(row(rows, "tcp_rr", "kvm").detail()).isEqualTo("tcp_rr not in this run");
        assertThat(row(rows, "tcp_rr", "kvm").workloadAbsent()).isTrue();
        assertThat(rows).filteredOn(x -> x.verdict() == StudyComparison.Verdict.NOT_MEASURED).allMatch(x -> !x.detail().isBlank());
        // ids are unique: the sentences and the table link to them
        assertThat(rows.stream().map(StudyComparison.Row::id)).doesNotHaveDuplicates();
    }

    private static StudyComparison.Row row(List<StudyComparison.Row> rows, String benchmark, String setup) {
        return rows.stream().filter(x -> x.finding().benchmark().equals(benchmark) && x.finding().setup().equals(setup)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + benchmark + " " + setup));
    }
}
