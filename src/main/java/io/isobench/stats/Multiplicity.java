package io.isobench.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Multiplicity control: the verdicts of a run's many tests, held at a stated error rate over the
 * whole family of tests rather than at 5% each.
 *
 * <p><b>Why.</b> One run of the main job compares ~134 figures with the baseline (201 with the
 * VM), each at 5%. With no true difference at all, about 7 of them would still come out
 * "significant"; three consecutive runs showed exactly that (a lone "docker network bulk 1.13x
 * better" in one run, "docker compute 0.95x" in another, each gone in the next run).
 *
 * <p><b>Two corrections, for two kinds of verdict.</b>
 * <ul>
 *   <li>Per-figure "significant" ({@link Comparison#significant()}, every table, chart and CSV
 *       row): <b>Benjamini–Hochberg</b> over each variant's comparisons with a p-value (one family
 *       per variant: see {@link #adjust}), false discovery rate 5%: among a variant's figures
 *       called significant, at most 5% are expected to be false. A run has over a hundred figures, most of them many-sided views of the same few
 *       effects; controlling the chance of even one false figure (familywise) would make the
 *       per-figure tables nearly blind, while the FDR keeps their power and bounds what a reader
 *       picking out the significant rows is misled by. BH holds under the positive dependence of
 *       metrics of the same workload (p50/p99 of one latency move together; Benjamini and
 *       Yekutieli 2001).</li>
 *   <li>Findings cells (the few verdicts a reader acts on: "docker: network 0.8x"): <b>Holm</b>
 *       (step-down Bonferroni) over all the run's cells, familywise error 5%: the chance that
 *       any better/worse cell of the run is false is at most 5%, under any dependence. There are
 *       few cells (families x variants), so the stricter guarantee costs little.</li>
 * </ul>
 * Neither changes a figure or an interval: the raw (per-comparison) p-value and 95% interval stay
 * as computed, and a figure significant on its own but not after correction says so.
 *
 * <p>Tests without a p-value (no interval: one iteration, a tail percentile from few iterations,
 * a zero mean) are not tests and are not counted in the family; the reports say how many.
 */
public final class Multiplicity {

    /** The false discovery rate of the per-figure verdicts, and the familywise rate of the findings cells. */
    public static final double LEVEL = Comparison.ALPHA;

    private Multiplicity() {
    }

    /** The number of finite p-values: the size of the family. */
    public static int tested(double[] p) {
        return (int) Arrays.stream(p).filter(Double::isFinite).count();
    }

    /**
     * Holm's step-down adjusted p-values: with the m finite p-values sorted, p(1) &lt;= ... &lt;= p(m),
     * adj(i) = max over j &lt;= i of min(1, (m - j + 1) p(j)). Rejecting where adj &lt; alpha controls
     * the familywise error at alpha under any dependence. NaN stays NaN and is not counted in m.
     */
    public static double[] holm(double[] p) {
        Integer[] order = sortedFinite(p);
        int m = order.length;
        double[] out = nans(p.length);
        double running = 0;
        for (int i = 0; i < m; i++) {
            running = Math.max(running, Math.min(1, (m - i) * p[order[i]]));
            out[order[i]] = running;
        }
        return out;
    }

    /**
     * Benjamini–Hochberg q-values: with the m finite p-values sorted ascending,
     * q(i) = min over j &gt;= i of min(1, m p(j) / j). Rejecting where q &lt; alpha controls the false
     * discovery rate at alpha (independent or positively dependent tests). NaN stays NaN and is not
     * counted in m.
     */
    public static double[] benjaminiHochberg(double[] p) {
        Integer[] order = sortedFinite(p);
        int m = order.length;
        double[] out = nans(p.length);
        double running = 1;
        for (int i = m - 1; i >= 0; i--) {
            running = Math.min(running, Math.min(1, (double) m * p[order[i]] / (i + 1)));
            out[order[i]] = running;
        }
        return out;
    }

    /**
     * The run's comparisons with the baseline, each given its Benjamini–Hochberg q-value over the
     * comparisons of its own variant that have a p-value ({@link Comparison#adjusted}); summaries
     * without a comparison, and comparisons without a p-value (not counted), pass unchanged but
     * for the family's size.
     *
     * <p>One family per variant: each variant against the baseline is its own question ("what
     * does docker cost?"), and the false discovery rate is a proportion, so one variant's many
     * large true effects (an emulated VM tens of times slower on every figure) would otherwise
     * lower the bar for every other variant's figures: over the whole run, a lone 1.13x docker
     * figure kept its verdict because the VM's seventy real ones made room for it.
     */
    public static List<MetricSummary> adjust(List<MetricSummary> summaries) {
        Map<String, List<Integer>> byVariant = new LinkedHashMap<>();
        for (int i = 0; i < summaries.size(); i++) {
            byVariant.computeIfAbsent(String.valueOf(summaries.get(i).variant()), v -> new ArrayList<>()).add(i);
        }
        double[] q = nans(summaries.size());
        int[] family = new int[summaries.size()];
        for (List<Integer> members : byVariant.values()) {
            double[] p = members.stream().mapToDouble(i -> summaries.get(i).vsBaseline() == null ? Double.NaN
                    : summaries.get(i).vsBaseline().pValue()).toArray();
            double[] qv = benjaminiHochberg(p);
            int m = tested(p);
            for (int k = 0; k < members.size(); k++) {
                q[members.get(k)] = qv[k];
                family[members.get(k)] = m;
            }
        }
        List<MetricSummary> out = new ArrayList<>(summaries.size());
        for (int i = 0; i < summaries.size(); i++) {
            MetricSummary s = summaries.get(i);
            Comparison c = s.vsBaseline();
            out.add(c == null ? s : new MetricSummary(s.workload(), s.params(), s.metric(), s.labels(), s.unit(), s.direction(),
                    s.environment(), s.variant(), s.emulated(), s.summary(), c.adjusted(q[i], family[i])));
        }
        return out;
    }

    /** The same for a plain list of comparisons (null entries stay null). */
    public static List<Comparison> adjustComparisons(List<Comparison> comparisons) {
        double[] p = comparisons.stream().mapToDouble(c -> c == null ? Double.NaN : c.pValue()).toArray();
        double[] q = benjaminiHochberg(p);
        int m = tested(p);
        List<Comparison> out = new ArrayList<>(comparisons.size());
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison c = comparisons.get(i);
            out.add(c == null ? null : c.adjusted(q[i], m));
        }
        return out;
    }

    /**
     * What a run's per-figure verdicts mean, counted: how many comparisons were tested, how many
     * had no p-value, how many are significant on their own (the 95% CI excludes 1) and how many
     * after the correction.
     */
    public record Family(int tested, int untested, int rawSignificant, int significant) {

        public static Family of(List<Comparison> comparisons) {
            int tested = 0;
            int untested = 0;
            int raw = 0;
            int sig = 0;
            for (Comparison c : comparisons) {
                if (c == null) {
                    continue;
                }
                if (!Double.isFinite(c.pValue())) {
                    untested++;
                    continue;
                }
                tested++;
                raw += c.rawSignificant() ? 1 : 0;
                sig += c.significant() ? 1 : 0;
            }
            return new Family(tested, untested, raw, sig);
        }

        /**
         * "177 comparisons with native were tested (24 more had no CI and are not counted);
         * 'significant' means significant after the Benjamini-Hochberg correction over each
         * variant's own comparisons among those 177
         * (false discovery rate 5%): 74 are, of 86 whose own 95% CI excludes 1."
         */
        public String sentence(String baseline) {
            StringBuilder sb = new StringBuilder().append(tested).append(tested == 1 ? " comparison with " : " comparisons with ")
                    .append(baseline).append(tested == 1 ? " was" : " were").append(" tested");
            if (untested > 0) {
                sb.append(" (").append(untested).append(untested == 1 ? " more had no CI, so no p-value, and is not counted)"
                        : " more had no CI, so no p-value, and are not counted)");
            }
            sb.append("; 'significant' means significant after the Benjamini-Hochberg correction over ")
                    .append(tested == 1 ? "that one" : "each variant's own comparisons among those " + tested)
                    .append(" (false discovery rate ").append(percent(LEVEL))
                    .append("; each p-value and 95% CI shown is the comparison's own): ").append(significant)
                    .append(significant == 1 ? " is" : " are").append(", of ").append(rawSignificant)
                    .append(rawSignificant == 1 ? " whose own CI excludes 1." : " whose own CI excludes 1.");
            return sb.toString();
        }
    }

    static String percent(double level) {
        return String.format(Locale.ROOT, "%.0f%%", level * 100);
    }

    private static Integer[] sortedFinite(double[] p) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            if (Double.isFinite(p[i])) {
                idx.add(i);
            }
        }
        idx.sort(Comparator.comparingDouble(i -> p[i]));
        return idx.toArray(Integer[]::new);
    }

    private static double[] nans(int n) {
        double[] out = new double[n];
        Arrays.fill(out, Double.NaN);
        return out;
    }
}
