package io.isobench.report;

import io.isobench.result.RunRecord;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.stats.Comparison;
import io.isobench.stats.MetricSummary;
import io.isobench.stats.Multiplicity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table a run ends with: per workload and parameters, each variant's figures (median, 95% CI
 * of the mean, n), the performance relative to the baseline with its CI, and whether the
 * difference is significant. Emulated environments are marked on every row. Where an interval is
 * missing, a line under the tables says why (one iteration, a tail percentile from few iterations).
 * At its end, the findings in a few sentences ({@link Findings}).
 */
public final class ConsoleReport {

    private ConsoleReport() {
    }

    /** The table, with each trial's confounds and questioned results under it. */
    public static String render(ReportData data) {
        RunRecord run = data.record();
        List<MetricSummary> summaries = data.summaries();
        String baseline = data.baseline();
        StringBuilder out = new StringBuilder();
        Map<String, List<MetricSummary>> byWorkload = new LinkedHashMap<>();
        Map<String, MetricSummary> firstOf = new LinkedHashMap<>();
        for (MetricSummary m : summaries) {
            String params = m.params().isEmpty() ? "" : "  (" + paramsLabel(m.params()) + ")";
            byWorkload.computeIfAbsent(m.workload() + params, k -> new java.util.ArrayList<>()).add(m);
            firstOf.putIfAbsent(m.workload() + params, m);
        }
        boolean anyEmulated = false;
        boolean anyConfounded = false;
        // why an interval is missing -> the metrics it is missing for, each said once under the tables
        Map<String, java.util.Set<String>> missing = new LinkedHashMap<>();
        // ratios whose interval could not be paired by iteration (too few common iterations)
        java.util.Set<String> unpaired = new java.util.LinkedHashSet<>();
        for (var e : byWorkload.entrySet()) {
            MetricSummary first = firstOf.get(e.getKey());
            out.append('\n').append("== ").append(e.getKey()).append('\n');
            TextTable t = new TextTable(List.of("environment", "metric", "unit", "median", "95% CI of mean", "n",
                    "vs " + (baseline == null ? "baseline" : baseline), "95% CI", "sig"),
                    false, false, false, true, true, true, true, true, false);
            List<MetricSummary> rows = new java.util.ArrayList<>(e.getValue());
            rows.sort(java.util.Comparator.comparing((MetricSummary m) -> m.key().metricLabel())
                    .thenComparing(m -> !m.variant().equals(baseline)));
            for (MetricSummary m : rows) {
                Comparison c = m.vsBaseline();
                anyEmulated |= m.emulated();
                String why = !m.summary().ciNote().isEmpty() ? m.summary().ciNote() : c == null ? "" : c.note();
                if (!why.isEmpty()) {
                    missing.computeIfAbsent(why, k -> new java.util.LinkedHashSet<>()).add(m.key().metricLabel());
                }
                if (c != null && why.isEmpty() && c.method() == Comparison.Method.UNPAIRED) {
                    unpaired.add(m.workload() + " " + m.key().metricLabel() + " @ " + m.variant());
                }
                t.add(List.of(
                        m.variant() + (m.emulated() ? " EMULATED (TCG)" : ""),
                        m.key().metricLabel(),
                        m.unit() + " " + m.direction().arrow(),
                        Format.number(m.summary().median()),
                        Format.interval(m.summary().ciLow(), m.summary().ciHigh()),
                        String.valueOf(m.summary().n()),
                        m.variant().equals(baseline) ? "1 (baseline)" : c == null ? "-" : Format.ratio(c.performance())
                                + (data.confounded(m.workload(), m.params(), m.variant()) ? " !" : ""),
                        c == null ? "" : Format.ratioInterval(c.performanceLow(), c.performanceHigh()),
                        sig(c)));
            }
            out.append(t.render());
            for (io.isobench.confound.Confound c : data.confounds()) {
                if (c.workload().equals(first.workload()) && c.params().equals(first.params())) {
                    anyConfounded |= c.confounds();
                    out.append(c.confounds() ? "! confounded: " : "  the environment's own: ").append(c.describe()).append('\n');
                }
            }
            for (var q : data.questions()) {
                if (q.workload().equals(first.workload()) && q.params().equals(first.params())) {
                    out.append("? questioned: ").append(q.note()).append('\n');
                }
            }
        }
        if (summaries.isEmpty()) {
            out.append("\nno figures were measured\n");
        } else {
            out.append("\n'vs ").append(baseline == null ? "baseline" : baseline)
                    .append("' is performance relative to the baseline: above 1 is better, whichever way the metric points")
                    .append(" (\u2191 higher is better, \u2193 lower is better); CIs are 95%, computed on the log scale")
                    .append(" (never below 0); sig: the ratio's CI excludes 1 (t-test of the log ratio of means, p < 0.05)")
                    .append(" and it stays significant after the correction for the run's many comparisons (below);")
                    .append(" 'no (corr.)': its own CI excludes 1, but it is not significant after that correction.")
                    .append(" Ratio CIs are paired: iteration i of a variant and of the baseline ran in the same round, back to back,")
                    .append(" so a slowdown of the whole machine cancels (delta method over the paired iterations, whose means the ratio is).\n");
            out.append(Multiplicity.Family.of(summaries.stream().map(MetricSummary::vsBaseline).toList())
                    .sentence(baseline == null ? "the baseline" : baseline)).append('\n');
            if (!unpaired.isEmpty()) {
                out.append("unpaired ratio CI (fewer than ").append(Comparison.MIN_PAIRS)
                        .append(" iterations pair up; the two sides taken as independent) for: ").append(String.join(", ", unpaired)).append(".\n");
            }
            missing.forEach((why, metrics) -> out.append("no CI for ").append(String.join(", ", metrics)).append(": ").append(why)
                    .append(".\n"));
        }
        if (anyConfounded) {
            out.append("! confounded: something outside the comparison differs between that variant and the baseline (listed under"
                    + " its table): its ratio measures more than the isolation.\n");
        }
        if (anyEmulated) {
            out.append("EMULATED (TCG): this VM ran under TCG software emulation, not KVM: its figures measure the emulator, not virtualization overhead.\n");
            String sizes = data.emulationSizesLegend();
            if (sizes != null) {
                out.append(sizes).append('\n');
            }
        }
        ReportData.variantLegends(data.variants().values()).forEach(l -> out.append(l).append('\n'));
        Findings findings = Findings.of(data, StudyComparison.of(data, StudyReference.bundled()));
        if (!findings.sentences().isEmpty()) {
            out.append("\nFindings (report.html has them as a table, with their evidence):\n");
            findings.sentences().forEach(s -> out.append("- ").append(s.text()).append('\n'));
            out.append("(").append(findings.correction()).append(")\n");
        }
        List<TrialRecord> failed = run.trials() == null ? List.of()
                : run.trials().stream().filter(t -> t.status() == TrialStatus.FAILED).toList();
        if (!failed.isEmpty()) {
            out.append("\nFailed trials:\n");
            for (TrialRecord f : failed) {
                out.append("  ").append(f.id()).append(' ').append(f.workload()).append(" @ ").append(f.variant()).append(": ")
                        .append(f.failure() == null ? "" : f.failure().lines().findFirst().orElse("")).append('\n');
            }
        }
        List<TrialRecord> lost = run.trials() == null ? List.of() : run.trials().stream().filter(t -> !t.lost().isEmpty()).toList();
        if (!lost.isEmpty()) {
            out.append("\nIterations lost to an agent's death (each retried on a fresh instance):\n");
            for (TrialRecord t : lost) {
                out.append("  ").append(t.id()).append(' ').append(t.workload()).append(" @ ").append(t.variant()).append(": ")
                        .append(t.lost().size()).append(" lost; ").append(t.lost().get(t.lost().size() - 1).reason()).append('\n');
            }
        }
        return out.toString();
    }

    /** "yes", "no", "no (corr.)" (its CI excludes 1 but not after the correction), "" without a comparison. */
    static String sig(Comparison c) {
        if (c == null) {
            return "";
        }
        return c.significant() ? "yes" : c.lostToCorrection() ? "no (corr.)" : "no";
    }

    static String paramsLabel(Map<String, Object> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
