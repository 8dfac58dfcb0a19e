package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.cli.Main;
import io.isobench.result.Json;
import io.isobench.result.RunDirectory;
import io.isobench.stats.MetricSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV, JSON lines and Markdown read back to the summaries they were written from. */
class TabularReportTest {

    @TempDir
    Path tmp;

    /** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        assertThat(quoted).as("unterminated quote").isFalse();
        assertThat(cell.toString()).as("text after the last record").isEmpty();
        return rows;
    }

    private ReportData data() throws Exception {
        return ReportData.load(SyntheticRun.rich("20261122-100000-dddd", 5).write(tmp), null);
    }

    @Test
    void csvHasOneRowPerSummaryWithEveryFigure() throws Exception {
        ReportData data = data();
        List<SummaryRow> rows = SummaryRow.of(data, StudyReference.bundled());
        List<List<String>> csv = parseCsv(TabularReport.csv(rows));
        assertThat(csv.get(0)).isEqualTo(SummaryRow.columns());
        assertThat(csv).hasSize(data.summaries().size() + 1);
        List<String> h = csv.get(0);
        for (List<String> r : csv.subList(1, csv.size())) {
            assertThat(r).hasSameSizeAs(h);
            MetricSummary m = find(data, r.get(h.indexOf("workload")), r.get(h.indexOf("metric")), r.get(h.indexOf("labels")),
                    r.get(h.indexOf("variant")), r.get(h.indexOf("params")));
            assertThat(Double.parseDouble(r.get(h.indexOf("mean")))).isEqualTo(m.summary().mean());
            assertThat(Double.parseDouble(r.get(h.indexOf("ci_low")))).isEqualTo(m.summary().ciLow());
            assertThat(Integer.parseInt(r.get(h.indexOf("n")))).isEqualTo(m.summary().n());
            if (m.vsBaseline() != null) {
                assertThat(Double.parseDouble(r.get(h.indexOf("performance")))).isEqualTo(m.vsBaseline().performance());
                assertThat(Double.parseDouble(r.get(h.indexOf("performance_high")))).isEqualTo(m.vsBaseline().performanceHigh());
                assertThat(r.get(h.indexOf("significant"))).isEqualTo(m.vsBaseline().significant() ? "yes" : "no");
                // raw and adjusted side by side: the raw verdict is the CI's, the adjusted one needs q < 5% too
                assertThat(r.get(h.indexOf("significant_raw"))).isEqualTo(m.vsBaseline().rawSignificant() ? "yes" : "no");
                if (!Double.isNaN(m.vsBaseline().pValue())) {
                    double p = Double.parseDouble(r.get(h.indexOf("p_value")));
                    double q = Double.parseDouble(r.get(h.indexOf("q_value")));
                    assertThat(q).isGreaterThanOrEqualTo(p);
                    assertThat(r.get(h.indexOf("significant"))).isEqualTo(
                            "yes".equals(r.get(h.indexOf("significant_raw"))) && q < 0.05 ? "yes" : "no");
                    // the family: the comparisons of the same variant that have a p-value
                    assertThat(Integer.parseInt(r.get(h.indexOf("comparisons"))))
                            .isEqualTo(data.summaries().stream().filter(x -> x.variant().equals(m.variant())
                                    && x.vsBaseline() != null && !Double.isNaN(x.vsBaseline().pValue())).count());
                }
            } else {
                assertThat(r.get(h.indexOf("variant"))).isEqualTo("native");
                assertThat(r.get(h.indexOf("significant"))).isEqualTo("baseline");
            }
            assertThat(r.get(h.indexOf("emulated"))).isEqualTo(String.valueOf(r.get(h.indexOf("variant")).startsWith("vm")));
        }
        // the study's ratio travels in the CSV where the figure maps to the study
        assertThat(csv).anyMatch(r -> r.get(h.indexOf("study_setup")).equals("docker-nat")
                && r.get(h.indexOf("workload")).equals("redis") && r.get(h.indexOf("labels")).equals("clients=10"));
    }

    @Test
    void jsonLinesParseBackToTheSummaries() throws Exception {
        ReportData data = data();
        String jsonl = TabularReport.jsonl(SummaryRow.of(data, StudyReference.bundled()));
        List<String> lines = jsonl.lines().toList();
        assertThat(lines).hasSize(data.summaries().size());
        for (String line : lines) {
            JsonNode n = Json.mapper().readTree(line);
            MetricSummary m = find(data, n.get("workload").asText(), n.get("metric").asText(), n.get("labels").asText(),
                    n.get("variant").asText(), n.get("params").asText());
            assertThat(n.get("median").asDouble()).isEqualTo(m.summary().median());
            assertThat(n.get("ci_high").asDouble()).isEqualTo(m.summary().ciHigh());
            if (m.vsBaseline() == null) {
                assertThat(n.get("p_value").isNull()).isTrue();
            } else {
                assertThat(n.get("p_value").asDouble()).isEqualTo(m.vsBaseline().pValue());
                assertThat(n.get("significant_raw").asText()).isEqualTo(m.vsBaseline().rawSignificant() ? "yes" : "no");
                assertThat(n.get("significant").asText()).isEqualTo(m.vsBaseline().significant() ? "yes" : "no");
                if (!Double.isNaN(m.vsBaseline().pValue())) {
                    assertThat(n.get("q_value").asDouble()).isEqualTo(m.vsBaseline().qValue());
                    assertThat(n.get("comparisons").asInt()).isEqualTo(m.vsBaseline().family()).isGreaterThan(1);
                }
            }
        }
    }

    @Test
    void markdownTablesHaveARowPerSummaryAndConsistentColumns() throws Exception {
        ReportData data = data();
        String md = TabularReport.markdown(data, SummaryRow.of(data, StudyReference.bundled()));
        int rows = 0;
        int columns = -1;
        for (String line : md.lines().toList()) {
            if (!line.startsWith("|")) {
                columns = -1;
                continue;
            }
            int cells = line.replace("\\|", "").split("\\|", -1).length - 2;
            if (columns < 0) {
                columns = cells; // header
            } else {
                assertThat(cells).as(line).isEqualTo(columns);
                if (!line.startsWith("|---")) {
                    rows++;
                }
            }
        }
        assertThat(rows).isEqualTo(data.summaries().size());
        assertThat(md).contains("## stream (size=1000000)").contains("vm[accel=tcg] EMULATED (TCG)");
    }

    @Test
    void reportCommandPrintsCsvAndRejectsAnUnknownFormat() throws Exception {
        RunDirectory dir = SyntheticRun.rich("20261122-100000-eeee", 5).write(tmp);
        Path file = tmp.resolve("out.csv");
        assertThat(Main.execute("report", dir.path().toString(), "--format", "csv", "-o", file.toString())).isZero();
        List<List<String>> csv = parseCsv(Files.readString(file));
        assertThat(csv.get(0)).isEqualTo(SummaryRow.columns());
        assertThat(csv).hasSize(ReportData.load(dir, null).summaries().size() + 1);
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute("report", dir.path().toString(), "--format", "pdf")).isEqualTo(Main.BAD_INPUT);
        } finally {
            System.setErr(err);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("--format pdf").contains("csv");
    }

    private static MetricSummary find(ReportData data, String workload, String metric, String labels, String variant, String params) {
        return data.summaries().stream()
                .filter(m -> m.workload().equals(workload) && m.metric().equals(metric) && m.variant().equals(variant)
                        && ReportData.paramsLabel(m.labels()).equals(labels) && ReportData.paramsLabel(m.params()).equals(params))
                .reduce((a, b) -> {
                    throw new AssertionError("two summaries for one row: " + a + " " + b);
                }).orElseThrow(() -> new AssertionError("no summary for " + workload + " " + metric + " " + labels + " " + variant));
    }
}
