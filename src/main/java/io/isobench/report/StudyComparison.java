package io.isobench.report;

import io.isobench.report.chart.Html;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.stats.Comparison;
import io.isobench.stats.MetricSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * "You vs the study": each of the study's headline findings beside what this run measured for the
 * same figure and setup, with a verdict.
 *
 * <p>Verdicts: <b>reproduced</b> when this run's ratio is within {@value #TOLERANCE_PERCENT}% of
 * the study's, or the study's ratio lies inside this run's 95% CI and that CI is narrow enough to
 * say something (its ends within a factor {@value #NARROW} of each other); <b>differs</b> (by how
 * much: this run's ratio over the study's) when neither holds; <b>inconclusive</b> when the study's
 * ratio is inside a CI too wide to tell; <b>not measured here</b> with the reason: the workload or
 * the figure is not in the run, no variant of the run corresponds to the study's setup, the trial
 * failed, or the only corresponding variant is an emulated (TCG) VM, whose figures measure the
 * emulator (its ratio is shown, greyed, for what it is).
 *
 * <p>Which of the study's figures: one per benchmark and what it is known by (LINPACK GFLOPS,
 * STREAM triad, RandomAccess on one socket, both stream directions, both request/response
 * latencies, fio's five job types, Redis GET at 1 and 10 clients, MySQL at 10 threads); the
 * secondary ones (the other STREAM kernels, fio's latency percentiles, MySQL's peak) stay in the
 * per-workload tables' study column.
 */
public final class StudyComparison {

    static final int TOLERANCE_PERCENT = 5;
    private static final String NOT_IN_RUN = " not in this run";
    static final double NARROW = 1.5;

    /** The study's figures shown, as benchmark/metric. */
    static final Set<String> HEADLINES = Set.of("linpack/gflops", "stream/triad", "randomaccess/gups_one_socket",
            "tcp_stream/client_to_server", "tcp_stream/server_to_client", "tcp_rr/latency_100_200B", "udp_rr/latency_100_200B",
            "fio/seq_read_1M", "fio/seq_write_1M", "fio/rand_read_4k_qd16x8", "fio/rand_write_4k_qd16x8", "fio/rand_rw70_4k_qd32x8",
            "redis/get_1_client", "redis/get_10_clients", "mysql/oltp_ro_10_threads");

    public enum Verdict {
        REPRODUCED("reproduced"), DIFFERS("differs"), INCONCLUSIVE("inconclusive"), NOT_MEASURED("not measured here");

        private final String word;

        Verdict(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /**
     * One row: a study finding, and this run's figure for it in one variant (or why there is none).
     *
     * @param measured this run's summary for the figure, null when none
     * @param detail   the verdict's reason in a few words: "12% lower", "no untuned VM in this run"
     */
    public record Row(StudyReference.Finding finding, String variant, MetricSummary measured, Verdict verdict, String detail,
                      boolean emulated, boolean confounded, String id) {
        /** True when the run has no trial of the finding's workload at all: the report lists those findings in one line. */
        public boolean workloadAbsent() {
            return measured == null && detail.endsWith(NOT_IN_RUN);
        }

        /** This run's performance ratio (above 1 better), NaN when none. */
        public double performance() {
            return measured == null || measured.vsBaseline() == null ? Double.NaN : measured.vsBaseline().performance();
        }
    }

    private StudyComparison() {
    }

    public static List<Row> of(ReportData data, StudyReference study) {
        List<Row> out = new ArrayList<>();
        if (study == null) {
            return out;
        }
        // every figure of the run that the study has, by (benchmark, metric, setup) and variant
        Map<String, Map<String, List<MetricSummary>>> measured = new LinkedHashMap<>();
        for (MetricSummary m : data.summaries()) {
            if (m.vsBaseline() == null || m.variant().equals(data.baseline())) {
                continue;
            }
            ReportData.VariantInfo v = data.variant(m.variant());
            study.ratio(m.workload(), m.metric(), m.labels(), m.params(), v.environment(), v.settings()).ifPresent(r ->
                    measured.computeIfAbsent(r.benchmark() + "/" + r.metric() + "/" + r.setup(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(m.variant(), k -> new ArrayList<>()).add(m));
        }
        for (StudyReference.Finding f : study.findings()) {
            if (!HEADLINES.contains(f.benchmark() + "/" + f.metric())) {
                continue;
            }
            String id = "study-" + Html.anchor(f.benchmark() + "-" + f.metric() + "-" + f.setup());
            Map<String, List<MetricSummary>> byVariant = measured.getOrDefault(f.benchmark() + "/" + f.metric() + "/" + f.setup(), Map.of());
            if (byVariant.isEmpty()) {
                out.add(new Row(f, null, null, Verdict.NOT_MEASURED, whyNotMeasured(data, study, f), false, false, id));
                continue;
            }
            int i = 0;
            for (var e : byVariant.entrySet()) {
                MetricSummary m = closest(f, e.getValue());
                ReportData.VariantInfo v = data.variant(e.getKey());
                boolean emulated = v.emulated() || m.emulated();
                boolean confounded = data.confounded(m.workload(), m.params(), m.variant());
                String rowId = i++ == 0 ? id : id + "-" + i;
                if (emulated) {
                    out.add(new Row(f, e.getKey(), m, Verdict.NOT_MEASURED,
                            "emulated (TCG): its ratio measures the emulator", true, confounded, rowId));
                } else {
                    Judged j = judge(m.vsBaseline(), f.performance());
                    out.add(new Row(f, e.getKey(), m, j.verdict(), j.detail(), false, confounded, rowId));
                }
            }
        }
        return out;
    }

    record Judged(Verdict verdict, String detail) {
    }

    /** This run's comparison against the study's ratio. */
    static Judged judge(Comparison c, double study) {
        double p = c.performance();
        double d = p / study;
        boolean close = Math.abs(Math.log(d)) <= Math.log(1 + TOLERANCE_PERCENT / 100.0);
        boolean hasCi = Double.isFinite(c.performanceLow()) && Double.isFinite(c.performanceHigh());
        boolean inside = hasCi && c.performanceLow() <= study && study <= c.performanceHigh();
        boolean narrow = hasCi && c.performanceHigh() <= NARROW * c.performanceLow();
        String by = d < 1 ? Math.round((1 - d) * 100) + "% lower (worse)" : Math.round((d - 1) * 100) + "% higher (better)";
        if (close) {
            return new Judged(Verdict.REPRODUCED, "within " + TOLERANCE_PERCENT + "% of the study's" + (hasCi ? "" : " (no CI: " + c.note() + ")"));
        }
        if (inside && narrow) {
            return new Judged(Verdict.REPRODUCED, "the study's ratio lies inside this run's CI");
        }
        if (inside) {
            return new Judged(Verdict.INCONCLUSIVE, "the study's ratio lies inside this run's CI, which is too wide to tell");
        }
        return new Judged(Verdict.DIFFERS, by + " than the study's" + (hasCi ? "" : " (no CI: " + c.note() + ")"));
    }

    /** Of several figures of one variant that map to one finding (blockio's trials), the one closest to the study's job. */
    private static MetricSummary closest(StudyReference.Finding f, List<MetricSummary> ms) {
        MetricSummary best = ms.get(0);
        int bestScore = -1;
        for (MetricSummary m : ms) {
            int score = 0;
            if (f.metric().matches(".*x8$") && "8".equals(String.valueOf(m.params().get("jobs")))) {
                score++;
            }
            if (f.metric().contains("qd16") && "16".equals(String.valueOf(m.params().get("iodepth")))) {
                score++;
            }
            if (score > bestScore) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    /** Why a finding has no figure in this run, in a few words. */
    static String whyNotMeasured(ReportData data, StudyReference study, StudyReference.Finding f) {
        Optional<String> workload = StudyReference.workloadOf(f.benchmark());
        if (workload.isEmpty() || data.sections().stream().noneMatch(s -> s.workload().equals(workload.get()))) {
            boolean failed = workload.isPresent() && trials(data).stream()
                    .anyMatch(t -> t.workload().equals(workload.get()) && t.status() == TrialStatus.FAILED);
            return workload.map(w -> w + (failed ? ": every trial failed" : NOT_IN_RUN)).orElse("no isobench workload for it");
        }
        List<String> mapped = new ArrayList<>();
        for (ReportData.VariantInfo v : data.variants().values()) {
            if (!v.label().equals(data.baseline()) && study.setupFor(f.benchmark(), f.metric(), v.environment(), v.settings())
                    .filter(s -> s.equals(f.setup())).isPresent()) {
                mapped.add(v.label());
            }
        }
        if (mapped.isEmpty()) {
            return "no " + setupWords(f.setup()) + " in this run" + (f.setup().equals("kvm-untuned") || f.setup().equals("docker-nat-aufs")
                    ? " (the paper suite has one)" : "");
        }
        String w = workload.get();
        List<String> ran = mapped.stream().filter(v -> trials(data).stream().anyMatch(t -> t.workload().equals(w) && t.variant().equals(v))
                || data.summaries().stream().anyMatch(m -> m.workload().equals(w) && m.variant().equals(v))).toList();
        if (ran.isEmpty()) {
            return w + " not run in " + String.join(", ", mapped);
        }
        for (String v : ran) {
            if (trials(data).stream().anyMatch(t -> t.workload().equals(w) && t.variant().equals(v) && t.status() == TrialStatus.FAILED)) {
                return "the " + w + " trial failed in " + v;
            }
        }
        return "no " + figureWords(f) + " in this run's " + w + " trials";
    }

    private static List<TrialRecord> trials(ReportData data) {
        return data.record().trials() == null ? List.of() : data.record().trials();
    }

    /** The study's setup in words. */
    static String setupWords(String setup) {
        return switch (setup) {
            case "docker" -> "Docker variant";
            case "docker-host" -> "Docker variant with network=host";
            case "docker-nat" -> "Docker variant with NAT (network=nat)";
            case "docker-nat-aufs" -> "Docker variant with NAT and its data in the container filesystem";
            case "kvm-untuned" -> "untuned VM";
            case "kvm-tuned" -> "tuned VM";
            case "kvm" -> "VM";
            default -> setup + " variant";
        };
    }

    /** The figure the study measured, as isobench would produce it. */
    static String figureWords(StudyReference.Finding f) {
        return switch (f.benchmark() + "/" + f.metric()) {
            case "redis/get_1_client" -> "GET figure at 1 client";
            case "redis/get_10_clients" -> "GET figure at 10 clients";
            case "mysql/oltp_ro_10_threads" -> "transactions/s figure at 10 threads";
            case "tcp_stream/client_to_server" -> "host_to_env throughput";
            case "tcp_stream/server_to_client" -> "env_to_host throughput";
            default -> f.benchmark().equals("fio") ? "mode=" + f.metric().replaceFirst("^(seq_read|seq_write|rand_read|rand_write|rand_rw).*", "$1")
                    + " figure" : f.metric() + " figure";
        };
    }
}
