package io.isobench.report;

import io.isobench.report.chart.Chart;
import io.isobench.report.chart.SvgRenderer;
import io.isobench.result.Json;
import io.isobench.result.Sample;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.stats.Comparison;
import io.isobench.stats.MetricSummary;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The run as one self-contained HTML page: a summary of every environment relative to the
 * baseline on top, then per workload its figures table and charts (sweeps as lines, latency
 * percentiles as grouped bars, raw iterations as points), then the environments (every variant's
 * configuration and what the agent saw inside), the host, the tool and the exact command line,
 * and the trials with their failures.
 *
 * <p>Self-contained: no script, no external font, style sheet or image; charts are inline SVG; a
 * Content-Security-Policy of {@code default-src 'none'} makes the browser refuse any load even if
 * something slipped in. Every run value is escaped with {@link Html#escape} and placed only in
 * element text or double-quoted attributes.
 */
public final class HtmlReport {

    /** Metrics drawn as latency percentiles: p50, p99.9, latency_p99, read_p95, latency_mean... */
    static final Pattern PERCENTILE = Pattern.compile("(?i)^(p\\d+(\\.\\d+)?|.*_p\\d+(\\.\\d+)?|latency(_.*)?|.*_latency)$");

    /** Most bars in one summary chart and rows in one strip plot; the table always has everything. */
    static final int MAX_BARS = 60;
    static final int MAX_STRIPS = 40;
    /** Fact values longer than this are folded into a details element. */
    static final int LONG_VALUE = 400;

    private static final String CSS = """
            body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:0 auto;max-width:1180px;padding:0 18px 40px;color:#1a1a1a;line-height:1.4}
            h1{font-size:1.5em;margin:.8em 0 .3em}h2{font-size:1.25em;border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
            h3{font-size:1.05em;margin:1.3em 0 .4em}
            table{border-collapse:collapse;margin:.4em 0 1em;font-size:.86em}
            th,td{border:1px solid #d8d8d8;padding:3px 7px;text-align:left;vertical-align:top}
            th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            tr.emulated td{background:#f6f0e6}.emu{color:#a0522d;font-weight:bold;white-space:nowrap}
            .sig{font-weight:bold}.confounded{color:#b00020}ul.confounds{font-size:.9em}.fail{color:#b00020}.muted{color:#666}
            .pre{white-space:pre-wrap;font-family:"DejaVu Sans Mono",monospace;font-size:.95em;word-break:break-all}
            code{font-family:"DejaVu Sans Mono",monospace;background:#f5f5f5;padding:1px 3px;word-break:break-all}
            nav a{margin-right:1em}.envs{display:flex;flex-wrap:wrap;gap:0 28px;align-items:flex-start}.env{max-width:100%}.charts{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
            svg.chart{border:1px solid #e2e2e2;max-width:100%;height:auto}
            .note{background:#fff8e1;border-left:4px solid #f0b400;padding:6px 10px;margin:.6em 0}
            dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:.4em 0}dl.meta dt{font-weight:bold}dl.meta dd{margin:0}summary{cursor:pointer}
            """;

    private final ReportData data;
    private final StudyReference study;
    private final List<Chart> charts = new ArrayList<>();
    private final StringBuilder out = new StringBuilder(64 * 1024);

    /** The page and the charts drawn in it (for {@code --plots}). */
    public record Page(String html, List<Chart> charts) {
    }

    private HtmlReport(ReportData data, StudyReference study) {
        this.data = data;
        this.study = study;
    }

    public static Page build(ReportData data, StudyReference study) {
        HtmlReport r = new HtmlReport(data, study);
        r.page();
        return new Page(r.out.toString(), List.copyOf(r.charts));
    }

    // ---------------------------------------------------------------- page

    private void page() {
        var rec = data.record();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>isobench report ").append(e(rec.id())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        header();
        summary();
        List<String> workloads = new ArrayList<>(new LinkedHashSet<>(data.sections().stream().map(ReportData.Section::workload).toList()));
        for (String w : workloads) {
            workload(w, data.sections().stream().filter(s -> s.workload().equals(w)).toList());
        }
        for (Verdicts v : Verdicts.of(data.samples())) {
            verdicts(v);
        }
        environments();
        hostAndTool();
        trials();
        out.append("<footer class=\"muted\"><p>Written by isobench ").append(e(rec.toolVersion()))
                .append(" from the run folder alone (run.json and samples.jsonl). Ratios are performance relative to the baseline, ")
                .append("turned so that above 1 is better whichever way a metric points; CIs are 95%, computed on the log scale (never below 0; see the README); ")
                .append("significant: the ratio's CI excludes 1 (t-test of the log ratio of means, p &lt; 0.05).</p></footer>\n</body>\n</html>\n");
    }

    /** A probe-by-variant table of verdicts; the evidence is shown under each verdict. */
    private void verdicts(Verdicts v) {
        out.append("<section id=\"verdicts-").append(Html.anchor(v.workload())).append("\">\n<h2>").append(e(v.workload()))
                .append(": verdicts</h2>\n<table class=\"verdicts\">\n<tr><th>probe</th>");
        for (String variant : v.variants()) {
            out.append("<th>").append(e(variantDisplay(variant))).append("</th>");
        }
        out.append("</tr>\n");
        v.cells().forEach((probe, row) -> {
            out.append("<tr><th>").append(e(probe)).append("</th>");
            for (String variant : v.variants()) {
                Verdicts.Cell c = row.get(variant);
                out.append("<td>");
                if (c != null) {
                    out.append("<b>").append(e(c.verdict())).append("</b><br><small>").append(e(c.evidence())).append("</small>");
                }
                out.append("</td>");
            }
            out.append("</tr>\n");
        });
        out.append("</table>\n</section>\n");
    }

    private String variantDisplay(String label) {
        ReportData.VariantInfo info = data.variants().get(label);
        return info == null ? label : info.display();
    }

    private void header() {
        var rec = data.record();
        out.append("<header>\n<h1>isobench run ").append(e(rec.id())).append("</h1>\n<dl class=\"meta\">\n");
        dt("status", rec.status() == null ? "" : rec.status().name().toLowerCase() + (rec.stopReason() == null ? "" : ": " + rec.stopReason()));
        dt("started", rec.started());
        dt("ended", rec.ended());
        dt("baseline", data.baseline());
        Object suite = rec.suite() == null ? null : rec.suite().get("name");
        dt("suite", suite);
        dt("host", rec.host() == null ? null : rec.host().get("hostname"));
        dt("isobench", rec.toolVersion());
        out.append("<dt>command</dt><dd><code>").append(e(commandLine())).append("</code></dd>\n</dl>\n");
        out.append("<nav><a href=\"#summary\">summary</a>");
        Set<String> seen = new LinkedHashSet<>();
        for (ReportData.Section s : data.sections()) {
            if (seen.add(s.workload())) {
                out.append("<a href=\"#w-").append(Html.anchor(s.workload())).append("\">").append(e(s.workload())).append("</a>");
            }
        }
        out.append("<a href=\"#environments\">environments</a><a href=\"#host\">host</a><a href=\"#trials\">trials</a></nav>\n");
        if (data.anyEmulated()) {
            out.append("<p class=\"note\"><span class=\"emu\">EMULATED (TCG)</span> marks a VM that ran under software emulation, ")
                    .append("not KVM: its figures measure the emulator, not the cost of virtualization.</p>\n");
        }
        for (String legend : ReportData.variantLegends(data.variants().values())) {
            out.append("<p class=\"note\">").append(e(legend)).append("</p>\n");
        }
        if (rec.warnings() != null && !rec.warnings().isEmpty()) {
            out.append("<div class=\"note\"><b>notes from the run</b><ul>\n");
            for (String w : rec.warnings()) {
                out.append("<li>").append(e(w)).append("</li>\n");
            }
            out.append("</ul></div>\n");
        }
        long confounded = data.confounds().stream().filter(io.isobench.confound.Confound::confounds)
                .map(c -> List.of(c.workload(), c.params(), c.variant())).distinct().count();
        if (confounded > 0) {
            out.append("<p class=\"note fail\">").append(confounded).append(" comparison").append(confounded == 1 ? " is" : "s are")
                    .append(" confounded (marked !): something outside the comparison differs from the baseline; see the list under each")
                    .append(" table.</p>\n");
        }
        if (!data.questions().isEmpty()) {
            out.append("<p class=\"note fail\">").append(data.questions().size())
                    .append(" result(s) questioned (marked ?): faster than the baseline in a way isolation cannot explain.</p>\n");
        }
        long failed = trialsOf(TrialStatus.FAILED).size();
        if (failed > 0) {
            out.append("<p class=\"note fail\">").append(failed).append(" trial").append(failed == 1 ? "" : "s")
                    .append(" failed: see <a href=\"#trials\">trials</a>.</p>\n");
        }
        out.append("</header>\n");
    }

    // ---------------------------------------------------------------- summary

    private void summary() {
        out.append("<section id=\"summary\">\n<h2>Summary: performance relative to ").append(e(data.baseline())).append("</h2>\n");
        if (data.sections().isEmpty()) {
            out.append("<p>No figures were measured in this run.</p>\n</section>\n");
            return;
        }
        out.append("<p>Each bar is an environment's performance relative to ").append(e(data.baseline()))
                .append(" (dashed line at 1; above 1 is better, whichever way the metric points), the whisker its 95% confidence interval; ")
                .append("<b>*</b> marks a significant difference (the CI excludes 1: t-test of the log ratio of means, p &lt; 0.05)");
        if (data.summaries().stream().anyMatch(m -> studyRatio(m) != null)) {
            out.append("; a diamond is the ratio the 2014 study (Felter et al.) reported for the same benchmark and setup");
        }
        out.append(".</p>\n<div class=\"charts\">\n");
        int i = 0;
        for (ReportData.Section s : data.sections()) {
            i++;
            chart(summaryChart(s, i));
        }
        out.append("</div>\n</section>\n");
    }

    private Chart summaryChart(ReportData.Section s, int index) {
        List<MetricSummary> rows = SummaryRow.ordered(data, s.summaries());
        boolean oneMetric = rows.stream().map(m -> m.key().metricLabel()).distinct().count() == 1;
        List<Charts.RelativeBar> bars = new ArrayList<>();
        int total = 0;
        for (MetricSummary m : rows) {
            boolean isBase = m.variant().equals(data.baseline());
            Comparison c = m.vsBaseline();
            if (!isBase && c == null) {
                continue;
            }
            total++;
            if (bars.size() >= MAX_BARS) {
                continue;
            }
            ReportData.VariantInfo v = data.variant(m.variant());
            String label = oneMetric ? v.display() : m.key().metricLabel() + " \u00b7 " + v.display();
            StudyReference.Ratio ref = studyRatio(m);
            double st = ref == null ? Double.NaN : ref.performance();
            if (isBase) {
                bars.add(new Charts.RelativeBar(label + " (baseline)", Charts.colour(v.index(), v.emulated()), 1, Double.NaN,
                        Double.NaN, false, st, v.display() + " " + m.key().metricLabel() + ": baseline"));
            } else {
                if (data.confounded(m.workload(), m.params(), m.variant())) {
                    label = label + " (confounded!)";
                }
                bars.add(new Charts.RelativeBar(label, Charts.colour(v.index(), v.emulated()), c.performance(), c.performanceLow(),
                        c.performanceHigh(), c.significant(), st, v.display() + " " + m.key().metricLabel() + ": "
                        + Format.ratio(c.performance()) + " " + Format.ratioInterval(c.performanceLow(), c.performanceHigh())
                        + ", p=" + Format.number(c.pValue())));
            }
        }
        String title = s.title() + (total > bars.size() ? "  (first " + bars.size() + " of " + total + " bars; all in the table)" : "");
        return Charts.relative(String.format("%02d-summary-%s", index, Html.anchor(s.workload())), title, data.baseline(), bars);
    }

    // ---------------------------------------------------------------- workloads

    /** What differs between a variant and the baseline in this trial, and results isolation cannot explain. */
    private void confounds(ReportData.Section s) {
        var found = data.confounds().stream().filter(c -> c.workload().equals(s.workload()) && c.params().equals(s.params())).toList();
        var questioned = data.questions().stream().filter(q -> q.workload().equals(s.workload()) && q.params().equals(s.params())).toList();
        if (found.isEmpty() && questioned.isEmpty()) {
            return;
        }
        out.append("<ul class=\"confounds\">\n");
        for (var c : found) {
            out.append(c.confounds() ? "<li class=\"confounded\"><b>! confounded</b> " : "<li><b>the environment's own</b> ")
                    .append(e(c.describe())).append("</li>\n");
        }
        for (var q : questioned) {
            out.append("<li class=\"confounded\"><b>? questioned</b> ").append(e(q.note())).append("</li>\n");
        }
        out.append("</ul>\n");
    }

    private void workload(String workload, List<ReportData.Section> sections) {
        out.append("<section id=\"w-").append(Html.anchor(workload)).append("\">\n<h2>").append(e(workload)).append("</h2>\n");
        List<Chart> sweep = paramSweeps(workload, sections);
        if (!sweep.isEmpty()) {
            out.append("<h3>Across parameters</h3>\n<div class=\"charts\">\n");
            sweep.forEach(this::chart);
            out.append("</div>\n");
        }
        for (ReportData.Section s : sections) {
            if (sections.size() > 1 || !s.params().isEmpty()) {
                out.append("<h3>").append(e(s.title())).append("</h3>\n");
            }
            table(s);
            out.append("<div class=\"charts\">\n");
            labelSweeps(s).forEach(this::chart);
            percentiles(s).forEach(this::chart);
            strips(s).forEach(this::chart);
            out.append("</div>\n");
        }
        out.append("</section>\n");
    }

    private void table(ReportData.Section s) {
        boolean anyStudy = s.summaries().stream().anyMatch(m -> studyRatio(m) != null);
        out.append("<table class=\"figures\">\n<thead><tr><th>environment</th><th>metric</th><th>unit</th><th>median</th>")
                .append("<th>95% CI of mean</th><th>n</th><th>vs ").append(e(data.baseline())).append("</th><th>95% CI</th><th>sig (p)</th>")
                .append(anyStudy ? "<th>study (2014)</th>" : "").append("</tr></thead>\n<tbody>\n");
        for (MetricSummary m : SummaryRow.ordered(data, s.summaries())) {
            ReportData.VariantInfo v = data.variant(m.variant());
            boolean emu = m.emulated() || v.emulated();
            boolean base = m.variant().equals(data.baseline());
            Comparison c = m.vsBaseline();
            out.append(emu ? "<tr class=\"emulated\">" : "<tr>");
            out.append("<td>").append(e(m.variant())).append(emu ? " <span class=\"emu\">EMULATED (TCG)</span>" : "").append("</td>");
            out.append("<td>").append(e(m.key().metricLabel())).append("</td>");
            out.append("<td>").append(e(m.unit())).append(' ').append(m.direction().arrow()).append("</td>");
            num(Format.number(m.summary().median()));
            num(Format.interval(m.summary().ciLow(), m.summary().ciHigh()));
            num(String.valueOf(m.summary().n()));
            if (base) {
                num("1 (baseline)");
                num("");
                out.append("<td></td>");
            } else if (c == null) {
                num("-");
                num("");
                out.append("<td></td>");
            } else {
                boolean confounded = data.confounded(m.workload(), m.params(), m.variant());
                out.append("<td class=\"num").append(c.significant() ? " sig" : "").append(confounded ? " confounded" : "").append("\"")
                        .append(confounded ? " title=\"confounded: something outside the comparison differs (listed below the table)\"" : "")
                        .append('>').append(Format.ratio(c.performance())).append(confounded ? " !" : "").append("</td>");
                num(Format.ratioInterval(c.performanceLow(), c.performanceHigh()));
                out.append("<td").append(c.significant() ? " class=\"sig\"" : "").append('>').append(c.significant() ? "yes" : "no")
                        .append(" (").append(e(Format.number(c.pValue()))).append(")</td>");
            }
            if (anyStudy) {
                StudyReference.Ratio r = studyRatio(m);
                if (r == null) {
                    out.append("<td></td>");
                } else {
                    out.append("<td class=\"num\" title=\"").append(e(r.describe())).append("\">").append(Format.ratio(r.performance()))
                            .append(" <span class=\"muted\">").append(e(r.setup())).append("</span></td>");
                }
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        confounds(s);
        out.append("<p class=\"muted\">").append(s.samples().size()).append(" measured samples; ")
                .append("ratios are performance relative to ").append(e(data.baseline())).append(" (above 1 is better).</p>\n");
    }

    /** Lines over a numeric label (clients=, threads=) within one section: one chart per metric and other labels. */
    private List<Chart> labelSweeps(ReportData.Section s) {
        List<Chart> out = new ArrayList<>();
        Map<String, List<MetricSummary>> byMetric = group(s.summaries(), MetricSummary::metric);
        for (var e : byMetric.entrySet()) {
            String sweepKey = numericVaryingKey(e.getValue().stream().map(MetricSummary::labels).toList());
            if (sweepKey == null) {
                continue;
            }
            // one chart per combination of the other labels
            Map<String, List<MetricSummary>> byRest = group(e.getValue(), m -> {
                Map<String, Object> rest = new TreeMap<>(m.labels());
                rest.remove(sweepKey);
                return ReportData.paramsLabel(rest);
            });
            for (var r : byRest.entrySet()) {
                List<MetricSummary> ms = r.getValue();
                String title = e.getKey() + (r.getKey().isEmpty() ? "" : " " + r.getKey()) + " by " + sweepKey;
                out.add(Charts.lines(name(s, "sweep-" + e.getKey() + "-" + r.getKey()), title, sweepKey,
                        ms.get(0).unit() + " " + ms.get(0).direction().arrow() + " (mean, 95% CI)",
                        seriesOver(ms, m -> number(m.labels().get(sweepKey)))));
            }
        }
        return out;
    }

    /** Lines over a numeric parameter varied across a workload's trials (threads=1,2,4 as separate trials). */
    private List<Chart> paramSweeps(String workload, List<ReportData.Section> sections) {
        List<Chart> out = new ArrayList<>();
        if (sections.size() < 2) {
            return out;
        }
        String key = numericVaryingKey(sections.stream().map(ReportData.Section::params).toList());
        if (key == null) {
            return out;
        }
        // every other parameter must be the same, or the lines would mix different experiments
        Set<String> rest = new LinkedHashSet<>();
        for (ReportData.Section s : sections) {
            Map<String, Object> p = new TreeMap<>(s.params());
            p.remove(key);
            rest.add(p.toString());
        }
        if (rest.size() != 1) {
            return out;
        }
        List<MetricSummary> all = sections.stream().flatMap(s -> s.summaries().stream()).toList();
        Map<String, List<MetricSummary>> byMetric = group(all, m -> m.key().metricLabel());
        int i = 0;
        for (var e : byMetric.entrySet()) {
            if (i++ >= 12) {
                break;
            }
            MetricSummary first = e.getValue().get(0);
            out.add(Charts.lines(String.format("%s-by-%s-%s", Html.anchor(workload), Html.anchor(key), Html.anchor(e.getKey())),
                    workload + " " + e.getKey() + " by " + key, key, first.unit() + " " + first.direction().arrow() + " (mean, 95% CI)",
                    seriesOver(e.getValue(), m -> number(m.params().get(key)))));
        }
        return out;
    }

    /** A series per variant, points sorted by x. */
    private List<Charts.Series> seriesOver(List<MetricSummary> ms, java.util.function.ToDoubleFunction<MetricSummary> x) {
        Map<String, List<MetricSummary>> byVariant = group(ms, MetricSummary::variant);
        List<Charts.Series> series = new ArrayList<>();
        variantsInOrder(byVariant.keySet()).forEach(v -> {
            ReportData.VariantInfo info = data.variant(v);
            List<Charts.Point> pts = new ArrayList<>(byVariant.get(v).stream()
                    .map(m -> new Charts.Point(x.applyAsDouble(m), m.summary().mean(), m.summary().ciLow(), m.summary().ciHigh())).toList());
            pts.sort(java.util.Comparator.comparingDouble(Charts.Point::x));
            series.add(new Charts.Series(info.display(), Charts.colour(info.index(), info.emulated()), pts));
        });
        return series;
    }

    /** Latency percentiles as grouped bars: one chart per unit and labels, a group per percentile, a bar per variant. */
    private List<Chart> percentiles(ReportData.Section s) {
        List<Chart> out = new ArrayList<>();
        List<MetricSummary> pct = s.summaries().stream().filter(m -> PERCENTILE.matcher(m.metric()).matches()).toList();
        Map<String, List<MetricSummary>> byGroup = group(pct, m -> m.unit() + "\u0000" + ReportData.paramsLabel(m.labels()));
        for (var e : byGroup.entrySet()) {
            List<MetricSummary> ms = e.getValue();
            List<String> metrics = new ArrayList<>(new LinkedHashSet<>(ms.stream().map(MetricSummary::metric).toList()));
            metrics.sort(java.util.Comparator.comparingDouble(HtmlReport::percentileOrder).thenComparing(x -> x));
            Map<String, List<MetricSummary>> byVariant = group(ms, MetricSummary::variant);
            List<Charts.Series> series = new ArrayList<>();
            for (String v : variantsInOrder(byVariant.keySet())) {
                ReportData.VariantInfo info = data.variant(v);
                List<Charts.Point> pts = new ArrayList<>();
                for (int i = 0; i < metrics.size(); i++) {
                    String metric = metrics.get(i);
                    int gi = i;
                    pts.add(byVariant.get(v).stream().filter(m -> m.metric().equals(metric)).findFirst()
                            .map(m -> new Charts.Point(gi, m.summary().mean(), m.summary().ciLow(), m.summary().ciHigh()))
                            .orElse(new Charts.Point(gi, Double.NaN, Double.NaN, Double.NaN)));
                }
                series.add(new Charts.Series(info.display(), Charts.colour(info.index(), info.emulated()), pts));
            }
            String labels = ReportData.paramsLabel(ms.get(0).labels());
            out.add(Charts.groupedBars(name(s, "latency-" + e.getKey()), "latency percentiles" + (labels.isEmpty() ? "" : " " + labels),
                    metrics, ms.get(0).unit() + " \u2193 (mean, 95% CI)", series));
        }
        return out;
    }

    /** "p99.9" sorts as 99.9; "latency_mean" after the percentiles. */
    static double percentileOrder(String metric) {
        var m = Pattern.compile("p(\\d+(\\.\\d+)?)$").matcher(metric);
        if (m.find()) {
            String d = m.group(1);
            // p999 is 99.9, p9999 is 99.99: digits after the second are decimals
            if (!d.contains(".") && d.length() > 2) {
                d = d.substring(0, 2) + "." + d.substring(2);
            }
            return Double.parseDouble(d);
        }
        return 1000;
    }

    /** Raw iterations as points, one chart per metric, a row per labels and variant. */
    private List<Chart> strips(ReportData.Section s) {
        List<Chart> out = new ArrayList<>();
        Map<String, List<Sample>> byMetric = group(s.samples(), Sample::metric);
        for (var e : byMetric.entrySet()) {
            Map<String, List<Sample>> rows = group(e.getValue(), x -> x.variant() + "\u0000" + SummaryRow.labelOrderKey(x.labels()));
            List<Map.Entry<String, List<Sample>>> ordered = new ArrayList<>(rows.entrySet());
            ordered.sort(java.util.Comparator.comparing((Map.Entry<String, List<Sample>> r) -> SummaryRow.labelOrderKey(r.getValue().get(0).labels()))
                    .thenComparingInt(r -> data.variant(r.getValue().get(0).variant()).index()));
            List<Charts.Strip> strips = new ArrayList<>();
            for (var r : ordered) {
                if (strips.size() >= MAX_STRIPS) {
                    break;
                }
                Sample first = r.getValue().get(0);
                ReportData.VariantInfo info = data.variant(first.variant());
                double[] v = r.getValue().stream().mapToDouble(Sample::value).toArray();
                String labels = ReportData.paramsLabel(first.labels());
                strips.add(new Charts.Strip((labels.isEmpty() ? "" : labels + " \u00b7 ") + info.display(),
                        Charts.colour(info.index(), info.emulated() || first.emulated()), v, median(v)));
            }
            Sample first = e.getValue().get(0);
            String title = e.getKey() + ": every iteration" + (rows.size() > strips.size() ? " (first " + strips.size() + " of " + rows.size() + " rows)" : "");
            out.add(Charts.strip(name(s, "iterations-" + e.getKey()), title, first.unit() + " " + first.direction().arrow(), strips));
        }
        return out;
    }

    // ---------------------------------------------------------------- environments, host, trials

    private void environments() {
        out.append("<section id=\"environments\">\n<h2>Environments</h2>\n");
        var facts = data.record().environments() == null ? Map.<String, Map<String, Object>>of() : data.record().environments();
        if (data.variants().isEmpty()) {
            out.append("<p>No environment was started.</p>\n");
        }
        out.append("<div class=\"envs\">\n");
        for (ReportData.VariantInfo v : data.variants().values()) {
            out.append("<div class=\"env\">\n<h3>").append(e(v.label())).append(v.emulated() ? " <span class=\"emu\">EMULATED (TCG)</span>" : "")
                    .append(v.label().equals(data.baseline()) ? " <span class=\"muted\">(baseline)</span>" : "").append("</h3>\n");
            out.append("<table class=\"facts\">\n<tr><th>environment</th><td>").append(e(v.environment())).append("</td></tr>\n");
            out.append("<tr><th>settings</th><td>").append(v.settings().isEmpty() ? "<span class=\"muted\">defaults</span>"
                    : e(ReportData.paramsLabel(new LinkedHashMap<>(v.settings())))).append("</td></tr>\n");
            Map<String, Object> f = facts.get(v.label());
            if (f == null || f.isEmpty()) {
                out.append("<tr><th>facts</th><td class=\"muted\">none recorded (the environment did not start)</td></tr>\n");
            } else {
                Object inside = f.get("inside");
                for (var x : f.entrySet()) {
                    if (!x.getKey().equals("inside")) {
                        factRow(x.getKey(), x.getValue());
                    }
                }
                if (inside != null) {
                    out.append("<tr><th>seen from inside</th><td>");
                    value(inside);
                    out.append("</td></tr>\n");
                }
            }
            out.append("</table>\n</div>\n");
        }
        out.append("</div>\n</section>\n");
    }

    private void hostAndTool() {
        var rec = data.record();
        out.append("<section id=\"host\">\n<h2>Host and tool</h2>\n<table class=\"facts\">\n");
        if (rec.host() != null) {
            rec.host().forEach(this::factRow);
        }
        factRow("isobench version", rec.toolVersion());
        out.append("<tr><th>command line</th><td><code>").append(e(commandLine())).append("</code></td></tr>\n");
        out.append("</table>\n");
        if (rec.suite() != null) {
            out.append("<h3>Suite as run</h3>\n<div class=\"pre\">");
            try {
                out.append(e(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(rec.suite())));
            } catch (Exception ex) {
                out.append(e(String.valueOf(rec.suite())));
            }
            out.append("</div>\n");
        }
        out.append("</section>\n");
    }

    private void trials() {
        out.append("<section id=\"trials\">\n<h2>Trials</h2>\n");
        List<TrialRecord> ts = data.record().trials() == null ? List.of() : data.record().trials();
        if (ts.isEmpty()) {
            out.append("<p>No trials.</p>\n</section>\n");
            return;
        }
        out.append("<table class=\"trials\">\n<thead><tr><th>trial</th><th>workload</th><th>parameters</th><th>variant</th><th>status</th>")
                .append("<th>iterations</th><th>warm-ups</th><th>lost</th><th>failure</th></tr></thead>\n<tbody>\n");
        for (TrialRecord t : ts) {
            ReportData.VariantInfo v = data.variant(t.variant());
            out.append(v.emulated() ? "<tr class=\"emulated\">" : "<tr>");
            out.append("<td>").append(e(t.id())).append("</td><td>").append(e(t.workload())).append("</td><td>")
                    .append(e(t.params() == null ? "" : ReportData.paramsLabel(t.params()))).append("</td><td>").append(e(t.variant()))
                    .append(v.emulated() ? " <span class=\"emu\">EMULATED (TCG)</span>" : "").append("</td>");
            boolean failed = t.status() == TrialStatus.FAILED;
            out.append("<td").append(failed ? " class=\"fail\"" : "").append('>').append(t.status() == null ? "" : t.status().name().toLowerCase())
                    .append("</td>");
            num(String.valueOf(t.iterationsDone()));
            num(String.valueOf(t.warmupsDone()));
            num(String.valueOf(t.lost().size()));
            StringBuilder why = new StringBuilder();
            for (TrialRecord.LostIteration l : t.lost()) {
                why.append("lost iteration ").append(l.iteration()).append(l.warmup() ? " (warm-up)" : "").append(": ").append(l.reason()).append('\n');
            }
            if (t.failure() != null) {
                why.append(t.failure());
            }
            out.append("<td>").append(why.isEmpty() ? "" : "<div class=\"pre" + (failed ? " fail" : "") + "\">" + e(why.toString().strip()) + "</div>")
                    .append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n</section>\n");
    }

    // ---------------------------------------------------------------- helpers

    private void chart(Chart c) {
        charts.add(c);
        out.append(SvgRenderer.inline(c));
    }

    private String name(ReportData.Section s, String what) {
        return String.format("%02d-%s-%s", data.sections().indexOf(s) + 1, Html.anchor(s.workload()), Html.anchor(what));
    }

    private StudyReference.Ratio studyRatio(MetricSummary m) {
        if (study == null) {
            return null;
        }
        ReportData.VariantInfo v = data.variant(m.variant());
        if (m.variant().equals(data.baseline())) {
            return null;
        }
        return study.ratio(m.workload(), m.metric(), m.labels(), m.params(), v.environment(), v.settings()).orElse(null);
    }

    private List<String> variantsInOrder(Collection<String> variants) {
        List<String> l = new ArrayList<>(variants);
        l.sort(java.util.Comparator.comparingInt(v -> data.variant(v).index()));
        return l;
    }

    /** The label key whose values are all numbers and take two or more values, or null. */
    static String numericVaryingKey(List<Map<String, Object>> maps) {
        if (maps.isEmpty()) {
            return null;
        }
        for (String k : maps.get(0).keySet()) {
            Set<Double> values = new LinkedHashSet<>();
            boolean ok = true;
            for (Map<String, Object> m : maps) {
                double d = number(m.get(k));
                if (Double.isNaN(d)) {
                    ok = false;
                    break;
                }
                values.add(d);
            }
            if (ok && values.size() >= 2) {
                return k;
            }
        }
        return null;
    }

    static double number(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static <T> Map<String, List<T>> group(Collection<T> items, java.util.function.Function<T, String> key) {
        Map<String, List<T>> m = new LinkedHashMap<>();
        for (T t : items) {
            m.computeIfAbsent(key.apply(t), k -> new ArrayList<>()).add(t);
        }
        return m;
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private List<TrialRecord> trialsOf(TrialStatus status) {
        return data.record().trials() == null ? List.of() : data.record().trials().stream().filter(t -> t.status() == status).toList();
    }

    private String commandLine() {
        List<String> cmd = data.record().commandLine();
        if (cmd == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String a : cmd) {
            sb.append(sb.isEmpty() ? "" : " ").append(a.matches("[A-Za-z0-9_./=:,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    private void factRow(String key, Object value) {
        out.append("<tr><th>").append(e(key)).append("</th><td>");
        value(key, value);
        out.append("</td></tr>\n");
    }

    /** A fact value: nested maps as nested tables, lists as lines, multi-line text kept as lines. */
    private void value(Object v) {
        value(null, v);
    }

    private void value(String key, Object v) {
        if (v instanceof Map<?, ?> m) {
            out.append("<table class=\"nested\">\n");
            m.forEach((k, x) -> factRow(String.valueOf(k), x));
            out.append("</table>");
        } else if (v instanceof List<?> l) {
            out.append("<div class=\"pre\">");
            for (Object x : l) {
                out.append(e(String.valueOf(x))).append('\n');
            }
            out.append("</div>");
        } else if (v != null && v.toString().contains("\n")) {
            out.append("<div class=\"pre\">").append(e(v)).append("</div>");
        } else if (v != null && v.toString().length() > LONG_VALUE) {
            // a class path or a QEMU command line: folded (no script needed), the whole text one click away
            String t = v.toString();
            out.append("<details><summary><code>").append(e(t.substring(0, 100))).append("\u2026</code> <span class=\"muted\">(")
                    .append(t.length()).append(" characters)</span></summary><code>").append(e(t)).append("</code></details>");
        } else if (v != null && v.toString().length() > 80) {
            out.append("<code>").append(e(v)).append("</code>");
        } else if (key != null && key.endsWith("bytes") && v instanceof Number n && n.longValue() > 0) {
            out.append(e(v)).append(" <span class=\"muted\">(").append(e(bytes(n.longValue()))).append(")</span>");
        } else {
            out.append(e(v));
        }
    }

    /** "1.0 GiB" beside a byte count, for the reader's eye. */
    static String bytes(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    private void dt(String k, Object v) {
        if (v != null) {
            out.append("<dt>").append(e(k)).append("</dt><dd>").append(e(v)).append("</dd>\n");
        }
    }

    private void num(String s) {
        out.append("<td class=\"num\">").append(e(s)).append("</td>");
    }

    private static String e(Object v) {
        return Html.escape(v);
    }
}
