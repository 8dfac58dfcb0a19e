package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.result.Direction;
import io.isobench.result.Json;
import io.isobench.result.RunDirectory;
import io.isobench.stats.Summary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output that prints an interval prints the same one: the console table, CSV, JSON lines
 * and Markdown of {@code report}, and {@code compare}, whose threshold is judged on the interval.
 * The figures are the reported failures: a skewed udp_rr p99.9 and a tail percentile from three
 * iterations.
 */
class IntervalReportTest {

    @TempDir
    Path tmp;

    private static final Map<String, Object> NONE = Map.of();

    private RunDirectory tailRun() throws Exception {
        SyntheticRun r = new SyntheticRun("20261122-100000-ci01", 1);
        // five iterations, one stalled: the Student interval of the docker figure was [-113, 1238] us
        r.values("udp_rr", NONE, SyntheticRun.NATIVE, "latency_p99_9", "us", Direction.LOWER, 120, 118, 125, 122, 119);
        r.values("udp_rr", NONE, SyntheticRun.DOCKER_NAT, "latency_p99_9", "us", Direction.LOWER, 305, 322, 331, 318, 1535);
        // three iterations of a tail percentile: no interval, no verdict, and the reason said
        r.values("tcp_rr", NONE, SyntheticRun.NATIVE, "latency_p99", "us", Direction.LOWER, 60, 61, 62);
        r.values("tcp_rr", NONE, SyntheticRun.DOCKER_NAT, "latency_p99", "us", Direction.LOWER, 80, 95, 300);
        r.values("tcp_rr", NONE, SyntheticRun.NATIVE, "latency_p50", "us", Direction.LOWER, 36, 37, 36.5);
        r.values("tcp_rr", NONE, SyntheticRun.DOCKER_NAT, "latency_p50", "us", Direction.LOWER, 47, 48, 46);
        return r.write(tmp);
    }

    private static String line(String out, String... parts) {
        return out.lines().filter(l -> List.of(parts).stream().allMatch(l::contains)).findFirst()
                .orElseThrow(() -> new AssertionError(List.of(parts) + " in\n" + out));
    }

    @Test
    void everyReportFormatPrintsTheSamePositiveIntervalAndSaysWhyOneIsMissing() throws Exception {
        RunDirectory dir = tailRun();
        String console = CompareTest.run("report", dir.path().toString(), "--format", "console").out();
        String docker = line(console, "docker[network=nat]", "latency_p99_9");
        assertThat(docker).doesNotContain("[-");
        assertThat(console).contains("no CI for latency_p99: tail percentile from 3 iterations");
        assertThat(line(console, "docker[network=nat]", "latency_p99 ")).contains(" - ").doesNotContain("yes");
        assertThat(line(console, "docker[network=nat]", "latency_p50")).contains("yes"); // medians keep their verdicts
        assertThat(console).contains("sig: the ratio's CI excludes 1");

        String csv = CompareTest.run("report", dir.path().toString(), "--format", "csv").out();
        List<List<String>> rows = TabularReportTest.parseCsv(csv.substring(0, csv.lastIndexOf("\r\n") + 2));
        List<String> h = rows.get(0);
        assertThat(h).isEqualTo(SummaryRow.columns()).contains("ci_low", "ci_high", "ratio_low", "ratio_high", "ci_note");
        List<String> p999 = rows.stream().filter(r -> r.get(h.indexOf("metric")).equals("latency_p99_9")
                && r.get(h.indexOf("variant")).equals("docker[network=nat]")).findFirst().orElseThrow();
        double low = Double.parseDouble(p999.get(h.indexOf("ci_low")));
        double high = Double.parseDouble(p999.get(h.indexOf("ci_high")));
        assertThat(low).isGreaterThan(0).isLessThan(Double.parseDouble(p999.get(h.indexOf("mean"))));
        assertThat(docker).contains(Format.interval(low, high)); // the console shows the CSV's interval
        double perfLow = Double.parseDouble(p999.get(h.indexOf("performance_low")));
        double perfHigh = Double.parseDouble(p999.get(h.indexOf("performance_high")));
        assertThat(perfLow).isGreaterThan(0);
        assertThat(p999.get(h.indexOf("significant"))).isEqualTo(perfLow > 1 || perfHigh < 1 ? "yes" : "no");
        assertThat(p999.get(h.indexOf("ci_note"))).isEmpty();
        List<String> p99 = rows.stream().filter(r -> r.get(h.indexOf("metric")).equals("latency_p99")
                && r.get(h.indexOf("variant")).equals("docker[network=nat]")).findFirst().orElseThrow();
        assertThat(p99.get(h.indexOf("ci_low"))).isEmpty();
        assertThat(p99.get(h.indexOf("ratio_low"))).isEmpty();
        assertThat(p99.get(h.indexOf("p_value"))).isEmpty();
        assertThat(p99.get(h.indexOf("significant"))).isEqualTo("no");
        assertThat(p99.get(h.indexOf("ci_note"))).contains("tail percentile").contains("" + Summary.MIN_TAIL_ITERATIONS);

        for (String l : CompareTest.run("report", dir.path().toString(), "--format", "jsonl").out().lines().toList()) {
            JsonNode n = Json.mapper().readTree(l);
            if (n.get("ci_low").isNull()) {
                assertThat(n.get("ci_note").asText()).as(l).isNotEmpty();
            } else {
                assertThat(n.get("ci_low").asDouble()).as(l).isGreaterThan(0);
            }
        }

        String md = CompareTest.run("report", dir.path().toString(), "--format", "markdown").out();
        assertThat(line(md, "docker[network=nat]", "latency_p99_9")).contains(Format.interval(low, high));
        assertThat(md).contains("No CI for latency_p99: tail percentile from 3 iterations");
    }

    /**
     * compare fails a pipeline only on a regression whose whole interval lies past the threshold:
     * B is 8% slower in the point estimate, significantly, but its noise leaves the interval's
     * favourable end within 5%; with threshold 0 any significant regression fails.
     */
    @Test
    void compareJudgesTheThresholdOnTheInterval() throws Exception {
        SyntheticRun a = new SyntheticRun("20261122-100000-ci0a", 1);
        a.values("hash", NONE, SyntheticRun.NATIVE, "throughput", "MB/s", Direction.HIGHER, 100, 101, 99, 100, 100);
        SyntheticRun b = new SyntheticRun("20261122-100000-ci0b", 1);
        b.values("hash", NONE, SyntheticRun.NATIVE, "throughput", "MB/s", Direction.HIGHER, 86, 98, 92, 89, 95);
        RunDirectory ra = a.write(tmp);
        RunDirectory rb = b.write(tmp);
        RunComparison.Change c = RunComparison.compare(ra.readSamples(), rb.readSamples()).get(0);
        assertThat(c.verdict()).isEqualTo(RunComparison.Verdict.REGRESSED);
        assertThat(c.change().performance()).isLessThan(0.95); // past 5% by the point estimate
        assertThat(c.change().performanceHigh()).isGreaterThan(0.95).isLessThan(1); // the interval reaches within it
        assertThat(c.regressionBeyond(0.05)).isFalse();
        assertThat(c.regressionBeyond(0)).isTrue();
        assertThat(c.regressionBeyond(1 - c.change().performanceHigh() - 1e-9)).isTrue();

        CompareTest.Result lenient = CompareTest.run("compare", ra.path().toString(), rb.path().toString(), "--threshold", "0.05");
        assertThat(lenient.code()).as(lenient.out()).isZero();
        assertThat(line(lenient.out(), "throughput")).contains("REGRESSED").doesNotContain("beyond");
        CompareTest.Result strict = CompareTest.run("compare", ra.path().toString(), rb.path().toString(), "--threshold", "0");
        assertThat(strict.code()).as(strict.out()).isEqualTo(4);
        assertThat(line(strict.out(), "throughput")).contains("REGRESSED beyond 0.0%");
    }

    @Test
    void compareSaysWhyATailPercentileIsUntested() throws Exception {
        SyntheticRun a = new SyntheticRun("20261122-100000-ci1a", 1);
        a.values("tcp_rr", NONE, SyntheticRun.NATIVE, "latency_p99", "us", Direction.LOWER, 60, 61, 62);
        SyntheticRun b = new SyntheticRun("20261122-100000-ci1b", 1);
        b.values("tcp_rr", NONE, SyntheticRun.NATIVE, "latency_p99", "us", Direction.LOWER, 90, 95, 400);
        RunDirectory ra = a.write(tmp);
        RunDirectory rb = b.write(tmp);
        CompareTest.Result r = CompareTest.run("compare", ra.path().toString(), rb.path().toString(), "--threshold", "0");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(line(r.out(), "latency_p99")).contains("untested: tail percentile from 3 iterations");
        String csv = CompareTest.run("compare", ra.path().toString(), rb.path().toString(), "--format", "csv").out();
        List<List<String>> rows = TabularReportTest.parseCsv(csv.substring(0, csv.lastIndexOf("\r\n") + 2));
        List<String> h = rows.get(0);
        assertThat(rows.get(1).get(h.indexOf("verdict"))).isEqualTo("untested");
        assertThat(rows.get(1).get(h.indexOf("ci_note"))).contains("tail percentile");
    }
}
