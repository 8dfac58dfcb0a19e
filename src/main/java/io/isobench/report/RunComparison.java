package io.isobench.report;

import io.isobench.result.Direction;
import io.isobench.result.Sample;
import io.isobench.stats.Comparison;
import io.isobench.confound.Confound;
import io.isobench.confound.ConfoundDetector;
import io.isobench.stats.MetricSummary;
import io.isobench.stats.Multiplicity;
import io.isobench.stats.Summarizer;
import io.isobench.stats.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two runs side by side: every figure (workload, parameters, metric, labels, variant) found in
 * either, its change from run A to run B as the ratio B/A with its 95% CI (on the log scale, see
 * {@link Comparison}), and a verdict that calls a change an improvement or a regression only where
 * that CI excludes "no change", reading the metric's direction (a lower latency is an
 * improvement). A regression is beyond a threshold only when its whole CI is: the point estimate
 * alone would fail a pipeline on a change the data cannot tell from one within the threshold.
 * The figures compared are one family: a change is improved or regressed only when it also stays
 * significant after the Benjamini–Hochberg correction over all of them (false discovery rate 5%,
 * {@link Multiplicity}); the raw p-value and the CI are each figure's own.
 */
public final class RunComparison {

    /** What happened to a figure between the runs. */
    public enum Verdict {
        IMPROVED("improved"), REGRESSED("REGRESSED"), UNCHANGED("no significant change"), UNTESTED("too few iterations to test"),
        ONLY_A("only in A"), ONLY_B("only in B");

        private final String words;

        Verdict(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /**
     * One figure in both runs.
     *
     * @param change B against A (ratio = mean B / mean A, performance above 1 = B better); null when
     *               the figure is in one run only
     * @param differs what defines the same software and differs between the two runs of this
     *                variant ("" when nothing does): the change then measures more than the runs' conditions
     */
    public record Change(MetricSummary.Key key, String variant, String unit, Direction direction, boolean emulated,
                         Summary a, Summary b, Comparison change, Verdict verdict, String differs) {

        /**
         * Whether this is a significant regression larger than {@code threshold} (0.05 = 5% worse)
         * with 95% confidence: even the CI's most favourable end is worse than 1 - threshold. With
         * threshold 0 that is every significant regression, since a significant regression's CI
         * lies below 1.
         */
        public boolean regressionBeyond(double threshold) {
            return verdict == Verdict.REGRESSED && change.performanceHigh() < 1 - threshold;
        }
    }

    private RunComparison() {
    }

    private record Id(MetricSummary.Key key, String variant) {
    }

    public static List<Change> compare(List<Sample> runA, List<Sample> runB) {
        Map<Id, MetricSummary> a = index(Summarizer.summarize(runA, null));
        Map<Id, MetricSummary> b = index(Summarizer.summarize(runB, null));
        Map<List<Object>, List<String>> differs = new LinkedHashMap<>();
        for (Confound d : ConfoundDetector.betweenRuns(runA, runB)) {
            differs.computeIfAbsent(List.of(d.workload(), d.params(), d.variant()), k -> new ArrayList<>())
                    .add(d.label() + ": " + d.baselineValue() + " vs " + d.variantValue());
        }
        java.util.function.Function<Id, String> differsOf = id -> String.join("; ",
                differs.getOrDefault(List.of(id.key().workload(), id.key().params(), id.variant()), List.of()));
        List<Change> out = new ArrayList<>();
        a.forEach((id, sa) -> {
            MetricSummary sb = b.get(id);
            if (sb == null) {
                out.add(new Change(id.key(), id.variant(), sa.unit(), sa.direction(), sa.emulated(), sa.summary(), null, null, Verdict.ONLY_A,
                        ""));
                return;
            }
            Comparison c = Comparison.of(sb.summary(), sa.summary(), sa.direction());
            out.add(new Change(id.key(), id.variant(), sa.unit(), sa.direction(), sa.emulated() || sb.emulated(), sa.summary(),
                    sb.summary(), c, verdict(c), differsOf.apply(id)));
        });
        b.forEach((id, sb) -> {
            if (!a.containsKey(id)) {
                out.add(new Change(id.key(), id.variant(), sb.unit(), sb.direction(), sb.emulated(), null, sb.summary(), null, Verdict.ONLY_B,
                        ""));
            }
        });
        // the verdicts corrected for all the figures compared
        List<Comparison> adjusted = Multiplicity.adjustComparisons(out.stream().map(Change::change).toList());
        List<Change> corrected = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            Change c = out.get(i);
            Comparison x = adjusted.get(i);
            corrected.add(x == null ? c : new Change(c.key(), c.variant(), c.unit(), c.direction(), c.emulated(), c.a(), c.b(), x, verdict(x),
                    c.differs()));
        }
        return corrected;
    }

    private static Verdict verdict(Comparison c) {
        if (Double.isNaN(c.pValue())) {
            return Verdict.UNTESTED;
        }
        if (!c.significant()) {
            return Verdict.UNCHANGED;
        }
        return c.performance() >= 1 ? Verdict.IMPROVED : Verdict.REGRESSED;
    }

    private static Map<Id, MetricSummary> index(List<MetricSummary> list) {
        Map<Id, MetricSummary> m = new LinkedHashMap<>();
        for (MetricSummary s : list) {
            m.put(new Id(s.key(), s.variant()), s);
        }
        return m;
    }

    // ---------------------------------------------------------------- output

    /** Column names of the CSV form. */
    public static List<String> columns() {
        return List.of("workload", "params", "metric", "labels", "variant", "emulated", "unit", "direction",
                "n_a", "mean_a", "median_a", "ci_low_a", "ci_high_a", "n_b", "mean_b", "median_b", "ci_low_b", "ci_high_b",
                "ratio_b_a", "ratio_low", "ratio_high", "performance_b_a", "performance_low", "performance_high", "p_value",
                "q_value", "significant_raw", "comparisons", "verdict", "beyond_threshold", "ci_note", "confounded");
    }

    public static String csv(List<Change> changes, double threshold) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", columns())).append("\r\n");
        for (Change c : changes) {
            List<Object> v = new ArrayList<>(List.of(c.key().workload(), ReportData.paramsLabel(c.key().params()), c.key().metric(),
                    ReportData.paramsLabel(c.key().labels()), c.variant(), c.emulated(), c.unit(), c.direction().word()));
            addSummary(v, c.a());
            addSummary(v, c.b());
            Comparison x = c.change();
            double nan = Double.NaN;
            v.addAll(List.of(x == null ? nan : x.ratio(), x == null ? nan : x.ratioLow(), x == null ? nan : x.ratioHigh(),
                    x == null ? nan : x.performance(), x == null ? nan : x.performanceLow(), x == null ? nan : x.performanceHigh(),
                    x == null ? nan : x.pValue(), x == null ? nan : x.qValue(),
                    x == null || Double.isNaN(x.pValue()) ? "" : x.rawSignificant() ? "yes" : "no",
                    x == null || Double.isNaN(x.pValue()) ? 0 : x.family(),
                    c.verdict().name().toLowerCase(), c.regressionBeyond(threshold), x == null ? "" : x.note(), c.differs()));
            for (int i = 0; i < v.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(TabularReport.csvCell(v.get(i)));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static void addSummary(List<Object> v, Summary s) {
        if (s == null) {
            v.addAll(List.of("", Double.NaN, Double.NaN, Double.NaN, Double.NaN));
        } else {
            v.addAll(List.of(s.n(), s.mean(), s.median(), s.ciLow(), s.ciHigh()));
        }
    }

    /** A console table (markdown = false) or a Markdown table. */
    public static String table(String nameA, String nameB, List<Change> changes, double threshold, boolean markdown) {
        List<String> header = List.of("workload", "variant", "metric", "unit", "A median", "B median", "change", "95% CI",
                "p", "verdict");
        List<List<String>> rows = new ArrayList<>();
        for (Change c : changes) {
            String w = c.key().workload() + (c.key().params().isEmpty() ? "" : " (" + ReportData.paramsLabel(c.key().params()) + ")");
            Comparison x = c.change();
            String verdict = c.verdict() == Verdict.UNTESTED && !x.note().isEmpty() ? "untested: " + x.note()
                    : c.verdict().words() + (c.regressionBeyond(threshold) ? " beyond " + pct(threshold) : "")
                    + (x != null && x.lostToCorrection() ? " (CI excludes 0, not after correction)" : "");
            rows.add(List.of(w, c.variant() + (c.emulated() ? " EMULATED (TCG)" : ""), c.key().metricLabel(),
                    c.unit() + " " + c.direction().arrow(),
                    c.a() == null ? "-" : Format.number(c.a().median()), c.b() == null ? "-" : Format.number(c.b().median()),
                    x == null ? "-" : signedPct(x.ratio() - 1),
                    x == null || Double.isNaN(x.ratioLow()) ? "-" : "[" + signedPct(x.ratioLow() - 1) + ", " + signedPct(x.ratioHigh() - 1) + "]",
                    x == null ? "-" : Format.number(x.pValue()), verdict + (c.differs().isEmpty() ? "" : " !")));
        }
        StringBuilder sb = new StringBuilder();
        if (markdown) {
            sb.append("# isobench compare\n\nA: ").append(TabularReport.md(nameA)).append("  \nB: ").append(TabularReport.md(nameB))
                    .append("\n\n| ").append(String.join(" | ", header)).append(" |\n|---|---|---|---|--:|--:|--:|--:|--:|---|\n");
            for (List<String> r : rows) {
                sb.append("| ").append(String.join(" | ", r.stream().map(TabularReport::md).toList())).append(" |\n");
            }
        } else {
            sb.append("A: ").append(nameA).append("\nB: ").append(nameB).append("\n\n");
            TextTable t = new TextTable(header, false, false, false, false, true, true, true, true, true, false);
            rows.forEach(t::add);
            sb.append(t.render());
        }
        sb.append(markdown ? "\n" : "\n").append("change: (B - A) / A of the metric's mean, its 95% CI computed on the log scale of the ratio; ")
                .append("improved/REGRESSED only where that CI excludes 0 (t-test of the log ratio of means, p < 0.05) and the change stays ")
                .append("significant after the Benjamini-Hochberg correction over the ")
                .append(Multiplicity.Family.of(changes.stream().map(Change::change).toList()).tested())
                .append(" figures compared (false discovery rate 5%), ")
                .append("read by the metric's direction (\u2191 higher is better, \u2193 lower is better); ")
                .append("beyond ").append(pct(threshold)).append(": the whole CI is worse than the threshold.\n");
        return sb.toString();
    }

    private static String signedPct(double d) {
        return Double.isNaN(d) ? "-" : String.format(java.util.Locale.ROOT, "%+.1f%%", d * 100);
    }

    private static String pct(double d) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", d * 100);
    }
}
