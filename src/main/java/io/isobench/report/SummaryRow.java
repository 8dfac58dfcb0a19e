package io.isobench.report;

import io.isobench.stats.Comparison;
import io.isobench.stats.MetricSummary;
import io.isobench.stats.Summary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metric summary flattened for tables, spreadsheets and notebooks: every figure of the
 * summary, its comparison with the baseline, and the study's ratio where the study has one.
 * {@link #columns()} names the fields in the order CSV and JSON lines write them.
 *
 * @param ciNote      empty when the row's intervals are given; otherwise why the mean's (or else the
 *                    ratio's) interval is missing
 * @param ratioMethod how the ratio's interval was built: "paired" (by iteration, same round),
 *                    "unpaired", or empty when there is none
 * @param pValue      the raw p-value of this comparison on its own (the t-test its 95% CI belongs to)
 * @param significant "yes"/"no" after the Benjamini–Hochberg correction over the variant's comparisons
 *                    (false discovery rate 5%), "baseline" for the baseline's own row
 * @param significantRaw "yes"/"no" uncorrected: the CI excludes 1, raw p &lt; 0.05; empty where
 *                    {@code significant} is
 * @param qValue      the Benjamini–Hochberg q-value (the p-value adjusted for the run's comparisons)
 * @param comparisons how many comparisons with a p-value the correction was over (0 without one)
 */
public record SummaryRow(
        String workload, String params, String metric, String labels, String unit, String direction,
        String environment, String variant, boolean emulated,
        int n, double mean, double median, double stddev, double min, double max, double ciLow, double ciHigh,
        String baseline, double ratio, double ratioLow, double ratioHigh,
        double performance, double performanceLow, double performanceHigh, double pValue, String significant,
        String significantRaw, double qValue, int comparisons,
        String studySetup, double studyPerformance, String ciNote, String confounded, String ratioMethod) {

    /** Column names, snake_case, in field order. */
    public static List<String> columns() {
        return List.of("workload", "params", "metric", "labels", "unit", "direction", "environment", "variant", "emulated",
                "n", "mean", "median", "stddev", "min", "max", "ci_low", "ci_high",
                "baseline", "ratio", "ratio_low", "ratio_high", "performance", "performance_low", "performance_high",
                "p_value", "significant", "significant_raw", "q_value", "comparisons",
                "study_setup", "study_performance", "ci_note", "confounded", "ratio_method");
    }

    /** The values in column order (numbers as numbers, NaN where undefined). */
    public List<Object> values() {
        return List.of(workload, params, metric, labels, unit, direction, environment, variant, emulated,
                n, mean, median, stddev, min, max, ciLow, ciHigh, baseline, ratio, ratioLow, ratioHigh,
                performance, performanceLow, performanceHigh, pValue, significant, significantRaw, qValue, comparisons,
                studySetup, studyPerformance, ciNote, confounded, ratioMethod);
    }

    /** A map for JSON: undefined figures become null. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> cols = columns();
        List<Object> vals = values();
        for (int i = 0; i < cols.size(); i++) {
            Object v = vals.get(i);
            m.put(cols.get(i), v instanceof Double d && !Double.isFinite(d) ? null : v);
        }
        return m;
    }

    /** The rows of a report: per workload section, metric by metric, baseline first. */
    public static List<SummaryRow> of(ReportData data, StudyReference study) {
        List<SummaryRow> out = new ArrayList<>();
        for (ReportData.Section s : data.sections()) {
            for (MetricSummary m : ordered(data, s.summaries())) {
                out.add(of(data, study, m));
            }
        }
        return out;
    }

    /** Summaries sorted for reading: by metric label, then baseline first, then the run's variant order. */
    static List<MetricSummary> ordered(ReportData data, List<MetricSummary> list) {
        List<MetricSummary> rows = new ArrayList<>(list);
        rows.sort(Comparator.comparing((MetricSummary m) -> m.metric())
                .thenComparing(m -> labelOrderKey(m.labels()))
                .thenComparing(m -> !m.variant().equals(data.baseline()))
                .thenComparingInt(m -> data.variant(m.variant()).index()));
        return rows;
    }

    /** Labels sort numerically where they are numbers (clients=2 before clients=10). */
    static String labelOrderKey(Map<String, Object> labels) {
        StringBuilder sb = new StringBuilder();
        labels.forEach((k, v) -> {
            sb.append(k).append('=');
            String s = String.valueOf(v);
            try {
                double d = Double.parseDouble(s);
                sb.append(String.format(java.util.Locale.ROOT, "%020.6f", d + 1e12));
            } catch (NumberFormatException e) {
                sb.append(s);
            }
            sb.append(';');
        });
        return sb.toString();
    }

    static SummaryRow of(ReportData data, StudyReference study, MetricSummary m) {
        Summary s = m.summary();
        Comparison c = m.vsBaseline();
        ReportData.VariantInfo v = data.variant(m.variant());
        var ref = study == null ? java.util.Optional.<StudyReference.Ratio>empty()
                : study.ratio(m.workload(), m.metric(), m.labels(), m.params(), v.environment(), v.settings());
        boolean isBaseline = m.variant().equals(data.baseline());
        double nan = Double.NaN;
        return new SummaryRow(m.workload(), ReportData.paramsLabel(m.params()), m.metric(), labelsText(m.labels()), m.unit(),
                m.direction().word(), m.environment(), m.variant(), m.emulated() || v.emulated(),
                s.n(), s.mean(), s.median(), s.stddev(), s.min(), s.max(), s.ciLow(), s.ciHigh(),
                data.baseline() == null ? "" : data.baseline(),
                isBaseline ? 1 : c == null ? nan : c.ratio(), c == null ? nan : c.ratioLow(), c == null ? nan : c.ratioHigh(),
                isBaseline ? 1 : c == null ? nan : c.performance(), c == null ? nan : c.performanceLow(),
                c == null ? nan : c.performanceHigh(), c == null ? nan : c.pValue(),
                isBaseline ? "baseline" : c == null ? "" : c.significant() ? "yes" : "no",
                isBaseline || c == null ? "" : c.rawSignificant() ? "yes" : "no",
                c == null ? nan : c.qValue(), c == null || Double.isNaN(c.pValue()) ? 0 : c.family(),
                ref.map(StudyReference.Ratio::setup).orElse(""), ref.map(StudyReference.Ratio::performance).orElse(nan),
                !s.ciNote().isEmpty() ? s.ciNote() : c == null ? "" : c.note(),
                confoundText(data.confounds(m.workload(), m.params(), m.variant())),
                c == null || !c.note().isEmpty() ? "" : c.method().word());
    }

    /** "" when nothing outside the comparison differs, else what does: "OpenBLAS kernels: Haswell vs Cooperlake". */
    static String confoundText(List<io.isobench.confound.Confound> found) {
        return String.join("; ", found.stream().filter(io.isobench.confound.Confound::confounds)
                .map(c -> c.label() + ": " + c.baselineValue() + " vs " + c.variantValue()).toList());
    }

    static String labelsText(Map<String, Object> labels) {
        return ReportData.paramsLabel(labels);
    }
}
