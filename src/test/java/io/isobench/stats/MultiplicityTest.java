package io.isobench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isobench.result.Direction;
import io.isobench.result.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Holm and Benjamini–Hochberg on textbook examples with known answers, and the run-level
 * correction ({@link Multiplicity#adjust}, applied by {@link Summarizer}) on runs built from real
 * samples: a true large effect among many null ones stays significant, a lone marginal one among
 * about a hundred does not, one comparison alone is unchanged, and comparisons without a p-value
 * are not counted.
 */
class MultiplicityTest {

    /**
     * Holm's example (Wikipedia, "Holm–Bonferroni method"): four hypotheses, p = 0.01, 0.04,
     * 0.03, 0.005, alpha 0.05. Sorted 0.005, 0.01, 0.03, 0.04; adjusted by hand:
     * 4 x 0.005 = 0.02; max(0.02, 3 x 0.01) = 0.03; max(0.03, 2 x 0.03) = 0.06; max(0.06, 1 x 0.04) = 0.06.
     * So H4 (0.005) and H1 (0.01) are rejected, H2 and H3 are not.
     */
    @Test
    void holmOnTheTextbookExample() {
        double[] adj = Multiplicity.holm(new double[] {0.01, 0.04, 0.03, 0.005});
        assertThat(adj[0]).isCloseTo(0.03, within(1e-12));
        assertThat(adj[1]).isCloseTo(0.06, within(1e-12));
        assertThat(adj[2]).isCloseTo(0.06, within(1e-12));
        assertThat(adj[3]).isCloseTo(0.02, within(1e-12));
    }

    /**
     * Benjamini and Hochberg (1995), section 4: 15 p-values. At FDR 0.05 the step-up rule rejects
     * the first four (0.0095 &lt;= 4/15 x 0.05 = 0.0133, while 0.0201 &gt; 5/15 x 0.05 = 0.0167 and
     * no later one passes its bound); Bonferroni (and Holm) reject three. q-values by hand,
     * q(i) = min over j &gt;= i of 15 p(j) / j: 15 x 0.0001 = 0.0015; 15 x 0.0004 / 2 = 0.003;
     * 15 x 0.0019 / 3 = 0.0095; 15 x 0.0095 / 4 = 0.035625; 15 x 0.0201 / 5 = 0.0603;
     * 15 x 0.0278 / 6 = 0.0695 but 15 x 0.0298 / 7 = 0.063857 is smaller, so 0.063857 for both;
     * 15 x 0.0344 / 8 = 0.0645; 15 x 0.0459 / 9 = 0.0765; 15 x 0.3240 / 10 = 0.486; last 1.
     */
    @Test
    void benjaminiHochbergOnTheirOwnExample() {
        double[] p = {0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528,
                0.7590, 1.000};
        double[] q = Multiplicity.benjaminiHochberg(p);
        double[] expected = {0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.063857142857142857, 0.063857142857142857, 0.0645, 0.0765,
                0.486, 15 * 0.4262 / 11, 15 * 0.5719 / 12, 15 * 0.6528 / 13, 15 * 0.7590 / 14, 1};
        for (int i = 0; i < p.length; i++) {
            assertThat(q[i]).as("q of p=" + p[i]).isCloseTo(expected[i], within(1e-12));
        }
        assertThat(java.util.Arrays.stream(q).filter(x -> x < 0.05).count()).isEqualTo(4);
        assertThat(java.util.Arrays.stream(Multiplicity.holm(p)).filter(x -> x < 0.05).count()).isEqualTo(3);
        // the order of the input does not matter
        double[] reversed = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            reversed[i] = p[p.length - 1 - i];
        }
        double[] qr = Multiplicity.benjaminiHochberg(reversed);
        for (int i = 0; i < p.length; i++) {
            assertThat(qr[p.length - 1 - i]).isCloseTo(q[i], within(1e-15));
        }
    }

    @Test
    void adjustedValuesAreNeverBelowTheRawOnesAndHolmIsNeverBelowBh() {
        Random r = new Random(7);
        for (int t = 0; t < 200; t++) {
            double[] p = new double[1 + r.nextInt(60)];
            for (int i = 0; i < p.length; i++) {
                p[i] = r.nextDouble() < 0.3 ? r.nextDouble() * 0.01 : r.nextDouble();
            }
            double[] q = Multiplicity.benjaminiHochberg(p);
            double[] h = Multiplicity.holm(p);
            for (int i = 0; i < p.length; i++) {
                // up to rounding: m p / j with j = m is p times (m / m)
                assertThat(q[i]).isGreaterThanOrEqualTo(p[i] * (1 - 1e-12)).isLessThanOrEqualTo(1);
                assertThat(h[i]).isGreaterThanOrEqualTo(q[i] * (1 - 1e-12)).isLessThanOrEqualTo(1);
            }
        }
    }

    /** NaN (no test: no interval) is left out of the family: m counts only the p-values. */
    @Test
    void untestedValuesAreNotCounted() {
        double[] p = {0.01, Double.NaN, 0.04};
        assertThat(Multiplicity.tested(p)).isEqualTo(2);
        double[] h = Multiplicity.holm(p);
        // m = 2: 2 x 0.01 = 0.02; max(0.02, 1 x 0.04) = 0.04 (with NaN counted it would be 0.03 and 0.08)
        assertThat(h[0]).isCloseTo(0.02, within(1e-12));
        assertThat(h[1]).isNaN();
        assertThat(h[2]).isCloseTo(0.04, within(1e-12));
        double[] q = Multiplicity.benjaminiHochberg(p);
        // m = 2: 2 x 0.01 / 1 = 0.02; 2 x 0.04 / 2 = 0.04
        assertThat(q[0]).isCloseTo(0.02, within(1e-12));
        assertThat(q[1]).isNaN();
        assertThat(q[2]).isCloseTo(0.04, within(1e-12));
        assertThat(Multiplicity.holm(new double[0])).isEmpty();
        assertThat(Multiplicity.benjaminiHochberg(new double[] {Double.NaN})).containsExactly(Double.NaN);
    }

    /** One comparison is its own family: q = p, and the verdict is the interval's. */
    @Test
    void oneComparisonIsUnchanged() {
        assertThat(Multiplicity.holm(new double[] {0.03})).containsExactly(0.03);
        assertThat(Multiplicity.benjaminiHochberg(new double[] {0.03})).containsExactly(0.03);
        List<Sample> samples = new ArrayList<>();
        metric(samples, "m0", new double[] {100, 101, 99, 100, 100}, new double[] {103, 101, 100, 102, 101.5});
        List<MetricSummary> s = Summarizer.summarize(samples, "native");
        Comparison c = s.stream().filter(m -> m.vsBaseline() != null).findFirst().orElseThrow().vsBaseline();
        assertThat(c.family()).isEqualTo(1);
        assertThat(c.qValue()).isEqualTo(c.pValue());
        assertThat(c.pValue()).isBetween(0.01, 0.05); // marginal, and significant on its own
        assertThat(c.significant()).isTrue().isEqualTo(c.rawSignificant());
        assertThat(c.lostToCorrection()).isFalse();
    }

    /**
     * A run of ~100 null comparisons (variant and baseline from the same distribution) and one
     * true large effect (a 30% slowdown): the true one stays significant after the correction,
     * and the nulls that were significant on their own (about 5 in 100) are not.
     */
    @Test
    void aTrueLargeEffectAmongManyNullOnesStaysSignificant() {
        Random r = new Random(42);
        List<Sample> samples = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            metric(samples, "null" + k, lognormal(r, 100, 0.05, 5), lognormal(r, 100, 0.05, 5));
        }
        metric(samples, "true", lognormal(r, 100, 0.05, 5), lognormal(r, 70, 0.05, 5));
        List<MetricSummary> s = Summarizer.summarize(samples, "native");
        List<Comparison> cs = comparisons(s);
        assertThat(cs).hasSize(101).allSatisfy(c -> assertThat(c.family()).isEqualTo(101));
        Comparison truth = byMetric(s, "true");
        assertThat(truth.rawSignificant()).isTrue();
        assertThat(truth.significant()).isTrue();
        assertThat(truth.qValue()).isLessThan(Multiplicity.LEVEL).isGreaterThanOrEqualTo(truth.pValue());
        long rawNulls = cs.stream().filter(c -> c != truth && c.rawSignificant()).count();
        long adjustedNulls = cs.stream().filter(c -> c != truth && c.significant()).count();
        assertThat(rawNulls).as("nulls significant on their own, as ~5% of 100 are").isPositive();
        assertThat(adjustedNulls).isLessThan(rawNulls);
        // every adjusted verdict is a raw one too: never "significant" with an interval that holds 1
        assertThat(cs).allSatisfy(c -> assertThat(!c.significant() || c.rawSignificant()).isTrue());
    }

    /** A lone marginal p (0.01-0.05) among ~100 null comparisons loses its verdict, and says why. */
    @Test
    void aLoneMarginalVerdictAmongAHundredIsLost() {
        Random r = new Random(3);
        List<Sample> samples = new ArrayList<>();
        for (int k = 0; k < 99; k++) {
            metric(samples, "null" + k, lognormal(r, 100, 0.05, 5), lognormal(r, 100, 0.05, 5));
        }
        metric(samples, "marginal", new double[] {100, 101, 99, 100, 100}, new double[] {103, 101, 100, 102, 101.5});
        List<MetricSummary> s = Summarizer.summarize(samples, "native");
        Comparison m = byMetric(s, "marginal");
        assertThat(m.pValue()).isBetween(0.01, 0.05);
        assertThat(m.rawSignificant()).isTrue();
        assertThat(m.family()).isEqualTo(100);
        assertThat(m.significant()).isFalse();
        assertThat(m.lostToCorrection()).isTrue();
        // the figures themselves are as computed: the correction changes only the verdict
        Comparison alone = Summarizer.compare("marginal", samplesOf(samples, "marginal", "docker"), samplesOf(samples, "marginal", "native"),
                Summary.of(new double[] {103, 101, 100, 102, 101.5}), Summary.of(new double[] {100, 101, 99, 100, 100}), Direction.HIGHER);
        assertThat(m.ratio()).isEqualTo(alone.ratio());
        assertThat(m.ratioLow()).isEqualTo(alone.ratioLow());
        assertThat(m.ratioHigh()).isEqualTo(alone.ratioHigh());
        assertThat(m.pValue()).isEqualTo(alone.pValue());
        Multiplicity.Family f = Multiplicity.Family.of(comparisons(s));
        assertThat(f.tested()).isEqualTo(100);
        assertThat(f.rawSignificant()).isGreaterThan(f.significant());
        assertThat(f.sentence("native")).startsWith("100 comparisons with native were tested;").contains("Benjamini-Hochberg")
                .contains("false discovery rate 5%").contains(": " + f.significant() + (f.significant() == 1 ? " is" : " are") + ", of " + f.rawSignificant() + " whose own CI");
    }

    /**
     * One family per variant: another variant's many large true effects (an emulated VM tens of
     * times slower on every figure) do not lower the bar for this variant's figures. Over the
     * whole run, forty VM effects would let docker's lone marginal figure through (BH's threshold
     * grows with the discoveries); within docker's own comparisons it is lost, as on its own run.
     */
    @Test
    void anotherVariantsLargeEffectsDoNotLowerTheBarForThisOnes() {
        Random r = new Random(5);
        List<Sample> samples = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            double[] base = lognormal(r, 100, 0.05, 5);
            add(samples, "m" + k, "native", base);
            add(samples, "m" + k, "docker", lognormal(r, 100, 0.05, 5));
            add(samples, "m" + k, "vm", lognormal(r, 3, 0.05, 5));
        }
        add(samples, "marginal", "native", new double[] {100, 101, 99, 100, 100});
        add(samples, "marginal", "docker", new double[] {103, 102, 101, 102.5, 102});
        List<MetricSummary> s = Summarizer.summarize(samples, "native");
        Comparison m = byMetric(s, "marginal");
        assertThat(m.pValue()).isBetween(0.0013, 0.02); // q over docker's 41 (rank 1) above 5%, over the run's 81 below
        assertThat(m.rawSignificant()).isTrue();
        assertThat(m.family()).as("docker's own comparisons").isEqualTo(41);
        assertThat(m.significant()).isFalse();
        // over the whole run it would have passed: the proof that the family matters here
        double[] p = s.stream().filter(x -> x.vsBaseline() != null).mapToDouble(x -> x.vsBaseline().pValue()).toArray();
        double[] q = Multiplicity.benjaminiHochberg(p);
        int at = s.stream().filter(x -> x.vsBaseline() != null).toList().indexOf(
                s.stream().filter(x -> x.metric().equals("marginal") && x.vsBaseline() != null).findFirst().orElseThrow());
        assertThat(q[at]).isLessThan(0.05);
        assertThat(s.stream().filter(x -> "vm".equals(x.variant()) && x.vsBaseline() != null))
                .as("the VM's large effects keep theirs").allMatch(x -> x.vsBaseline().significant() && x.vsBaseline().family() == 40);
    }

    /**
     * With no true effect anywhere, the chance that a run of 100 comparisons shows any
     * significant figure is about 5% after the correction (BH controls the familywise error when
     * every null is true), where nearly every run shows some uncorrected: 200 seeded runs.
     */
    @Test
    void allNullRunsRarelyShowAnyCorrectedVerdict() {
        Random r = new Random(11);
        int runsWithRaw = 0;
        int runsWithAdjusted = 0;
        int runs = 200;
        for (int run = 0; run < runs; run++) {
            List<Comparison> cs = new ArrayList<>();
            for (int k = 0; k < 100; k++) {
                cs.add(Comparison.paired("m", lognormal(r, 100, 0.05, 5), lognormal(r, 100, 0.05, 5), Direction.HIGHER));
            }
            List<Comparison> adj = Multiplicity.adjustComparisons(cs);
            runsWithRaw += cs.stream().anyMatch(Comparison::rawSignificant) ? 1 : 0;
            runsWithAdjusted += adj.stream().anyMatch(Comparison::significant) ? 1 : 0;
        }
        assertThat(runsWithRaw).isGreaterThan(runs * 9 / 10);
        assertThat(runsWithAdjusted).isLessThanOrEqualTo(runs / 10); // 5% expected; 10% leaves room for the draw
    }

    /** A metric with one iteration has no p-value: it is not counted, and it keeps no verdict. */
    @Test
    void comparisonsWithoutAPValueAreLeftOutOfTheFamily() {
        List<Sample> samples = new ArrayList<>();
        metric(samples, "a", new double[] {100, 101, 99, 100, 100}, new double[] {70, 71, 69, 70, 70.5});
        metric(samples, "b", new double[] {100, 101, 99, 100, 100}, new double[] {103, 101, 100, 102, 101.5});
        metric(samples, "once", new double[] {100}, new double[] {50});
        List<MetricSummary> s = Summarizer.summarize(samples, "native");
        assertThat(byMetric(s, "once").pValue()).isNaN();
        assertThat(byMetric(s, "once").significant()).isFalse();
        assertThat(byMetric(s, "a").family()).isEqualTo(2);
        Multiplicity.Family f = Multiplicity.Family.of(comparisons(s));
        assertThat(f.tested()).isEqualTo(2);
        assertThat(f.untested()).isEqualTo(1);
        assertThat(f.sentence("native")).contains("(1 more had no CI, so no p-value, and is not counted)");
        // b (p ~ 0.04) is the larger of two: BH q = 2 x p / 2 = p, so it keeps its verdict with m = 2
        assertThat(byMetric(s, "b").qValue()).isCloseTo(byMetric(s, "b").pValue(), within(1e-15));
        assertThat(byMetric(s, "b").significant()).isTrue();
    }

    /** The interval excludes 1 exactly when the raw p &lt; 0.05, paired as well as unpaired (ComparisonTest). */
    @Test
    void pairedIntervalExcludesOneExactlyWhenRawPIsBelowFivePercent() {
        Random r = new Random(5);
        int sig = 0;
        for (int t = 0; t < 3000; t++) {
            int n = 3 + r.nextInt(10);
            double common = 0.3 * r.nextDouble();
            double shift = r.nextGaussian() * 0.1;
            double[] x = new double[n];
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                double g = common * r.nextGaussian();
                x[i] = Math.exp(shift + g + 0.05 * r.nextGaussian());
                b[i] = Math.exp(g + 0.05 * r.nextGaussian());
            }
            Comparison c = Comparison.paired("m", x, b, t % 2 == 0 ? Direction.HIGHER : Direction.LOWER);
            assertThat(c.rawSignificant()).isEqualTo(c.pValue() < Comparison.ALPHA);
            assertThat(c.rawSignificant()).isEqualTo(c.performanceLow() > 1 || c.performanceHigh() < 1);
            assertThat(c.significant()).isEqualTo(c.rawSignificant()); // alone: unchanged
            assertThat(c.qValue()).isEqualTo(c.pValue());
            sig += c.rawSignificant() ? 1 : 0;
        }
        assertThat(sig).isBetween(300, 2700); // both verdicts occur
    }

    // ---------------------------------------------------------------- helpers

    private static double[] lognormal(Random r, double median, double sigma, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = median * Math.exp(sigma * r.nextGaussian());
        }
        return v;
    }

    /** The baseline's and a variant's iterations of one metric, iteration i of both in the same round. */
    private static void metric(List<Sample> out, String metric, double[] baseline, double[] variant) {
        add(out, metric, "native", baseline);
        add(out, metric, "docker", variant);
    }

    private static void add(List<Sample> out, String metric, String variant, double[] values) {
        for (int i = 0; i < values.length; i++) {
            out.add(new Sample("run", variant + "-t", "synthetic", Map.of(), variant, variant, Map.of(), false, i + 1, false, metric,
                    Map.of(), values[i], "ops/s", Direction.HIGHER, Instant.parse("2026-12-06T10:00:00Z").plusSeconds(i), Map.of()));
        }
    }

    private static List<Sample> samplesOf(List<Sample> samples, String metric, String variant) {
        return samples.stream().filter(s -> s.metric().equals(metric) && s.variant().equals(variant)).toList();
    }

    private static List<Comparison> comparisons(List<MetricSummary> s) {
        return s.stream().map(MetricSummary::vsBaseline).filter(c -> c != null).toList();
    }

    private static Comparison byMetric(List<MetricSummary> s, String metric) {
        return s.stream().filter(m -> m.metric().equals(metric) && m.vsBaseline() != null).findFirst().orElseThrow().vsBaseline();
    }
}
