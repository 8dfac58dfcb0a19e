package io.isobench.report;

import io.isobench.result.RunRecord;
import io.isobench.result.Sample;
import io.isobench.result.TrialRecord;
import io.isobench.stats.MetricSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The host dimension of a fleet run (samples tagged with the host that measured them): each host's
 * figures are compared with that host's own baseline only, never across hosts. The report is a
 * cross-host table (each variant's headline figure relative to the baseline, per host) and, under
 * it, the usual report of each host.
 */
public final class HostsReport {

    /** One host's part of the run: its name and its report data. */
    public record Part(String host, ReportData data) {
    }

    /** How one host of a fleet fared, from run.json: a host that never connected has no samples but is here. */
    public record HostStatus(String host, String target, String status, String reason, long samples) {
        boolean ok() {
            return "done".equals(status);
        }

        String line() {
            return (ok() ? status : status.toUpperCase(java.util.Locale.ROOT)) + ", " + samples + " samples"
                    + (reason == null ? "" : ": " + reason);
        }
    }

    private HostsReport() {
    }

    /** Whether run.json is that of a fleet run (it holds each host's state). */
    public static boolean isFleet(RunRecord r) {
        return r.host() != null && r.host().get("fleet") instanceof Map<?, ?>;
    }

    /** Every host of a fleet's run.json, in its order, with its state and, when it failed, why. */
    public static List<HostStatus> statuses(RunRecord r) {
        List<HostStatus> out = new ArrayList<>();
        if (isFleet(r)) {
            ((Map<?, ?>) r.host().get("fleet")).forEach((k, v) -> {
                if (v instanceof Map<?, ?> m) {
                    out.add(new HostStatus(String.valueOf(k), m.get("target") == null ? "" : String.valueOf(m.get("target")),
                            m.get("status") == null ? "?" : String.valueOf(m.get("status")), m.get("reason") == null ? null
                            : String.valueOf(m.get("reason")), m.get("samples") instanceof Number n ? n.longValue() : 0));
                }
            });
        }
        return out;
    }

    /** The hosts the samples were measured on, in order of first appearance; empty for a one-machine run. */
    public static List<String> hosts(List<Sample> samples) {
        return new ArrayList<>(new LinkedHashSet<>(samples.stream().map(Sample::host).filter(Objects::nonNull).toList()));
    }

    /** The trial ids of host {@code host} in a fleet's run.json: {@code host/id}. */
    public static String trialPrefix(String host) {
        return host + "/";
    }

    /** Each host's report data: its samples, and its trials and variants' facts from run.json. */
    public static List<Part> parts(RunRecord record, List<Sample> samples, String baseline) {
        List<Part> parts = new ArrayList<>();
        for (String h : hosts(samples)) {
            parts.add(new Part(h, new ReportData(forHost(record, h), samples.stream().filter(s -> h.equals(s.host())).toList(), baseline)));
        }
        return parts;
    }

    /** run.json as host {@code h} alone wrote it: its trials and variants, ids without the host. */
    static RunRecord forHost(RunRecord r, String h) {
        String p = trialPrefix(h);
        List<TrialRecord> trials = new ArrayList<>();
        for (TrialRecord t : r.trials() == null ? List.<TrialRecord>of() : r.trials()) {
            if (t.id().startsWith(p)) {
                trials.add(new TrialRecord(t.id().substring(p.length()), t.workload(), t.params(), t.environment(), t.variant(),
                        t.settings(), t.status(), t.iterationsDone(), t.warmupsDone(), t.failure(), t.lost()));
            }
        }
        Map<String, Map<String, Object>> envs = new LinkedHashMap<>();
        if (r.environments() != null) {
            r.environments().forEach((k, v) -> {
                if (k.startsWith(p)) {
                    envs.put(k.substring(p.length()), v);
                }
            });
        }
        // the host's own facts (CPU, kernel, noise) as its run recorded them, not the controller's
        Map<String, Object> facts = r.host();
        Map<String, Object> agentEnv = r.agentEnvironment();
        if (r.host() != null && r.host().get("fleet") instanceof Map<?, ?> fleet && fleet.get(h) instanceof Map<?, ?> m
                && m.get("run") instanceof Map<?, ?> run) {
            if (run.get("host") instanceof Map<?, ?> hf) {
                facts = castMap(hf);
            }
            if (run.get("agentEnvironment") instanceof Map<?, ?> ae) {
                agentEnv = castMap(ae);
            }
        }
        return new RunRecord(r.id() + " (host " + h + ")", r.toolVersion(), r.commandLine(), r.started(), r.ended(), r.status(),
                r.stopReason(), r.suite(), facts, agentEnv, r.warnings(), envs, trials, r.timing());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** One row per workload headline and variant, one column per host: performance relative to that host's baseline. */
    static List<List<String>> crossHostRows(List<Part> parts) {
        Map<String, Map<String, String>> cells = new LinkedHashMap<>();
        for (Part part : parts) {
            for (ReportData.Section s : part.data().sections()) {
                var pick = Headlines.pick(s.workload(), s.params(), s.summaries());
                if (pick.isEmpty()) {
                    continue;
                }
                for (MetricSummary m : s.summaries()) {
                    if (!m.metric().equals(pick.get().metric()) || !m.labels().equals(pick.get().labels()) || m.vsBaseline() == null) {
                        continue;
                    }
                    String row = s.title() + "\u0000" + m.key().metricLabel() + "\u0000" + m.variant();
                    var c = m.vsBaseline();
                    String cell = Format.ratio(c.performance())
                            + (Double.isNaN(c.performanceLow()) ? "" : " " + Format.ratioInterval(c.performanceLow(), c.performanceHigh()))
                            + (c.significant() ? " *" : "");
                    cells.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(part.host(), cell);
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        cells.forEach((row, byHost) -> {
            List<String> r = new ArrayList<>(List.of(row.split("\u0000")));
            for (Part p : parts) {
                r.add(byHost.getOrDefault(p.host(), "—"));
            }
            rows.add(r);
        });
        return rows;
    }

    private static List<String> header(List<Part> parts) {
        List<String> h = new ArrayList<>(List.of("workload", "headline", "environment"));
        parts.forEach(p -> h.add(p.host()));
        return h;
    }

    /** The cross-host table, then each host's console report. */
    public static String console(List<Part> parts) {
        return console(List.of(), parts);
    }

    /** Each host's state (a failed one with its reason), the cross-host table, then each host's console report. */
    public static String console(List<HostStatus> statuses, List<Part> parts) {
        StringBuilder sb = new StringBuilder();
        if (!statuses.isEmpty()) {
            sb.append("== hosts\n");
            TextTable st = new TextTable(List.of("host", "address", "state"), new boolean[3]);
            statuses.forEach(h -> st.add(List.of(h.host(), h.target(), h.line())));
            sb.append(st.render()).append('\n');
        }
        sb.append("== across hosts: each environment's headline figure relative to native on the same host (above 1 is better; ")
                .append("95% CI; * significant after the correction for that host's comparisons)\n");
        boolean[] right = new boolean[3 + parts.size()];
        TextTable t = new TextTable(header(parts), right);
        crossHostRows(parts).forEach(t::add);
        sb.append(t.isEmpty() ? "(no comparison with a baseline on any host)\n" : t.render()).append('\n');
        for (Part p : parts) {
            sb.append("\n######## host ").append(p.host()).append(" ########\n").append(ConsoleReport.render(p.data())).append('\n');
        }
        return sb.toString();
    }

    /**
     * One page: the cross-host table, then each host's report as a section of its own (each host's
     * page body, its anchors prefixed with the host so they stay apart).
     */
    public static String html(String runId, List<Part> parts, StudyReference study) {
        return html(runId, List.of(), parts, study);
    }

    /** The page, with each host's state (a failed one with its reason) above the cross-host table. */
    public static String html(String runId, List<HostStatus> statuses, List<Part> parts, StudyReference study) {
        StringBuilder body = new StringBuilder();
        String css = "";
        for (Part p : parts) {
            String page = HtmlReport.build(p.data(), study).html();
            int s = page.indexOf("<style>");
            int e = page.indexOf("</style>");
            if (css.isEmpty() && s >= 0 && e > s) {
                css = page.substring(s + "<style>".length(), e);
            }
            int b = page.indexOf("<body>");
            int end = page.lastIndexOf("</body>");
            String inner = b >= 0 && end > b ? page.substring(b + "<body>".length(), end) : page;
            String id = "host-" + p.host().replaceAll("[^A-Za-z0-9_-]", "_");
            inner = inner.replace("id=\"", "id=\"" + id + "-").replace("href=\"#", "href=\"#" + id + "-");
            body.append("<section class=\"host\" id=\"").append(id).append("\">\n<h1>Host ").append(esc(p.host())).append("</h1>\n")
                    .append(inner).append("</section>\n");
        }
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<title>isobench report ").append(esc(runId)).append(" (").append(parts.size()).append(" hosts)</title>\n<style>\n")
                .append(css).append("</style>\n</head>\n<body>\n<header><h1>isobench run ").append(esc(runId)).append(" on ")
                .append(parts.size()).append(" hosts</h1>\n<p>Each host ran the suite against its own native baseline; a comparison never ")
                .append("mixes hosts.</p></header>\n");
        if (!statuses.isEmpty()) {
            out.append("<section id=\"hosts\">\n<h2>Hosts</h2>\n<table class=\"hosts\">\n<thead><tr><th>host</th><th>address</th>")
                    .append("<th>state</th><th>samples</th><th>why</th></tr></thead>\n<tbody>\n");
            for (HostStatus h : statuses) {
                out.append("<tr").append(h.ok() ? "" : " class=\"failed\"").append("><td>").append(esc(h.host())).append("</td><td>")
                        .append(esc(h.target())).append("</td><td>").append(esc(h.status())).append("</td><td>").append(h.samples())
                        .append("</td><td>").append(h.reason() == null ? "" : esc(h.reason())).append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n</section>\n");
        }
        out.append("<section id=\"across-hosts\">\n<h2>Across hosts</h2>\n")
                .append("<p>Each environment's headline figure relative to native on the same host (above 1 is better; 95% CI; ")
                .append("* significant after the correction for that host's comparisons).</p>\n<table class=\"across-hosts\">\n<thead><tr>");
        for (String h : header(parts)) {
            out.append("<th>").append(esc(h)).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (List<String> r : crossHostRows(parts)) {
            out.append("<tr>");
            r.forEach(c -> out.append("<td>").append(esc(c)).append("</td>"));
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n<ul>");
        for (Part p : parts) {
            out.append("<li><a href=\"#host-").append(esc(p.host().replaceAll("[^A-Za-z0-9_-]", "_"))).append("\">host ")
                    .append(esc(p.host())).append("</a></li>");
        }
        out.append("</ul>\n</section>\n").append(body).append("</body>\n</html>\n");
        return out.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
