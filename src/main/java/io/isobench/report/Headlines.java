package io.isobench.report;

import io.isobench.stats.MetricSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Each workload's headline: the one figure that answers "what does this environment cost me
 * here", shown in the findings table and in the workload's chart; every other figure stays in the
 * workload's folded details.
 *
 * <p><b>Why a table here and not a method of the Workload SPI.</b> Which figure heads a report is
 * a reporting choice, made against the study's published figures (the headline is the figure the
 * study reported, where it reported one, so the study's ratio can stand beside it), and it must
 * hold for runs written by older versions whose workloads have changed since. The report reads
 * only the run folder; this table is the one place that turns its figures into findings.
 * {@code HeadlinesTest} fails when a workload of the jar has no entry, so a new workload cannot
 * slip through without one.
 *
 * <p>The choices, and the rule for sweeps (redis clients, mysql threads): the swept value nearest
 * the study's on a log scale (10 clients, 10 threads: the study's figures), the larger on a tie.
 */
public final class Headlines {

    /**
     * What a workload's headline is.
     *
     * @param metric   the metric's name (or, for blockio, decided by the mode: see {@link #metricFor})
     * @param sweepKey the label swept inside an iteration (clients, threads), or null
     * @param prefer   the swept value wanted, on a log scale; NaN for none
     * @param labels   label values wanted where a figure comes in several (tcp_stream's direction), else empty
     * @param noun     what the figure is, in a sentence: "latency", "throughput", "transactions/s"
     * @param why      one line for the report: why this figure
     */
    public record Declaration(String workload, String metric, String sweepKey, double prefer, Map<String, Object> labels, String noun,
                              String why) {
    }

    /** The headline of one trial: the metric and labels picked, and what they are. */
    public record Pick(String metric, Map<String, Object> labels, String noun, String why) {
        /** "get clients=10", "triad". */
        public String label() {
            return labels.isEmpty() ? metric : metric + " " + ReportData.paramsLabel(labels);
        }
    }

    private static final Map<String, Declaration> TABLE = new LinkedHashMap<>();

    static {
        add("linpack", "gflops", "GFLOPS", "HPL's figure, the study's LINPACK figure");
        add("hash", "throughput", "throughput", "the only figure");
        add("compress", "throughput", "throughput", "input compressed per second, as xz -T reports it");
        add("stream", "triad", "bandwidth", "STREAM's headline kernel (a[i] = b[i] + q*c[i])");
        add("randomaccess", "gups", "GUP/s", "HPCC RandomAccess's figure");
        TABLE.put("tcp_stream", new Declaration("tcp_stream", "throughput", null, Double.NaN, Map.of("direction", "host_to_env"),
                "throughput", "bytes from the host into the environment (the study's client-to-server stream)"));
        add("tcp_rr", "latency_mean", "latency", "the study's figure: mean round trip of 100-byte requests and 200-byte responses");
        add("udp_rr", "latency_mean", "latency", "the study's figure: mean round trip of 100-byte requests and 200-byte responses");
        add("blockio", "iops", "IOPS", "IOPS for random modes, MB/s for sequential ones, as the study's fio figures");
        TABLE.put("redis", new Declaration("redis", "get", "clients", 10, Map.of(), "GET throughput",
                "GET requests/s at the client count nearest the study's 10"));
        TABLE.put("mysql", new Declaration("mysql", "tps", "threads", 10, Map.of(), "transactions/s",
                "sysbench OLTP transactions/s at the thread count nearest the study's 10"));
        add("syscall", "stat", "stat() time", "one file-system system call: what a sandbox adds to each");
        add("startup", "cold_start", "cold start", "time from the request to a first answer from a new instance");
    }

    private static void add(String workload, String metric, String noun, String why) {
        TABLE.put(workload, new Declaration(workload, metric, null, Double.NaN, Map.of(), noun, why));
    }

    private Headlines() {
    }

    /** The declaration for a workload, when there is one (isolation has verdicts, no headline figure). */
    public static Optional<Declaration> declaration(String workload) {
        return Optional.ofNullable(TABLE.get(workload));
    }

    /** Every declared workload, in table order. */
    public static List<Declaration> all() {
        return List.copyOf(TABLE.values());
    }

    /** blockio: sequential modes are judged by bandwidth, random ones by operations, as fio's figures in the study. */
    static String metricFor(Declaration d, Map<String, Object> params) {
        if (d.workload().equals("blockio")) {
            String mode = String.valueOf(params.getOrDefault("mode", "")).toLowerCase(Locale.ROOT);
            return mode.startsWith("seq") ? "throughput" : "iops";
        }
        return d.metric();
    }

    /**
     * The headline among one trial's summaries: the declared metric (at the preferred swept value),
     * or, for a workload without a declaration or whose declared metric was not measured, the first
     * figure of the trial that has no labels and is higher-is-better, else the first figure.
     *
     * @return empty when the trial has no figures
     */
    public static Optional<Pick> pick(String workload, Map<String, Object> params, List<MetricSummary> summaries) {
        if (summaries.isEmpty()) {
            return Optional.empty();
        }
        Declaration d = TABLE.get(workload);
        if (d != null) {
            String metric = metricFor(d, params);
            List<MetricSummary> named = summaries.stream().filter(m -> m.metric().equals(metric)).toList();
            if (!named.isEmpty()) {
                return Optional.of(new Pick(metric, labelsOf(named, d), d.noun(), d.why()));
            }
            if (d.sweepKey() != null) {
                // redis without GET in its commands: the first command measured, by the same sweep rule
                List<MetricSummary> swept = summaries.stream()
                        .filter(m -> m.labels().containsKey(d.sweepKey()) && m.direction() == io.isobench.result.Direction.HIGHER).toList();
                if (!swept.isEmpty()) {
                    String first = swept.get(0).metric();
                    return Optional.of(new Pick(first, labelsOf(swept.stream().filter(m -> m.metric().equals(first)).toList(), d),
                            first + " " + d.noun().replaceFirst("^\\S+ ", ""), d.why() + " (" + d.metric() + " was not measured)"));
                }
            }
        }
        MetricSummary first = summaries.stream().filter(m -> m.labels().isEmpty() && m.direction() == io.isobench.result.Direction.HIGHER)
                .findFirst().orElse(summaries.get(0));
        String why = d == null ? "no headline declared for " + workload + ": its first higher-is-better figure"
                : d.metric() + " was not measured: the first higher-is-better figure";
        return Optional.of(new Pick(first.metric(), first.labels(), first.metric(), why));
    }

    /** The labels of the declared figure: the swept value nearest the preferred one on a log scale (the larger on a tie). */
    private static Map<String, Object> labelsOf(List<MetricSummary> named, Declaration d) {
        List<Map<String, Object>> labels = new ArrayList<>();
        named.forEach(m -> {
            if (!labels.contains(m.labels())) {
                labels.add(m.labels());
            }
        });
        for (Map<String, Object> l : labels) {
            if (!d.labels().isEmpty() && l.entrySet().containsAll(d.labels().entrySet())) {
                return l;
            }
        }
        if (labels.size() == 1 || d.sweepKey() == null || Double.isNaN(d.prefer())) {
            return labels.get(0);
        }
        Map<String, Object> best = labels.get(0);
        double bestDistance = Double.POSITIVE_INFINITY;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (Map<String, Object> l : labels) {
            double v = HtmlReport.number(l.get(d.sweepKey()));
            if (!(v > 0)) {
                continue;
            }
            double distance = Math.abs(Math.log(v / d.prefer()));
            if (distance < bestDistance - 1e-12 || (Math.abs(distance - bestDistance) <= 1e-12 && v > bestValue)) {
                best = l;
                bestDistance = distance;
                bestValue = v;
            }
        }
        return best;
    }
}
