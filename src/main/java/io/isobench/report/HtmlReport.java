package io.isobench.report;

import io.isobench.core.Bytes;
import io.isobench.report.chart.Html;
import io.isobench.report.chart.Chart;
import io.isobench.report.chart.SvgRenderer;
import io.isobench.result.Json;
import io.isobench.result.Sample;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.stats.Comparison;
import io.isobench.stats.MetricSummary;
import io.isobench.stats.Multiplicity;
import io.isobench.stats.Summary;
import io.isobench.workload.WorkloadFamily;
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
 * The run as one self-contained HTML page that answers its question on the first screen: the
 * findings (a variant-by-family table of headline ratios relative to the baseline, and at most
 * five sentences linked to their evidence, see {@link Findings}); then what qualifies them
 * (emulation, confounds, the run's notes); "you vs the study" ({@link StudyComparison}); per
 * workload one chart of its headline figure in the study's style, everything else folded under it
 * (every figure with each iteration's value, sweeps as lines, latency percentiles as grouped bars,
 * the headline's iterations as points); then the environments (every variant's configuration and
 * what the agent saw inside), the host, the tool and the exact command line, and the trials.
 *
 * <p>Size: a chart per figure made the quick suite's page a megabyte; here a figure's iterations
 * are numbers in its table row (each value, as measured to four digits), drawn as points only for
 * the headline figure, and samples.jsonl beside the page holds every value with its facts.
 *
 * <p>Self-contained: no script, no external font, style sheet or image; charts are inline SVG; a
 * Content-Security-Policy of {@code default-src 'none'} makes the browser refuse any load even if
 * something slipped in. Every run value is escaped with {@link Html#escape} and placed only in
 * element text or double-quoted attributes.
 */
public final class HtmlReport {

    /** Metrics drawn as latency percentiles: p50, p99.9, latency_p99, read_p95, latency_mean... */
    static final Pattern PERCENTILE = Pattern.compile("(?i)^(p\\d+(\\.\\d+)?|.*_p\\d+(\\.\\d+)?|latency(_.*)?|.*_latency)$");

    /** Most rows in one strip plot; the table always has everything. */
    static final int MAX_STRIPS = 40;
    /** Fact values longer than this are folded into a details element. */
    static final int LONG_VALUE = 400;

    private static final String CSS = """
            body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:0 auto;max-width:1180px;padding:0 18px 40px;color:#1a1a1a;line-height:1.4}
            h1{font-size:1.5em;margin:.8em 0 .3em}h2{font-size:1.25em;border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
            h3{font-size:1.05em;margin:1.3em 0 .4em}
            table{border-collapse:collapse;margin:.4em 0 1em;font-size:.86em}
            th,td{border:1px solid #d8d8d8;padding:3px 7px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
            th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            tr.emulated td{background:#f6f0e6}.emu{color:#a0522d;font-weight:bold;white-space:nowrap}
            .sig{font-weight:bold}.confounded{color:#b00020}ul.confounds{font-size:.9em}.fail{color:#b00020}.muted{color:#666}
            .pre{white-space:pre-wrap;font-family:"DejaVu Sans Mono",monospace;font-size:.95em;word-break:break-all}
            code{font-family:"DejaVu Sans Mono",monospace;background:#f5f5f5;padding:1px 3px;word-break:break-all}
            nav a{margin-right:1em;white-space:nowrap}.envs{display:flex;flex-wrap:wrap;gap:0 28px;align-items:flex-start}.env{max-width:100%}.charts{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
            svg.chart{border:1px solid #e2e2e2;max-width:100%;height:auto}
            .note{background:#fff8e1;border-left:4px solid #f0b400;padding:6px 10px;margin:.6em 0}
            summary{cursor:pointer}header h1{margin:.5em 0 .1em}p.meta{margin:0;color:#555;font-size:.88em}
            #findings h2{margin-top:.6em}table.findings{font-size:.86em;margin-bottom:.3em}table.findings th,td.f{padding:3px 5px}table.findings th small,td.f small{display:block;font-weight:normal;font-size:.8em;color:#444}
            table.findings th{overflow-wrap:normal}table.findings thead th{vertical-align:bottom}td.f{text-align:center;min-width:5em}td.f b{white-space:nowrap}td.f a{color:inherit;text-decoration:none;display:inline-block}
            .f.near{background:#e6f2e6}.f.unclear{background:#efefef}.f.missing{background:#fff;color:#777}
            .f.worse.s1{background:#fbe3dc}.f.worse.s2{background:#f4ae98}.f.worse.s3{background:#e0684b}
            .f.better.s1{background:#e1ecf8}.f.better.s2{background:#a9c9ee}.f.better.s3{background:#5d97d8}
            td.f.emulated{background-image:repeating-linear-gradient(135deg,rgba(120,120,120,.22) 0 3px,transparent 3px 8px)}
            span.f{padding:0 4px;border-radius:2px}b.mk{color:#b00020;margin-left:2px;font-size:.85em}td.f b.mk{vertical-align:super}
            p.key{font-size:.8em;color:#444;margin:.2em 0 .5em}ul.sentences{margin:.3em 0 .6em;padding-left:1.3em}ul.sentences li{margin:.15em 0}
            table.study td small{display:block;color:#555}tr.repro td:last-child{background:#e6f2e6}tr.differs td:last-child{background:#fbe3dc}
            tr.nm td{color:#666}ul.nm{font-size:.86em;color:#444}tr.unclear td:last-child{background:#efefef}section.workload details{margin:.3em 0 .8em}
            table.figures td{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}table.figures td:first-child{text-align:left;white-space:normal}tr.m th{text-align:left;background:#f7f7f7}
            table.figures td.it{text-align:left;font-size:.9em;color:#444;max-width:22em;white-space:normal}
            """;

    /** The raw figures, beside the page in the run folder. */
    static final String SAMPLES = "samples.jsonl";

    private final ReportData data;
    private final StudyReference study;
    private final List<StudyComparison.Row> studyRows;
    private final Findings findings;
    /** The sections an emulated VM ran at its smaller size ({@link ReportData#emulationSizes()}), found once per page. */
    private final Set<String> emulationSizes;
    private final List<Chart> charts = new ArrayList<>();
    private final StringBuilder out = new StringBuilder(64 * 1024);

    /** The page and the charts drawn in it (for {@code --plots}). */
    public record Page(String html, List<Chart> charts) {
    }

    private HtmlReport(ReportData data, StudyReference study) {
        this.data = data;
        this.study = study;
        this.studyRows = StudyComparison.of(data, study);
        this.findings = Findings.of(data, studyRows);
        this.emulationSizes = Set.copyOf(data.emulationSizes());
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
        findings();
        notes();
        nav();
        study();
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
                .append("significant: the ratio's CI excludes 1 (t-test of the log ratio of means, p &lt; 0.05) and it stays significant after the ")
                .append("Benjamini-Hochberg correction over the variant's comparisons (false discovery rate 5%; p is per comparison, q corrected; ")
                .append("counted under the <a href=\"#findings\">findings</a>). Ratio CIs are paired where ")
                .append("iterations pair up (iteration i of a variant and of the baseline ran back to back in the same round, so a slowdown of the ")
                .append("whole machine cancels; the ratio is then of the paired iterations' means), else unpaired; each ratio's tooltip says which. Every measured value, with ")
                .append("the facts recorded beside it, is in <a href=\"").append(SAMPLES).append("\">samples.jsonl</a> in the run folder.</p></footer>\n</body>\n</html>\n");
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

    /** One line of what was run, so that the findings fit the first screen; the details are in "host and tool". */
    private void header() {
        var rec = data.record();
        Object host = rec.host() == null ? null : rec.host().get("hostname");
        Object suite = rec.suite() == null ? null : rec.suite().get("name");
        out.append("<header>\n<h1>What isolation costs").append(host == null ? "" : " on host \u201c" + e(host) + "\u201d")
                .append("</h1>\n<p class=\"meta\">run ").append(e(rec.id()));
        if (suite != null) {
            out.append(" \u00b7 suite ").append(e(suite));
        }
        out.append(" \u00b7 baseline ").append(e(data.baseline()));
        if (rec.started() != null) {
            out.append(" \u00b7 ").append(e(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                    .withZone(java.time.ZoneOffset.UTC).format(rec.started())));
        }
        out.append(" \u00b7 ").append(rec.status() == null ? "" : e(rec.status().name().toLowerCase()
                + (rec.stopReason() == null ? "" : ": " + rec.stopReason())));
        out.append(" \u00b7 isobench ").append(e(rec.toolVersion())).append(" \u00b7 <a href=\"#host\">command, host and tool</a></p>\n</header>\n");
    }

    // ---------------------------------------------------------------- findings

    /** The answer first: a variant-by-family table of headline ratios, and sentences that say it. */
    private void findings() {
        out.append("<section id=\"findings\">\n<h2>Findings: performance relative to ").append(e(data.baseline())).append("</h2>\n");
        if (findings.rows().isEmpty() || findings.families().isEmpty()) {
            out.append(data.sections().isEmpty() ? "<p>No figures were measured in this run.</p>\n"
                    : "<p>Nothing to compare with " + e(data.baseline()) + ": no other variant measured a headline figure.</p>\n");
            out.append("</section>\n");
            return;
        }
        out.append("<table class=\"findings\">\n<thead><tr><th>variant</th>");
        for (WorkloadFamily f : findings.families()) {
            List<String> ws = new ArrayList<>(new LinkedHashSet<>(data.sections().stream()
                    .filter(s -> Findings.familyOf(s.workload()).filter(x -> x == f).isPresent()).map(ReportData.Section::workload).toList()));
            String headlines = String.join("; ", ws.stream().map(w -> w + ": " + Headlines.declaration(w).map(d -> d.noun())
                    .orElse("first figure")).toList());
            out.append("<th title=\"").append(e(f.title() + ": " + headlines + (ws.size() > 1 ? " (geometric mean)" : ""))).append("\">")
                    .append(e(f.title()).replace("/", "/<wbr>")).append("<small>").append(e(String.join(", ", ws))).append("</small></th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (Findings.Row r : findings.rows()) {
            ReportData.VariantInfo v = r.variant();
            // a long label breaks after "[" and ",", between its settings, not inside one
            out.append("<tr><th>").append(e(v.label()).replace("[", "[<wbr>").replace(",", ",<wbr>"))
                    .append(v.emulated() ? " <span class=\"emu\">EMULATED (TCG)</span>" : "").append("</th>");
            for (Findings.Cell c : r.cells()) {
                cell(c);
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        out.append("<p class=\"key\">Each cell: the workloads' <a href=\"#headlines\">headline figure</a> relative to ").append(e(data.baseline()))
                .append(" (above 1 is better), its 95% CI below; several workloads: their geometric mean. ")
                .append("<span class=\"f worse s2\">worse</span> <span class=\"f better s2\">better</span> (significant: the CI excludes 1")
                .append(" and the cell stays significant after the Holm correction over the run's cells; ")
                .append("darker is larger: ").append(Findings.NEAR_PERCENT).append("%, ").append(Findings.LARGE_PERCENT).append("%), ")
                .append("<span class=\"f near\">\u2248 native</span> the CI holds 1 within \u00b1").append(Findings.NEAR_PERCENT)
                .append("%, <span class=\"f unclear\">grey</span> not conclusive; <b class=\"mk\">!</b> confounded, <b class=\"mk\">?</b> questioned, ")
                .append("<b class=\"mk\">TCG</b> emulated (measures the emulator).</p>\n");
        out.append("<p class=\"key\">").append(e(findings.correction()))
                .append(" ").append(e(Multiplicity.Family.of(data.summaries().stream().map(MetricSummary::vsBaseline).toList())
                        .sentence(data.baseline() == null ? "the baseline" : data.baseline()))).append("</p>\n");
        if (!findings.sentences().isEmpty()) {
            out.append("<ul class=\"sentences\">\n");
            for (Findings.Sentence s : findings.sentences()) {
                out.append("<li>");
                for (Findings.Span sp : s.spans()) {
                    if (sp.anchor() == null) {
                        out.append(e(sp.text()));
                    } else {
                        out.append("<a href=\"#").append(Html.anchor(sp.anchor())).append("\">").append(e(sp.text())).append("</a>");
                    }
                }
                out.append("</li>\n");
            }
            out.append("</ul>\n");
        }
        out.append("</section>\n");
    }

    private void cell(Findings.Cell c) {
        String cls = switch (c.state()) {
            case NEAR -> "near";
            case BETTER -> "better s" + c.strength();
            case WORSE -> "worse s" + c.strength();
            case UNCLEAR -> "unclear";
            case MISSING -> "missing";
        };
        out.append("<td class=\"f ").append(cls).append(c.emulated() ? " emulated" : "").append("\" title=\"")
                .append(e(c.explain(data.baseline()))).append("\"><a href=\"#").append(Html.anchor(c.anchor())).append("\">")
                .append("<b>").append(e(c.text())).append("</b>");
        if (c.state() == Findings.State.MISSING) {
            out.append("<small>").append(e(c.note())).append("</small>");
        } else if (!c.interval().isEmpty()) {
            out.append("<small>").append(e(c.interval())).append("</small>");
        } else {
            out.append("<small>no CI</small>");
        }
        out.append("</a>");
        if (c.confounded()) {
            out.append("<b class=\"mk\">!</b>");
        }
        if (c.questioned()) {
            out.append("<b class=\"mk\">?</b>");
        }
        if (c.emulated() && c.state() != Findings.State.MISSING) {
            out.append("<b class=\"mk\">TCG</b>");
        }
        out.append("</td>");
    }

    /** What qualifies the findings: emulation, the run's own warnings, confounds, questions, failures. */
    private void notes() {
        var rec = data.record();
        if (data.anyEmulated()) {
            out.append("<p class=\"note\"><span class=\"emu\">EMULATED (TCG)</span> marks a VM that ran under software emulation, ")
                    .append("not KVM: its figures measure the emulator, not the cost of virtualization.")
                    .append(data.emulationSizesLegend() == null ? "" : " " + e(data.emulationSizesLegend())).append("</p>\n");
        }
        for (String legend : ReportData.variantLegends(data.variants().values())) {
            out.append("<p class=\"note\">").append(e(legend)).append("</p>\n");
        }
        long confounded = data.confounds().stream().filter(io.isobench.confound.Confound::confounds)
                .map(c -> List.of(c.workload(), c.params(), c.variant())).distinct().count();
        if (confounded > 0) {
            out.append("<p class=\"note fail\">").append(confounded).append(" comparison").append(confounded == 1 ? " is" : "s are")
                    .append(" confounded (marked !): something outside the comparison differs from the baseline; see the list under each")
                    .append(" workload's chart.</p>\n");
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
        if (rec.warnings() != null && !rec.warnings().isEmpty()) {
            // they qualify the findings (a busy host, an inherited variable): shown, unless so many they would push the rest away
            boolean fold = rec.warnings().size() > 3;
            out.append(fold ? "<details class=\"note\"><summary>" : "<div class=\"note\">").append("<b>").append(rec.warnings().size())
                    .append(" note").append(rec.warnings().size() == 1 ? "" : "s").append(" from the run</b>").append(fold ? "</summary>" : "")
                    .append("<ul>\n");
            for (String w : rec.warnings()) {
                out.append("<li>").append(e(w)).append("</li>\n");
            }
            out.append("</ul>").append(fold ? "</details>" : "</div>").append('\n');
        }
    }

    private void nav() {
        // a space after each link: the line may break between links, never inside one
        out.append("<nav><a href=\"#findings\">findings</a> ");
        if (!studyRows.isEmpty()) {
            out.append("<a href=\"#study\">vs the study</a> ");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (ReportData.Section s : data.sections()) {
            if (seen.add(s.workload())) {
                out.append("<a href=\"#w-").append(Html.anchor(s.workload())).append("\">").append(e(s.workload())).append("</a> ");
            }
        }
        out.append("<a href=\"#environments\">environments</a> <a href=\"#host\">host</a> <a href=\"#trials\">trials</a></nav>\n");
    }

    // ---------------------------------------------------------------- you vs the study

    private void study() {
        if (studyRows.isEmpty()) {
            return;
        }
        out.append("<section id=\"study\">\n<h2>You vs the study</h2>\n<p>The headline findings of Felter et al., ")
                .append("\u201cAn Updated Performance Comparison of Virtual Machines and Linux Containers\u201d (IBM, 2014), beside this host's. ")
                .append("Ratios are performance relative to native (above 1 is better). Reproduced: this run's ratio within ")
                .append(StudyComparison.TOLERANCE_PERCENT).append("% of the study's, or the study's inside this run's CI (when that CI is narrow).</p>\n")
                .append("<table class=\"study\">\n<thead><tr><th>study finding</th><th>study setup</th><th>study</th><th>this run</th>")
                .append("<th>95% CI</th><th>verdict</th></tr></thead>\n<tbody>\n");
        Map<String, List<StudyComparison.Row>> absent = new LinkedHashMap<>();
        for (StudyComparison.Row r : studyRows) {
            if (r.measured() == null) {
                absent.computeIfAbsent(r.detail(), k -> new ArrayList<>()).add(r);
                continue;
            }
            String cls = switch (r.verdict()) {
                case REPRODUCED -> "repro";
                case DIFFERS -> "differs";
                case INCONCLUSIVE -> "unclear";
                case NOT_MEASURED -> "nm";
            };
            out.append("<tr id=\"").append(Html.anchor(r.id())).append("\" class=\"").append(cls).append(r.emulated() ? " emulated" : "")
                    .append("\"><td>").append(e(r.finding().benchmark() + " " + r.finding().metric())).append("</td><td>")
                    .append(e(r.finding().setup())).append(r.variant() == null ? "" : "<small>here: " + e(r.variant())
                            + (r.emulated() ? " <span class=\"emu\">EMULATED (TCG)</span>" : "") + "</small>")
                    .append("</td><td class=\"num\">").append(Format.ratio(r.finding().performance())).append("</td>");
            if (r.measured() == null) {
                out.append("<td class=\"num\">-</td><td></td>");
            } else {
                Comparison c = r.measured().vsBaseline();
                out.append("<td class=\"num\"><a href=\"#w-").append(Html.anchor(r.measured().workload())).append("\">")
                        .append(Format.ratio(c.performance())).append("</a>").append(r.confounded() ? " <b class=\"mk\">!</b>" : "")
                        .append("</td><td class=\"num\">").append(Format.ratioInterval(c.performanceLow(), c.performanceHigh())).append("</td>");
            }
            out.append("<td><b>").append(e(r.verdict().word())).append("</b>: ").append(e(r.detail()))
                    .append(r.confounded() ? " (confounded: see the workload)" : "").append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        if (!absent.isEmpty()) {
            // the findings this run has no figure for, grouped by why: every one listed, compactly
            out.append("<p>Not measured here:</p>\n<ul class=\"nm\">\n");
            for (var e : absent.entrySet()) {
                out.append("<li><b>").append(e(e.getKey())).append("</b>: ");
                int i = 0;
                for (StudyComparison.Row r : e.getValue()) {
                    out.append(i++ == 0 ? "" : ", ").append("<span id=\"").append(Html.anchor(r.id())).append("\">")
                            .append(e(r.finding().benchmark() + " " + r.finding().metric() + " " + r.finding().setup())).append(" ")
                            .append(Format.ratio(r.finding().performance())).append("</span>");
                }
                out.append("</li>\n");
            }
            out.append("</ul>\n");
        }
        out.append("</section>\n");
    }

    // ---------------------------------------------------------------- workloads

    /** What differs between a variant and the baseline in this trial, and results isolation cannot explain. */
    private void confounds(List<ReportData.Section> sections) {
        var found = data.confounds().stream().filter(c -> sections.stream().anyMatch(s -> c.workload().equals(s.workload())
                && c.params().equals(s.params()))).toList();
        var questioned = data.questions().stream().filter(q -> sections.stream().anyMatch(s -> q.workload().equals(s.workload())
                && q.params().equals(s.params()))).toList();
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

    /**
     * A workload: its headline chart (the study's style) with what qualifies it, then every other
     * figure folded: tables with each iteration's value, sweeps, percentiles, the headline's iterations.
     */
    private void workload(String workload, List<ReportData.Section> sections) {
        out.append("<section id=\"w-").append(Html.anchor(workload)).append("\" class=\"workload\">\n<h2>").append(e(workload)).append("</h2>\n");
        Headlines.declaration(workload).ifPresent(d -> out.append("<p class=\"muted\">Headline: ").append(e(d.noun())).append(", ")
                .append(e(d.why())).append(".</p>\n"));
        Chart headline = headlineChart(workload, sections);
        if (headline != null) {
            chart(headline);
        }
        confounds(sections);
        long metrics = sections.stream().flatMap(s -> s.summaries().stream()).map(m -> m.key()).distinct().count();
        long samples = sections.stream().mapToLong(s -> s.samples().size()).sum();
        out.append("<details><summary>every figure of ").append(e(workload)).append(": ").append(metrics).append(" figure")
                .append(metrics == 1 ? "" : "s").append(" \u00d7 variant, ").append(samples).append(" measured values")
                .append(sections.size() > 1 ? ", " + sections.size() + " parameter sets" : "").append("</summary>\n");
        List<Chart> sweep = paramSweeps(workload, sections);
        if (!sweep.isEmpty()) {
            out.append("<h3>Across parameters</h3>\n<div class=\"charts\">\n");
            sweep.forEach(this::chart);
            out.append("</div>\n");
        }
        for (ReportData.Section s : sections) {
            out.append("<h3>").append(e(s.title())).append("</h3>\n");
            table(s);
            out.append("<div class=\"charts\">\n");
            labelSweeps(s).forEach(this::chart);
            percentiles(s).forEach(this::chart);
            strips(s).forEach(this::chart);
            out.append("</div>\n");
        }
        out.append("</details>\n</section>\n");
    }

    /** The headline figure per variant relative to the baseline, the study's ratio as a diamond; a row group per trial. */
    private Chart headlineChart(String workload, List<ReportData.Section> sections) {
        List<Charts.RelativeBar> bars = new ArrayList<>();
        Set<String> picked = new LinkedHashSet<>();
        String varying = sections.size() > 1 ? varyingKeys(sections) : "";
        for (ReportData.Section s : sections) {
            List<MetricSummary> base = s.summaries().stream().filter(m -> m.variant().equals(data.baseline())).toList();
            var pick = Headlines.pick(s.workload(), s.params(), base.isEmpty() ? s.summaries() : base);
            if (pick.isEmpty()) {
                continue;
            }
            picked.add(pick.get().label());
            String group = sections.size() > 1 ? varyingLabel(s.params(), varying) : "";
            List<MetricSummary> rows = s.summaries().stream().filter(m -> m.metric().equals(pick.get().metric()) && m.labels().equals(pick.get().labels()))
                    .sorted(java.util.Comparator.comparing((MetricSummary m) -> !m.variant().equals(data.baseline()))
                            .thenComparingInt(m -> data.variant(m.variant()).index())).toList();
            for (MetricSummary m : rows) {
                ReportData.VariantInfo v = data.variant(m.variant());
                boolean isBase = m.variant().equals(data.baseline());
                Comparison c = m.vsBaseline();
                if (!isBase && c == null) {
                    continue;
                }
                StudyReference.Ratio ref = studyRatio(m);
                String abs = Format.number(m.summary().mean()) + " " + m.unit();
                boolean confounded = !isBase && data.confounded(m.workload(), m.params(), m.variant());
                boolean questioned = !isBase && data.questions().stream().anyMatch(q -> q.workload().equals(m.workload())
                        && q.params().equals(m.params()) && q.variant().equals(m.variant()));
                String label = v.display() + (isBase ? " (baseline)" : "") + (confounded ? " !" : "") + (questioned ? " ?" : "");
                // the parameters are in the chart's own tooltip and the table; a bar's says what it shows
                String tip = (group.isEmpty() ? "" : group + " \u00b7 ") + v.display() + " " + m.key().metricLabel() + ": mean " + abs + (isBase ? ", the baseline" : ", " + Format.ratio(c.performance()) + " of " + data.baseline() + " "
                        + Format.ratioInterval(c.performanceLow(), c.performanceHigh()) + (c.note().isEmpty() ? ", p=" + Format.number(c.pValue())
                        + (c.family() > 1 ? ", q=" + Format.number(c.qValue()) : "") + (c.lostToCorrection() ? " (CI excludes 1 but not significant after correction for "
                        + c.family() + " comparisons)" : "") + ", " + methodText(c)
                        : ", no CI: " + c.note())) + (confounded ? "; confounded" : "") + (ref == null ? "" : "; study " + Format.ratio(ref.performance())
                        + " (" + ref.setup() + ")");
                bars.add(isBase ? new Charts.RelativeBar(group, label, Charts.colour(v.index(), v.emulated()), 1, Double.NaN, Double.NaN, false,
                        Double.NaN, abs, tip)
                        : new Charts.RelativeBar(group, label, Charts.colour(v.index(), v.emulated() || m.emulated()), c.performance(), c.performanceLow(),
                        c.performanceHigh(), c.significant(), ref == null ? Double.NaN : ref.performance(), abs, tip));
            }
        }
        if (bars.isEmpty()) {
            return null;
        }
        String what = picked.size() == 1 ? picked.iterator().next() : "headline figures";
        String title = workload + ": " + what + " relative to " + data.baseline();
        String tip = title + (sections.size() == 1 && !sections.get(0).params().isEmpty() ? " (" + ReportData.paramsLabel(sections.get(0).params()) + ")" : "");
        return Charts.relative("headline-" + Html.anchor(workload), title, tip, data.baseline(), bars);
    }

    /** The parameter keys whose values differ across a workload's trials, comma-joined. */
    private static String varyingKeys(List<ReportData.Section> sections) {
        List<String> keys = new ArrayList<>();
        for (String k : sections.get(0).params().keySet()) {
            if (sections.stream().map(s -> String.valueOf(s.params().get(k))).distinct().count() > 1) {
                keys.add(k);
            }
        }
        return String.join(",", keys);
    }

    private static String varyingLabel(Map<String, Object> params, String keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys.split(",")) {
            if (!k.isEmpty() && params.containsKey(k)) {
                sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(params.get(k));
            }
        }
        return sb.isEmpty() ? ReportData.paramsLabel(params) : sb.toString();
    }

    /**
     * Every figure of a trial: a heading row per metric (and labels) with its unit, then a row per
     * variant with its statistics, its ratio to the baseline and each iteration's value.
     */
    private void table(ReportData.Section s) {
        boolean anyStudy = s.summaries().stream().anyMatch(m -> studyRatio(m) != null);
        // the iteration count in a column only where it differs between rows; otherwise once, under the table
        boolean sameN = s.summaries().stream().map(m -> m.summary().n()).distinct().count() == 1;
        int columns = 7 + (sameN ? 0 : 1) + (anyStudy ? 1 : 0);
        out.append("<table class=\"figures\">\n<thead><tr><th>environment</th><th>median</th>")
                .append("<th>95% CI of mean</th>").append(sameN ? "" : "<th>n</th>").append("<th>vs ").append(e(data.baseline()))
                .append("</th><th>95% CI</th><th>sig (p)</th>")
                .append(anyStudy ? "<th>study (2014)</th>" : "").append("<th>each iteration</th></tr></thead>\n<tbody>\n");
        // each figure's measured values in iteration order: the raw data, compactly
        Map<List<Object>, List<Sample>> values = new LinkedHashMap<>();
        for (Sample x : s.samples()) {
            values.computeIfAbsent(List.of(x.variant(), x.metric(), x.labels()), k -> new ArrayList<>()).add(x);
        }
        MetricSummary.Key previous = null;
        // why an interval is missing -> the figures it is missing for, said once under the table
        Map<String, Set<String>> noCi = new LinkedHashMap<>();
        for (MetricSummary m : SummaryRow.ordered(data, s.summaries())) {
            ReportData.VariantInfo v = data.variant(m.variant());
            boolean emu = m.emulated() || v.emulated();
            boolean base = m.variant().equals(data.baseline());
            Comparison c = m.vsBaseline();
            if (!m.key().equals(previous)) {
                out.append("<tr class=\"m\"><th colspan=\"").append(columns).append("\">").append(e(m.key().metricLabel())).append(" <small>")
                        .append(e(m.unit())).append(' ').append(m.direction().arrow()).append("</small></th>\n");
                previous = m.key();
            }
            out.append(emu ? "<tr class=\"emulated\">" : "<tr>");
            out.append("<td>").append(e(m.variant())).append(emu ? " <span class=\"emu\">EMULATED (TCG)</span>" : "");
            cell(Format.number(m.summary().median()));
            if (m.summary().hasInterval()) {
                cell(Format.interval(m.summary().ciLow(), m.summary().ciHigh()));
            } else {
                out.append("<td title=\"").append(e(m.summary().ciNote())).append("\">-\u2020");
                noCi.computeIfAbsent(m.summary().ciNote(), k -> new LinkedHashSet<>()).add(m.key().metricLabel());
            }
            if (!sameN) {
                cell(String.valueOf(m.summary().n()));
            }
            if (base) {
                cell("1 (baseline)");
                cell("");
                out.append("<td>");
            } else if (c == null) {
                cell("-");
                cell("");
                out.append("<td>");
            } else {
                boolean confounded = data.confounded(m.workload(), m.params(), m.variant());
                String cls = ((c.significant() ? "sig " : "") + (confounded ? "confounded" : "")).strip();
                out.append("<td").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"")
                        .append(confounded ? " title=\"confounded: something outside the comparison differs (listed below the table)\"" : "")
                        .append('>').append(Format.ratio(c.performance())).append(confounded ? " !" : "");
                if (c.note().isEmpty()) {
                    out.append("<td title=\"").append(e(methodText(c))).append("\">").append(e(Format.ratioInterval(c.performanceLow(), c.performanceHigh())));
                } else {
                    out.append("<td title=\"").append(e(c.note())).append("\">-\u2020");
                    noCi.computeIfAbsent(c.note(), k -> new LinkedHashSet<>()).add(m.key().metricLabel());
                }
                out.append("<td").append(c.significant() ? " class=\"sig\"" : "")
                        .append(c.lostToCorrection() ? " title=\"CI excludes 1 but not significant after correction for " + c.family()
                                + " comparisons (Benjamini-Hochberg, FDR 5%)\"" : "")
                        .append('>').append(c.significant() ? "yes" : c.lostToCorrection() ? "no (corr.)" : "no")
                        .append(" (p=").append(e(pValue(c.pValue())));
                if (c.family() > 1 && Double.isFinite(c.qValue())) {
                    out.append(", q=").append(e(pValue(c.qValue())));
                }
                out.append(")");
            }
            if (anyStudy) {
                StudyReference.Ratio r = studyRatio(m);
                if (r == null) {
                    out.append("<td>");
                } else {
                    out.append("<td title=\"").append(e(r.describe())).append("\">").append(Format.ratio(r.performance()))
                            .append(" <span class=\"muted\">").append(e(r.setup())).append("</span>");
                }
            }
            List<Sample> its = values.getOrDefault(List.of(m.variant(), m.metric(), m.labels()), List.of()).stream()
                    .sorted(java.util.Comparator.comparingInt(Sample::iteration)).toList();
            out.append("<td class=\"it\">").append(e(String.join(" ", its.stream().map(x -> Format.number(x.value())).toList())));
            out.append('\n');
        }
        out.append("</tbody>\n</table>\n");
        noCi.forEach((why, metrics) -> out.append("<p class=\"muted\">\u2020 No CI for ").append(e(String.join(", ", metrics))).append(": ")
                .append(e(why)).append(".</p>\n"));
        out.append("<p class=\"muted\">").append(sameN && !s.summaries().isEmpty() ? "n = " + s.summaries().get(0).summary().n()
                        + " iterations in every row; " : "").append(s.samples().size()).append(" measured values (warm-ups left out), each with its facts in ")
                .append("<a href=\"").append(SAMPLES).append("\">samples.jsonl</a>; ratios are performance relative to ")
                .append(e(data.baseline())).append(" (above 1 is better).</p>\n");
    }

    /** A p-value to two significant digits: 0.052, 0.0011, 4.2e-06. */
    static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "-";
        }
        return p >= 1e-4 ? new java.math.BigDecimal(p).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString()
                : String.format(java.util.Locale.ROOT, "%.1e", p);
    }

    /**
     * A cell of a figures table: the table's style sets numbers right-aligned by column, not a class
     * per cell, and the end tags HTML makes optional (td, tr) are left out: a quick suite's tables
     * hold thousands of cells.
     */
    /** "paired over 6 iterations" or "unpaired": how a ratio's interval was built. */
    static String methodText(Comparison c) {
        return c.method() == Comparison.Method.PAIRED ? "CI paired over " + c.pairs() + " iterations" : "CI unpaired (iterations do not pair up)";
    }

        private void cell(String s) {
        out.append("<td>").append(e(s));
    }

    /** Lines over a numeric label (clients=, threads=) within one section: one chart per metric (but percentiles) and other labels. */
    private List<Chart> labelSweeps(ReportData.Section s) {
        List<Chart> out = new ArrayList<>();
        // latency percentiles are drawn per swept value as grouped bars (percentiles()); a line each would repeat them
        Map<String, List<MetricSummary>> byMetric = group(s.summaries().stream().filter(m -> !PERCENTILE.matcher(m.metric()).matches()).toList(),
                MetricSummary::metric);
        // where the workload declares its headline (redis GET, mysql tps), only the headline is drawn
        // across the sweep: the other commands' lines (six per section in the quick suite) are in the
        // table above, and drawing them all kept the page over its size
        String headline = Headlines.declaration(s.workload()).map(Headlines.Declaration::metric).orElse(null);
        if (headline != null && byMetric.containsKey(headline)) {
            byMetric.keySet().retainAll(Set.of(headline));
        }
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
    private List<Chart> paramSweeps(String workload, List<ReportData.Section> allSections) {
        List<Chart> out = new ArrayList<>();
        // a parameter that differs only because an emulated VM ran a smaller size is no sweep the user
        // asked for: lines across it would join two experiments (and drew 19 charts in the quick suite)
        List<ReportData.Section> sections = allSections.stream().filter(s -> !emulationSizes.contains(s.title())).toList();
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
        // in a sweep (clients, threads) at the headline's value only: every other value's percentiles are in the table
        List<MetricSummary> base = s.summaries().stream().filter(m -> m.variant().equals(data.baseline())).toList();
        var pick = Headlines.pick(s.workload(), s.params(), base.isEmpty() ? s.summaries() : base);
        String sweep = Headlines.declaration(s.workload()).map(Headlines.Declaration::sweepKey).orElse(null);
        Object at = sweep == null || pick.isEmpty() ? null : pick.get().labels().get(sweep);
        List<MetricSummary> pct = s.summaries().stream().filter(m -> PERCENTILE.matcher(m.metric()).matches())
                .filter(m -> at == null || !m.labels().containsKey(sweep) || at.equals(m.labels().get(sweep))).toList();
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

    /** The headline figure's raw iterations as points, a row per labels and variant. */
    private List<Chart> strips(ReportData.Section s) {
        List<Chart> out = new ArrayList<>();
        // the headline figure's iterations as points (outliers stand out); every other figure's are numbers in the table
        List<MetricSummary> base = s.summaries().stream().filter(m -> m.variant().equals(data.baseline())).toList();
        String headline = Headlines.pick(s.workload(), s.params(), base.isEmpty() ? s.summaries() : base).map(Headlines.Pick::metric).orElse(null);
        Map<String, List<Sample>> byMetric = group(s.samples().stream().filter(x -> x.metric().equals(headline)).toList(), Sample::metric);
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
                        Charts.colour(info.index(), info.emulated() || first.emulated()), v, Summary.medianOf(v)));
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
            out.append(e(v)).append(" <span class=\"muted\">(").append(e(Bytes.human(n.longValue()))).append(")</span>");
        } else {
            out.append(e(v));
        }
    }

    private void num(String s) {
        out.append("<td class=\"num\">").append(e(s)).append("</td>");
    }

    private static String e(Object v) {
        return Html.escape(v);
    }
}
