package io.isobench.report;

import io.isobench.report.chart.Html;
import io.isobench.confound.Confound;
import io.isobench.result.Direction;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.stats.GeometricMean;
import io.isobench.stats.Multiplicity;
import io.isobench.stats.MetricSummary;
import io.isobench.workload.WorkloadFamily;
import io.isobench.workload.Workloads;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The answer a reader opens the report for: per environment variant and workload family, what the
 * variant costs relative to the baseline (the findings table), and at most {@value #MAX_SENTENCES}
 * sentences that say it in words, each pointing at its evidence.
 *
 * <p><b>A cell.</b> Each workload's headline figure ({@link Headlines}) in the variant, relative to
 * the baseline (performance: above 1 is better whichever way the figure points), with its 95% CI.
 * A family with several workloads in the run (compute: linpack, compress, hash) is their weighted
 * geometric mean ({@link GeometricMean}): each workload weighs the same, its trials (parameter
 * sets) share its weight. A cell reads:
 * <ul>
 *   <li><b>≈ native</b> when the CI holds 1 and lies within ±{@value #NEAR_PERCENT}% of it;</li>
 *   <li><b>better</b> / <b>worse</b> when the difference is significant after the correction for
 *       the run's cells (below), coloured by the size of the effect: slight below
 *       {@value #NEAR_PERCENT}%, moderate below {@value #LARGE_PERCENT}%, large beyond (on the log
 *       scale, so 0.67 and 1.5 are as large);</li>
 *   <li><b>unclear</b> when it is not and the CI is wider than ±{@value #NEAR_PERCENT}%, or there is
 *       no CI (the cell says why);</li>
 *   <li><b>missing</b> when the variant has no figure for the family (not run there, the trial
 *       failed, no baseline figure), with the reason.</li>
 * </ul>
 * <b>Corrected for the run's cells.</b> Each cell with a CI is a test (the t-test of its geometric
 * mean's log, whose CI it is); the run's cells, all variants and families, are one family, and a
 * cell is better or worse only when its Holm-adjusted p-value ({@link Multiplicity#holm}) is below
 * 5%: the chance that any better/worse cell of the run is a false finding is at most 5%. A cell whose
 * own CI excludes 1 but that does not pass is ≈ native when its CI lies within ±{@value #NEAR_PERCENT}%,
 * else unclear, and its tooltip says that the correction took its verdict.
 *
 * <p>Marks: confounded (something outside the comparison differs, {@link ReportData#confounded}),
 * emulated (a TCG VM: the figure measures the emulator), questioned (faster than isolation can
 * explain, {@link ReportData#questions}).
 */
public final class Findings {

    static final int NEAR_PERCENT = 5;
    static final int LARGE_PERCENT = 50;
    static final int MAX_SENTENCES = 5;
    private static final double NEAR = NEAR_PERCENT / 100.0;

    public enum State { NEAR, BETTER, WORSE, UNCLEAR, MISSING }

    /** One trial's headline in one variant, with the baseline's: a part of a cell. */
    public record Part(String workload, Map<String, Object> params, Headlines.Pick pick, MetricSummary variant, MetricSummary baseline,
                       double weight, boolean confounded, boolean questioned) {
        /** Performance relative to the baseline (above 1 better). */
        public double performance() {
            return variant.vsBaseline().performance();
        }

        /** "tcp_rr latency_mean". */
        public String name() {
            return workload + " " + pick.label();
        }
    }

    /**
     * One cell of the table.
     *
     * @param strength 0 for none (≈ native, unclear, missing), 1 slight, 2 moderate, 3 large
     * @param note     why there is no CI, or why the cell is missing; empty otherwise
     * @param anchor   the page fragment with the evidence: the section of the part that moves the cell most
     * @param significant    after the Holm correction over the run's cells
     * @param pValue         the cell's own (raw) p-value; NaN without a CI
     * @param adjustedP      its Holm-adjusted p-value over the run's {@code tests} cells with a CI
     */
    public record Cell(String variant, WorkloadFamily family, State state, double performance, double low, double high,
                       boolean significant, int strength, boolean confounded, boolean emulated, boolean questioned, List<Part> parts,
                       String note, String anchor, double pValue, double adjustedP, int tests) {

        /** The cell's own CI excludes 1 (uncorrected). */
        public boolean rawSignificant() {
            return low > 1 || high < 1;
        }

        /** Its own CI excludes 1, but the correction for the run's cells took the verdict. */
        public boolean lostToCorrection() {
            return rawSignificant() && !significant;
        }

        /** This cell with its Holm-adjusted p-value over {@code tests} cells, and the state that follows. */
        Cell adjusted(double adj, int tests) {
            boolean sig = rawSignificant() && adj < Multiplicity.LEVEL;
            State st = state == State.MISSING ? State.MISSING : Findings.state(performance, low, high, sig);
            int str = st == State.BETTER || st == State.WORSE ? Findings.strength(performance) : 0;
            return new Cell(variant, family, st, performance, low, high, sig, str, confounded, emulated, questioned, parts, note, anchor,
                    pValue, adj, tests);
        }

        /** The cell's main text: "≈ native", "0.61×", "—". */
        public String text() {
            return switch (state) {
                case NEAR -> "\u2248 native";
                case MISSING -> "\u2014";
                default -> times(performance);
            };
        }

        /** "[0.55, 0.68]", or "" without an interval. */
        public String interval() {
            return Double.isFinite(low) && Double.isFinite(high) ? "[" + ratio(low) + ", " + ratio(high) + "]" : "";
        }

        /** Everything behind the cell, for its tooltip. */
        public String explain(String baseline) {
            StringBuilder sb = new StringBuilder(family.title()).append(" in ").append(variant);
            if (state == State.MISSING) {
                return sb.append(": ").append(note).toString();
            }
            sb.append(": ").append(Format.ratio(performance)).append(" of ").append(baseline).append("'s performance");
            sb.append(Double.isFinite(low) ? ", 95% CI " + Format.ratioInterval(low, high) : ", no CI (" + note + ")");
            if (Double.isFinite(pValue)) {
                String holm = tests <= 1 ? "" : " after the Holm correction over the run's " + tests + " cells";
                sb.append(significant ? ", significant" + holm
                        : lostToCorrection() ? ", CI excludes 1 but not significant" + holm
                        : ", not significant");
                sb.append(" (p=").append(Format.number(pValue));
                if (tests > 1) {
                    sb.append(", adjusted ").append(Format.number(adjustedP));
                }
                sb.append(')');
            }
            if (parts.size() > 1) {
                sb.append("; geometric mean of:");
            }
            for (Part p : parts) {
                sb.append(parts.size() > 1 ? "\n  " : "; ").append(p.name()).append(' ').append(Format.ratio(p.performance()))
                        .append(' ').append(Format.ratioInterval(p.variant().vsBaseline().performanceLow(), p.variant().vsBaseline().performanceHigh()));
            }
            if (confounded) {
                sb.append("\n! confounded: something outside the comparison differs from the baseline");
            }
            if (questioned) {
                sb.append("\n? questioned: faster than isolation can explain");
            }
            if (emulated) {
                sb.append("\nEMULATED (TCG): measures the emulator, not virtualization");
            }
            return sb.toString();
        }

        /** What moved: "latency 1.9× native's", "throughput 0.30× native's", "0.85× native". */
        String figure(String baseline) {
            // one workload, or several measuring the same kind of figure the same way (tcp_rr and udp_rr latency): name it
            Set<String> nouns = new LinkedHashSet<>(parts.stream().map(p -> p.pick().noun() + "\u0000" + p.variant().direction()).toList());
            if (nouns.size() == 1) {
                Part p = parts.get(0);
                if (p.variant().direction() == Direction.LOWER) {
                    return p.pick().noun() + " " + times(1 / performance) + " " + baseline + "'s";
                }
                return p.pick().noun() + " " + times(performance) + " " + baseline + "'s";
            }
            return times(performance) + " " + baseline + "'s performance";
        }
    }

    /** A row: one variant's cells, one per family column. */
    public record Row(ReportData.VariantInfo variant, List<Cell> cells) {
    }

    /** A piece of a sentence, linked to a fragment of the page when {@code anchor} is not null. */
    public record Span(String text, String anchor) {
    }

    /** One sentence made of spans; {@link #text()} is it in plain words. */
    public record Sentence(List<Span> spans) {
        public String text() {
            StringBuilder sb = new StringBuilder();
            spans.forEach(s -> sb.append(s.text()));
            return sb.toString();
        }
    }

    private final List<WorkloadFamily> families;
    private final List<Row> rows;
    private final List<Sentence> sentences;

    private Findings(List<WorkloadFamily> families, List<Row> rows, List<Sentence> sentences) {
        this.families = families;
        this.rows = rows;
        this.sentences = sentences;
    }

    /** The columns: families with a headline figure in the run, in the family order. */
    public List<WorkloadFamily> families() {
        return families;
    }

    public List<Row> rows() {
        return rows;
    }

    public List<Sentence> sentences() {
        return sentences;
    }

    /** The family a workload's figures go under; empty for one unknown to this version or without figures (isolation). */
    static Optional<WorkloadFamily> familyOf(String workload) {
        return Workloads.find(workload).map(w -> w.family()).filter(f -> f != WorkloadFamily.SECURITY);
    }

    /**
     * @param study the "you vs the study" rows, for the sentence about the study; may be empty
     */
    public static Findings of(ReportData data, List<StudyComparison.Row> study) {
        String baseline = data.baseline();
        // every trial's headline, by family
        Map<WorkloadFamily, List<ReportData.Section>> byFamily = new LinkedHashMap<>();
        for (WorkloadFamily f : WorkloadFamily.values()) {
            for (ReportData.Section s : data.sections()) {
                if (familyOf(s.workload()).filter(x -> x == f).isPresent()) {
                    byFamily.computeIfAbsent(f, k -> new ArrayList<>()).add(s);
                }
            }
        }
        List<WorkloadFamily> families = new ArrayList<>(byFamily.keySet());
        List<Row> rows = new ArrayList<>();
        for (ReportData.VariantInfo v : data.variants().values()) {
            if (v.label().equals(baseline)) {
                continue;
            }
            List<Cell> cells = new ArrayList<>();
            for (WorkloadFamily f : families) {
                cells.add(cell(data, v, f, byFamily.get(f)));
            }
            rows.add(new Row(v, cells));
        }
        rows = holm(rows);
        return new Findings(families, rows, sentences(data, rows, study));
    }

    /** The cells' verdicts corrected for all the run's cells with a CI (Holm, familywise 5%). */
    static List<Row> holm(List<Row> rows) {
        double[] p = rows.stream().flatMap(r -> r.cells().stream()).mapToDouble(Cell::pValue).toArray();
        double[] adj = Multiplicity.holm(p);
        int tests = Multiplicity.tested(p);
        List<Row> out = new ArrayList<>();
        int i = 0;
        for (Row r : rows) {
            List<Cell> cells = new ArrayList<>();
            for (Cell c : r.cells()) {
                cells.add(c.adjusted(adj[i++], tests));
            }
            out.add(new Row(r.variant(), List.copyOf(cells)));
        }
        return out;
    }

    /** How many cells were tested, and which correction was applied: for the table's legend. */
    public String correction() {
        long tests = rows.stream().flatMap(r -> r.cells().stream()).filter(c -> Double.isFinite(c.pValue())).count();
        long lost = rows.stream().flatMap(r -> r.cells().stream()).filter(Cell::lostToCorrection).count();
        long untested = rows.stream().flatMap(r -> r.cells().stream())
                .filter(c -> c.state() != State.MISSING && !Double.isFinite(c.pValue())).count();
        return "better/worse: significant after the Holm correction over the run's " + tests + (tests == 1 ? " cell" : " cells")
                + " with a CI (familywise error 5%: the chance that any better/worse cell is a false finding is at most 5%)"
                + (lost == 0 ? "" : "; " + lost + (lost == 1 ? " cell's" : " cells'") + " own CI excludes 1 but not after the correction")
                + (untested == 0 ? "" : "; " + untested + (untested == 1 ? " cell" : " cells") + " without a CI not counted") + ".";
    }

    /** The state of a cell with a CI (or without: NaN bounds) and its corrected verdict. */
    static State state(double performance, double low, double high, boolean significant) {
        if (!(Double.isFinite(low) && Double.isFinite(high))) {
            return State.UNCLEAR;
        }
        if (significant) {
            return performance > 1 ? State.BETTER : State.WORSE;
        }
        if (low >= 1 - NEAR && high <= 1 + NEAR) {
            return State.NEAR;
        }
        return State.UNCLEAR;
    }

    private static Cell cell(ReportData data, ReportData.VariantInfo v, WorkloadFamily f, List<ReportData.Section> sections) {
        Map<String, Long> trialsPerWorkload = new LinkedHashMap<>();
        sections.forEach(s -> trialsPerWorkload.merge(s.workload(), 1L, Long::sum));
        List<Part> parts = new ArrayList<>();
        for (ReportData.Section s : sections) {
            List<MetricSummary> base = s.summaries().stream().filter(m -> m.variant().equals(data.baseline())).toList();
            Optional<Headlines.Pick> pick = Headlines.pick(s.workload(), s.params(), base.isEmpty() ? s.summaries() : base);
            if (pick.isEmpty()) {
                continue;
            }
            Headlines.Pick p = pick.get();
            MetricSummary mv = find(s, v.label(), p);
            MetricSummary mb = find(s, data.baseline(), p);
            if (mv == null || mb == null || mv.vsBaseline() == null) {
                continue;
            }
            boolean questioned = data.questions().stream()
                    .anyMatch(q -> q.workload().equals(s.workload()) && q.params().equals(s.params()) && q.variant().equals(v.label()));
            parts.add(new Part(s.workload(), s.params(), p, mv, mb, 1.0 / trialsPerWorkload.get(s.workload()),
                    data.confounded(s.workload(), s.params(), v.label()), questioned));
        }
        if (parts.isEmpty()) {
            return new Cell(v.label(), f, State.MISSING, Double.NaN, Double.NaN, Double.NaN, false, 0, false, v.emulated(), false, parts,
                    whyMissing(data, v, trialsPerWorkload.keySet()), "w-" + Html.anchor(sections.get(0).workload()), Double.NaN, Double.NaN, 1);
        }
        // each part brings its own comparison (paired by round where the iterations pair up), so a
        // family's interval is as tight as the figures' intervals it combines
        GeometricMean.Result g = GeometricMean.of(parts.stream().map(p -> new GeometricMean.Part(p.name(), p.variant().summary(),
                p.baseline().summary(), p.variant().direction(), p.weight(), p.variant().vsBaseline())).toList());
        // the cell on its own (a family of one); holm() corrects it for the run's cells
        State state = state(g.performance(), g.low(), g.high(), g.significant());
        int strength = state == State.BETTER || state == State.WORSE ? strength(g.performance()) : 0;
        Part moving = parts.stream().max(Comparator.comparingDouble(p -> Math.abs(Math.log(p.performance())))).orElseThrow();
        return new Cell(v.label(), f, state, g.performance(), g.low(), g.high(), g.significant(), strength,
                parts.stream().anyMatch(Part::confounded), v.emulated() || parts.stream().anyMatch(p -> p.variant().emulated()),
                parts.stream().anyMatch(Part::questioned), List.copyOf(parts), g.note(), "w-" + Html.anchor(moving.workload()),
                Double.isFinite(g.low()) ? g.pValue() : Double.NaN, g.pValue(), 1);
    }

    /** 1 slight (below 5%), 2 moderate (below 50%), 3 large: the effect's size on the log scale. */
    static int strength(double performance) {
        double e = Math.abs(Math.log(performance));
        return e < Math.log(1 + NEAR) ? 1 : e < Math.log(1 + LARGE_PERCENT / 100.0) ? 2 : 3;
    }

    private static MetricSummary find(ReportData.Section s, String variant, Headlines.Pick p) {
        return s.summaries().stream().filter(m -> m.variant().equals(variant) && m.metric().equals(p.metric()) && m.labels().equals(p.labels()))
                .findFirst().orElse(null);
    }

    private static String whyMissing(ReportData data, ReportData.VariantInfo v, Set<String> workloads) {
        List<TrialRecord> trials = data.record().trials() == null ? List.of() : data.record().trials();
        List<TrialRecord> mine = trials.stream().filter(t -> t.variant().equals(v.label()) && workloads.contains(t.workload())).toList();
        if (mine.stream().anyMatch(t -> t.status() == TrialStatus.FAILED)) {
            return "failed: " + String.join(", ", new LinkedHashSet<>(mine.stream().filter(t -> t.status() == TrialStatus.FAILED)
                    .map(TrialRecord::workload).toList()));
        }
        if (mine.isEmpty()) {
            return "not run in this variant";
        }
        boolean baselineRan = data.summaries().stream().anyMatch(m -> m.variant().equals(data.baseline()) && workloads.contains(m.workload()));
        return baselineRan ? "no figure measured" : "no " + data.baseline() + " figure to compare with";
    }

    // ---------------------------------------------------------------- sentences

    private static List<Sentence> sentences(ReportData data, List<Row> rows, List<StudyComparison.Row> study) {
        Sentence confounds = confoundSentence(data);
        Sentence vsStudy = studySentence(study);
        int slots = MAX_SENTENCES - (confounds == null ? 0 : 1) - (vsStudy == null ? 0 : 1);
        List<Sentence> variants = new ArrayList<>();
        // measured variants first, emulated ones after them: theirs are figures of the emulator
        List<Row> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparing(r -> r.variant().emulated()));
        for (Row r : ordered) {
            Sentence s = variantSentence(data.baseline(), r);
            if (s != null && variants.size() < slots) {
                variants.add(s);
            }
        }
        List<Sentence> out = new ArrayList<>(variants);
        if (confounds != null) {
            out.add(confounds);
        }
        if (vsStudy != null) {
            out.add(vsStudy);
        }
        return List.copyOf(out);
    }

    /**
     * "docker: request/response latency 1.9× native's, key-value GET throughput 0.30× native's;
     * compute, memory and block I/O within 5% of native."
     */
    static Sentence variantSentence(String baseline, Row r) {
        List<Cell> worse = new ArrayList<>(r.cells().stream().filter(c -> c.state() == State.WORSE).toList());
        worse.sort(Comparator.comparingDouble(Cell::performance));
        List<Cell> better = new ArrayList<>(r.cells().stream().filter(c -> c.state() == State.BETTER).toList());
        better.sort(Comparator.comparingDouble(Cell::performance).reversed());
        List<Cell> near = r.cells().stream().filter(c -> c.state() == State.NEAR).toList();
        List<Cell> unclear = r.cells().stream().filter(c -> c.state() == State.UNCLEAR).toList();
        if (worse.isEmpty() && better.isEmpty() && near.isEmpty() && unclear.isEmpty()) {
            return null;
        }
        List<Span> s = new ArrayList<>();
        s.add(new Span(r.variant().label() + (r.variant().emulated() ? " (EMULATED by TCG: it measures the emulator)" : "") + ": ", null));
        boolean first = true;
        for (Cell c : limit(worse, 4)) {
            s.add(new Span(first ? "" : ", ", null));
            s.add(new Span(c.family().title() + " " + c.figure(baseline), c.anchor()));
            s.add(new Span(marks(c), null));
            first = false;
        }
        if (worse.size() > 4) {
            s.add(new Span(" and " + (worse.size() - 4) + " more", null));
        }
        boolean firstBetter = true;
        for (Cell c : limit(better, 3)) {
            // said apart from the costs: "time 0.87× native's" is a gain, and must not read as a loss
            s.add(new Span(firstBetter ? (first ? "better: " : "; better: ") : ", ", null));
            s.add(new Span(c.family().title() + " " + c.figure(baseline), c.anchor()));
            s.add(new Span(marks(c), null));
            first = false;
            firstBetter = false;
        }
        if (better.size() > 3) {
            s.add(new Span(" and " + (better.size() - 3) + " more", null));
        }
        if (!near.isEmpty()) {
            s.add(new Span(first ? "" : "; ", null));
            list(s, near);
            s.add(new Span(" within " + NEAR_PERCENT + "% of " + baseline, null));
            first = false;
        }
        if (!unclear.isEmpty()) {
            s.add(new Span(first ? "" : "; ", null));
            list(s, unclear);
            s.add(new Span(unclear.stream().anyMatch(Cell::lostToCorrection)
                    ? " not conclusive (not significant after the correction for the run's cells, and the CI is wider than \u00b1"
                            + NEAR_PERCENT + "%)"
                    : " not conclusive (the CI holds 1 but is wider than \u00b1" + NEAR_PERCENT + "%)", null));
        }
        s.add(new Span(".", null));
        return new Sentence(merge(s));
    }

    /** "compute, memory and block I/O", each linked to its evidence. */
    private static void list(List<Span> s, List<Cell> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                s.add(new Span(i == cells.size() - 1 ? " and " : ", ", null));
            }
            s.add(new Span(cells.get(i).family().title(), cells.get(i).anchor()));
            s.add(new Span(marks(cells.get(i)), null));
        }
    }

    private static String marks(Cell c) {
        return (c.confounded() ? " (confounded!)" : "") + (c.questioned() ? " (questioned?)" : "");
    }

    private static <T> List<T> limit(List<T> l, int n) {
        return l.size() <= n ? l : l.subList(0, n);
    }

    /** Adjacent unlinked spans joined, empty ones dropped. */
    private static List<Span> merge(List<Span> spans) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans) {
            if (s.text().isEmpty()) {
                continue;
            }
            if (s.anchor() == null && !out.isEmpty() && out.get(out.size() - 1).anchor() == null) {
                out.set(out.size() - 1, new Span(out.get(out.size() - 1).text() + s.text(), null));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * "3 comparisons are confounded (!), ...: mysql in docker and docker[network=host] (MariaDB
     * version: 10.11.19 vs 10.11.18)": trials with the same differences named once.
     */
    static Sentence confoundSentence(ReportData data) {
        Map<List<Object>, List<Confound>> byTrial = new LinkedHashMap<>();
        for (Confound c : data.confounds()) {
            if (c.confounds()) {
                byTrial.computeIfAbsent(List.of(c.workload(), c.params(), c.variant()), k -> new ArrayList<>()).add(c);
            }
        }
        if (byTrial.isEmpty() && data.questions().isEmpty()) {
            return null;
        }
        // workload and what differs -> the variants where it does
        Map<List<String>, List<String>> alike = new LinkedHashMap<>();
        byTrial.forEach((k, cs) -> {
            String what = String.join(", ", new LinkedHashSet<>(cs.stream().map(x -> x.label() + ": " + x.baselineValue() + " vs "
                    + x.variantValue()).toList()));
            alike.computeIfAbsent(List.of(cs.get(0).workload(), what), x -> new ArrayList<>()).add(cs.get(0).variant());
        });
        List<Span> s = new ArrayList<>();
        if (!byTrial.isEmpty()) {
            s.add(new Span(byTrial.size() == 1 ? "One comparison is confounded (!), its ratio measures more than the isolation: "
                    : byTrial.size() + " comparisons are confounded (!), their ratios measure more than the isolation: ", null));
            int i = 0;
            for (var e : alike.entrySet()) {
                if (i == 3) {
                    s.add(new Span(" and more", null));
                    break;
                }
                s.add(new Span(i++ == 0 ? "" : "; ", null));
                List<String> vs = e.getValue();
                String where = vs.size() == 1 ? vs.get(0) : String.join(", ", vs.subList(0, vs.size() - 1)) + " and " + vs.get(vs.size() - 1);
                s.add(new Span(e.getKey().get(0) + " in " + where, "w-" + Html.anchor(e.getKey().get(0))));
                s.add(new Span(" (" + e.getKey().get(1) + ")", null));
            }
            s.add(new Span(".", null));
        }
        if (!data.questions().isEmpty()) {
            s.add(new Span(s.isEmpty() ? "" : " ", null));
            s.add(new Span(data.questions().size() == 1 ? "One result is questioned (?), faster than isolation can explain: "
                    : data.questions().size() + " results are questioned (?), faster than isolation can explain: ", null));
            int i = 0;
            for (var q : data.questions()) {
                if (i == 3) {
                    s.add(new Span(" and more", null));
                    break;
                }
                s.add(new Span(i++ == 0 ? "" : ", ", null));
                s.add(new Span(q.workload() + " in " + q.variant(), "w-" + Html.anchor(q.workload())));
            }
            s.add(new Span(".", null));
        }
        return new Sentence(merge(s));
    }

    /** "Against the study (2014): 4 findings reproduced, 2 differ (the most: redis ...), 20 not measured here." */
    static Sentence studySentence(List<StudyComparison.Row> rows) {
        if (rows == null || rows.isEmpty()) {
            return null;
        }
        long reproduced = rows.stream().filter(r -> r.verdict() == StudyComparison.Verdict.REPRODUCED).count();
        List<StudyComparison.Row> differ = rows.stream().filter(r -> r.verdict() == StudyComparison.Verdict.DIFFERS).toList();
        long inconclusive = rows.stream().filter(r -> r.verdict() == StudyComparison.Verdict.INCONCLUSIVE).count();
        long notMeasured = rows.stream().filter(r -> r.verdict() == StudyComparison.Verdict.NOT_MEASURED).count();
        if (reproduced + differ.size() + inconclusive == 0) {
            return new Sentence(List.of(new Span("None of the study's " + rows.size() + " headline findings was measured here", "study"),
                    new Span(" (" + reasonSummary(rows) + ").", null)));
        }
        List<Span> s = new ArrayList<>();
        s.add(new Span("Against the study (Felter et al. 2014)", "study"));
        s.add(new Span(": " + reproduced + " finding" + (reproduced == 1 ? "" : "s") + " reproduced, " + differ.size() + " differ"
                + (differ.size() == 1 ? "s" : ""), null));
        if (!differ.isEmpty()) {
            StudyComparison.Row most = differ.stream().max(Comparator.comparingDouble(
                    r -> Math.abs(Math.log(r.performance() / r.finding().performance())))).orElseThrow();
            s.add(new Span(" (most: ", null));
            s.add(new Span(most.finding().benchmark() + " " + most.finding().metric() + " in " + most.variant(), most.id()));
            s.add(new Span(", " + Format.ratio(most.performance()) + " here vs " + Format.ratio(most.finding().performance()) + ")", null));
        }
        if (inconclusive > 0) {
            s.add(new Span(", " + inconclusive + " inconclusive", null));
        }
        s.add(new Span(", " + notMeasured + " not measured here.", null));
        return new Sentence(merge(s));
    }

    private static String reasonSummary(List<StudyComparison.Row> rows) {
        Map<String, Long> reasons = new LinkedHashMap<>();
        rows.forEach(r -> reasons.merge(r.detail().replaceFirst(":.*", ""), 1L, Long::sum));
        return String.join("; ", reasons.entrySet().stream().limit(3).map(e -> e.getKey()).toList());
    }

    /** "0.61×", "1.9×", "0.072×". */
    static String times(double v) {
        return ratio(v) + "\u00d7";
    }

    /** Two decimals, three below 0.1, one from 10: as many digits as a reader can use. */
    static String ratio(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 10 ? "%.1f" : a < 0.1 ? "%.3f" : "%.2f", v);
    }
}
