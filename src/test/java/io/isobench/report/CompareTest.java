package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.cli.Main;
import io.isobench.result.Direction;
import io.isobench.result.RunDirectory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code isobench compare}: flags only significant changes, reads directions, fails CI on a regression past the threshold. */
class CompareTest {

    @TempDir
    Path tmp;

    record Result(int code, String out) {
    }

    static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int code = Main.execute(args);
            capture.flush();
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * A run of three figures. Runs built with the same seed share their noise, so a test controls
     * exactly what differs between A and B: the means it passes.
     */
    private RunDirectory run(String id, long seed, double copy, double latency) throws Exception {
        SyntheticRun r = new SyntheticRun(id, seed);
        Map<String, Object> p = Map.of("size", 1000000);
        r.metric("stream", p, SyntheticRun.NATIVE, "copy", Map.of(), copy, 0.01, "GB/s", Direction.HIGHER, 6);
        r.metric("stream", p, SyntheticRun.NATIVE, "triad", Map.of(), 11, 0.03, "GB/s", Direction.HIGHER, 6);
        r.metric("tcp_rr", Map.of(), SyntheticRun.NATIVE, "latency", Map.of(), latency, 0.01, "us", Direction.LOWER, 6);
        return r.write(tmp);
    }

    private static String row(String out, String metric) {
        return out.lines().filter(l -> l.contains(" " + metric + " ")).findFirst().orElseThrow(() -> new AssertionError(metric + " in\n" + out));
    }

    @Test
    void significantRegressionBeyondThresholdFailsAndIsFlagged() throws Exception {
        // copy: B 20% slower; triad: unchanged; latency (lower is better): B 25% lower
        RunDirectory a = run("20261122-100000-a001", 1, 10, 40);
        RunDirectory b = run("20261122-100000-b001", 1, 8, 30);
        Result r = run("compare", a.path().toString(), b.path().toString(), "--threshold", "0.05");
        assertThat(r.code()).as(r.out()).isEqualTo(4);
        assertThat(row(r.out(), "copy")).contains("REGRESSED beyond 5.0%").contains("-20.");
        assertThat(row(r.out(), "latency")).contains("improved").doesNotContain("REGRESSED"); // lower latency is better
        assertThat(row(r.out(), "triad")).contains("no significant change");
        assertThat(r.out()).contains("regressed significantly by more than 5.0%");

        // the same regression is below a 50% threshold: flagged, but the command succeeds
        Result lenient = run("compare", a.path().toString(), b.path().toString(), "--threshold", "0.5");
        assertThat(lenient.code()).as(lenient.out()).isZero();
        assertThat(row(lenient.out(), "copy")).contains("REGRESSED").doesNotContain("beyond");
    }

    @Test
    void noiseAloneIsNotFlagged() throws Exception {
        // B 0.2% "slower" and 0.2% "faster": far inside the 1% iteration-to-iteration noise
        RunDirectory a = run("20261122-100000-a002", 3, 10, 40);
        RunDirectory b = run("20261122-100000-b002", 3, 9.98, 39.92);
        List<RunComparison.Change> changes = RunComparison.compare(a.readSamples(), b.readSamples());
        assertThat(changes).hasSize(3).allSatisfy(c -> {
            assertThat(c.verdict()).isEqualTo(RunComparison.Verdict.UNCHANGED);
            assertThat(c.change().pValue()).isGreaterThanOrEqualTo(0.05);
            // the CI of the change contains "no change"
            assertThat(c.change().ratioLow()).isLessThanOrEqualTo(1);
            assertThat(c.change().ratioHigh()).isGreaterThanOrEqualTo(1);
        });
        Result r = run("compare", a.path().toString(), b.path().toString(), "--threshold", "0");
        assertThat(r.code()).as(r.out()).isZero();
        for (String metric : List.of("copy", "triad", "latency")) {
            assertThat(row(r.out(), metric)).contains("no significant change").doesNotContain("REGRESSED").doesNotContain("improved");
        }
    }

    @Test
    void csvAndMarkdownFormsCarryTheSameVerdicts() throws Exception {
        RunDirectory a = run("20261122-100000-a003", 1, 10, 40);
        RunDirectory b = run("20261122-100000-b003", 1, 8, 30);
        Result csv = run("compare", a.path().toString(), b.path().toString(), "--format", "csv");
        assertThat(csv.code()).isEqualTo(4);
        String text = csv.out().substring(0, csv.out().lastIndexOf("\r\n") + 2);
        List<List<String>> rows = TabularReportTest.parseCsv(text);
        List<String> h = rows.get(0);
        assertThat(h).isEqualTo(RunComparison.columns());
        assertThat(rows).hasSize(4);
        for (List<String> row : rows.subList(1, rows.size())) {
            String metric = row.get(h.indexOf("metric"));
            String verdict = row.get(h.indexOf("verdict"));
            assertThat(verdict).isEqualTo(switch (metric) {
                case "copy" -> "regressed";
                case "latency" -> "improved";
                default -> "unchanged";
            });
            double ratio = Double.parseDouble(row.get(h.indexOf("ratio_b_a")));
            double meanA = Double.parseDouble(row.get(h.indexOf("mean_a")));
            double meanB = Double.parseDouble(row.get(h.indexOf("mean_b")));
            assertThat(ratio).isCloseTo(meanB / meanA, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(row.get(h.indexOf("beyond_threshold"))).isEqualTo(String.valueOf(metric.equals("copy")));
        }
        Result md = run("compare", a.path().toString(), b.path().toString(), "--format", "markdown");
        assertThat(md.out()).contains("| stream (size=1000000) | native | copy |").contains("REGRESSED beyond 5.0%");
    }

    @Test
    void figuresInOneRunOnlyAreListedAndABadThresholdIsRejected() throws Exception {
        RunDirectory a = run("20261122-100000-a004", 1, 10, 40);
        SyntheticRun other = new SyntheticRun("20261122-100000-b004", 1);
        other.metric("stream", Map.of("size", 1000000), SyntheticRun.NATIVE, "copy", Map.of(), 10, 0.01, "GB/s", Direction.HIGHER, 6);
        other.metric("hash", Map.of(), SyntheticRun.NATIVE, "throughput", Map.of(), 1000, 0.01, "MB/s", Direction.HIGHER, 3);
        RunDirectory b = other.write(tmp);
        List<RunComparison.Change> changes = RunComparison.compare(a.readSamples(), b.readSamples());
        assertThat(changes).extracting(RunComparison.Change::verdict).containsExactlyInAnyOrder(
                RunComparison.Verdict.UNCHANGED, RunComparison.Verdict.ONLY_A, RunComparison.Verdict.ONLY_A, RunComparison.Verdict.ONLY_B);
        assertThat(run("compare", a.path().toString(), b.path().toString(), "--threshold", "1.5").code()).isEqualTo(Main.BAD_INPUT);
    }

    /**
     * The figures compared are one family: a change of 1.5% with p ~ 0.04 on its own is
     * "improved" when it is the only figure, and "no significant change" among 40 unchanged ones
     * (Benjamini-Hochberg over the 41, q = 41 x p), which the table says.
     */
    @Test
    void aLoneMarginalChangeAmongManyFiguresIsNotFlagged() throws Exception {
        double[] a = {100, 101, 99, 100, 100};
        double[] b = {103, 101, 100, 102, 101.5};
        SyntheticRun ra = new SyntheticRun("20261201-100000-aaaa", 1);
        SyntheticRun rb = new SyntheticRun("20261201-100000-bbbb", 1);
        ra.values("hash", Map.of(), SyntheticRun.NATIVE, "throughput", "MB/s", Direction.HIGHER, a);
        rb.values("hash", Map.of(), SyntheticRun.NATIVE, "throughput", "MB/s", Direction.HIGHER, b);
        List<RunComparison.Change> alone = RunComparison.compare(ra.write(tmp.resolve("a1")).readSamples(),
                rb.write(tmp.resolve("b1")).readSamples());
        assertThat(alone).hasSize(1);
        assertThat(alone.get(0).change().pValue()).isBetween(0.01, 0.05);
        assertThat(alone.get(0).verdict()).isEqualTo(RunComparison.Verdict.IMPROVED);

        for (int k = 0; k < 40; k++) {
            Map<String, Object> p = Map.of("threads", k + 1);
            ra.values("hash", p, SyntheticRun.NATIVE, "throughput", "MB/s", Direction.HIGHER, 50, 51, 49, 50, 50.5);
            rb.values("hash", p, SyntheticRun.NATIVE, "throughput", "MB/s", Direction.HIGHER, 50, 51, 49, 50, 50.5);
        }
        List<RunComparison.Change> many = RunComparison.compare(ra.write(tmp.resolve("a2")).readSamples(),
                rb.write(tmp.resolve("b2")).readSamples());
        RunComparison.Change marginal = many.stream().filter(c -> c.key().params().isEmpty()).findFirst().orElseThrow();
        assertThat(marginal.change().pValue()).isEqualTo(alone.get(0).change().pValue());
        assertThat(marginal.change().rawSignificant()).isTrue();
        assertThat(marginal.change().family()).isEqualTo(41);
        assertThat(marginal.verdict()).isEqualTo(RunComparison.Verdict.UNCHANGED);
        String table = RunComparison.table("A", "B", many, 0.05, false);
        assertThat(table).contains("no significant change (CI excludes 0, not after correction)")
                .contains("Benjamini-Hochberg correction over the 41 figures compared");
        String csv = RunComparison.csv(many, 0.05);
        assertThat(csv.lines().findFirst().orElseThrow()).contains(",p_value,q_value,significant_raw,comparisons,verdict,");
    }
}
