package io.isobench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.isobench.result.Json;
import java.util.List;
import java.util.Locale;

/**
 * The summaries as data for spreadsheets and notebooks: CSV (RFC 4180, one row per metric
 * summary, every column), JSON lines (one object per summary) and Markdown (a table per workload).
 */
public final class TabularReport {

    private TabularReport() {
    }

    /** RFC 4180 CSV with a header row; undefined figures are empty cells. */
    public static String csv(List<SummaryRow> rows) {
        StringBuilder sb = new StringBuilder();
        csvLine(sb, SummaryRow.columns().stream().map(c -> (Object) c).toList());
        for (SummaryRow r : rows) {
            csvLine(sb, r.values());
        }
        return sb.toString();
    }

    private static void csvLine(StringBuilder sb, List<Object> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(csvCell(values.get(i)));
        }
        sb.append("\r\n");
    }

    static String csvCell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? number(d) : "";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        String s = v.toString();
        // a text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** Full precision, no exponent surprises for spreadsheets: the shortest repr that round-trips. */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf((long) d);
        }
        return Double.toString(d).toLowerCase(Locale.ROOT);
    }

    /** One JSON object per line; undefined figures are null. */
    public static String jsonl(List<SummaryRow> rows) {
        StringBuilder sb = new StringBuilder();
        for (SummaryRow r : rows) {
            try {
                sb.append(Json.mapper().writeValueAsString(r.toMap())).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    /** A Markdown table per workload and parameters, the study's ratio where there is one. */
    public static String markdown(ReportData data, List<SummaryRow> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("# isobench run ").append(md(data.record().id())).append("\n\n");
        sb.append("Performance relative to ").append(md(data.baseline())).append(": above 1 is better, whichever way the metric points; ")
                .append("CIs are 95%, computed on the log scale (never below 0); ")
                .append("sig: the ratio's CI excludes 1 (t-test of the log ratio of means, p < 0.05) and it stays significant after the ")
                .append("correction for the run's comparisons, 'no (corr.)' where only the first holds (CSV: significant, significant_raw, q_value); ")
                .append(md(io.isobench.stats.Multiplicity.Family.of(data.summaries().stream().map(io.isobench.stats.MetricSummary::vsBaseline).toList())
                        .sentence(data.baseline()))).append(' ')
                .append("ratio CIs are paired by iteration (same round, back to back) where iterations pair up, else unpaired (CSV: ratio_method).\n");
        String section = null;
        boolean anyStudy = rows.stream().anyMatch(r -> !r.studySetup().isEmpty());
        for (SummaryRow r : rows) {
            String title = r.params().isEmpty() ? r.workload() : r.workload() + " (" + r.params() + ")";
            if (!title.equals(section)) {
                section = title;
                sb.append("\n## ").append(md(title)).append("\n\n");
                sb.append("| environment | metric | unit | median | 95% CI of mean | n | vs ").append(md(data.baseline()))
                        .append(" | 95% CI | sig |").append(anyStudy ? " study |" : "").append('\n');
                sb.append("|---|---|---|--:|--:|--:|--:|--:|---|").append(anyStudy ? "--:|" : "").append('\n');
            }
            String metric = r.labels().isEmpty() ? r.metric() : r.metric() + " " + r.labels();
            sb.append("| ").append(md(r.variant() + (r.emulated() ? " EMULATED (TCG)" : "")))
                    .append(" | ").append(md(metric))
                    .append(" | ").append(md(r.unit() + " " + ("lower".equals(r.direction()) ? "\u2193" : "\u2191")))
                    .append(" | ").append(Format.number(r.median()))
                    .append(" | ").append(Format.interval(r.ciLow(), r.ciHigh()))
                    .append(" | ").append(r.n())
                    .append(" | ").append("baseline".equals(r.significant()) ? "1 (baseline)" : Format.ratio(r.performance()))
                    .append(" | ").append(Format.ratioInterval(r.performanceLow(), r.performanceHigh()))
                    .append(" | ").append("baseline".equals(r.significant()) ? "" : r.significant()
                            + ("yes".equals(r.significantRaw()) && "no".equals(r.significant()) ? " (corr.)" : ""))
                    .append(" |");
            if (anyStudy) {
                sb.append(' ').append(r.studySetup().isEmpty() ? "" : Format.ratio(r.studyPerformance()) + " (" + md(r.studySetup()) + ")")
                        .append(" |");
            }
            sb.append('\n');
        }
        if (rows.isEmpty()) {
            sb.append("\nno figures were measured\n");
        }
        java.util.Map<String, java.util.Set<String>> missing = new java.util.LinkedHashMap<>();
        for (SummaryRow r : rows) {
            if (!r.ciNote().isEmpty()) {
                missing.computeIfAbsent(r.ciNote(), k -> new java.util.LinkedHashSet<>())
                        .add(r.labels().isEmpty() ? r.metric() : r.metric() + " " + r.labels());
            }
        }
        if (!missing.isEmpty()) {
            sb.append('\n');
            missing.forEach((why, metrics) -> sb.append("No CI for ").append(md(String.join(", ", metrics))).append(": ")
                    .append(md(why)).append(".  \n"));
        }
        if (data.anyEmulated()) {
            sb.append("\nEMULATED (TCG): this VM ran under software emulation, not KVM: its figures measure the emulator.\n");
        }
        return sb.toString();
    }

    /**
     * A table cell: pipes and newlines would break the table, and Markdown renderers pass HTML
     * through, so markup characters are escaped as entities.
     */
    static String md(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("|", "\\|").replace("`", "\\`").replace("\r", " ").replace("\n", " ");
    }
}
