package io.isobench.stats;

import io.isobench.result.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns samples into summaries: warm-up samples are dropped, the rest grouped by
 * (workload, parameters, metric, labels, variant), summarised, and compared with the baseline
 * variant's group of the same key: paired by iteration when at least {@link Comparison#MIN_PAIRS}
 * iterations pair up (each sample's host and iteration number, at most one sample each per group:
 * the runner runs iteration i of every variant of a workload in the same round), else unpaired.
 * The run's comparisons are one family: each gets its Benjamini–Hochberg q-value over all of them,
 * and its verdict from it ({@link Multiplicity#adjust}).
 */
public final class Summarizer {

    private Summarizer() {
    }

    private record Group(MetricSummary.Key key, String variant) {
    }

    /**
     * @param baselineVariant the label of the baseline variant, or null for no comparisons
     */
    public static List<MetricSummary> summarize(List<Sample> samples, String baselineVariant) {
        Map<Group, List<Sample>> groups = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.warmup()) {
                continue;
            }
            groups.computeIfAbsent(new Group(new MetricSummary.Key(s.workload(), s.params(), s.metric(), s.labels()), s.variant()),
                    g -> new ArrayList<>()).add(s);
        }
        Map<Group, Summary> summaries = new LinkedHashMap<>();
        groups.forEach((g, list) -> summaries.put(g, Summary.of(g.key().metric(), list.stream().mapToDouble(Sample::value).toArray())));
        List<MetricSummary> out = new ArrayList<>();
        groups.forEach((g, list) -> {
            Sample first = list.get(0);
            Summary s = summaries.get(g);
            Comparison c = null;
            if (baselineVariant != null && !Objects.equals(g.variant(), baselineVariant)) {
                Group baseGroup = new Group(g.key(), baselineVariant);
                Summary base = summaries.get(baseGroup);
                if (base != null) {
                    c = compare(g.key().metric(), list, groups.get(baseGroup), s, base, first.direction());
                }
            }
            out.add(new MetricSummary(first.workload(), first.params(), first.metric(), first.labels(), first.unit(),
                    first.direction(), first.environment(), first.variant(), first.emulated(), s, c));
        });
        return Multiplicity.adjust(out);
    }

    /**
     * The variant's samples against the baseline's: paired over the iterations both have when
     * there are at least {@link Comparison#MIN_PAIRS} of them (and, for a tail percentile,
     * {@link Summary#MIN_TAIL_ITERATIONS}), each (host, iteration) once on each side; otherwise
     * unpaired from the two summaries.
     */
    static Comparison compare(String metric, List<Sample> x, List<Sample> baseline, Summary sx, Summary sb, io.isobench.result.Direction direction) {
        Map<List<Object>, Double> bx = byIteration(x);
        Map<List<Object>, Double> bb = byIteration(baseline);
        if (bx != null && bb != null) {
            List<Double> px = new ArrayList<>();
            List<Double> pb = new ArrayList<>();
            bx.forEach((id, v) -> {
                Double b = bb.get(id);
                if (b != null) {
                    px.add(v);
                    pb.add(b);
                }
            });
            int need = Summary.isTailPercentile(metric) ? Math.max(Comparison.MIN_PAIRS, Summary.MIN_TAIL_ITERATIONS) : Comparison.MIN_PAIRS;
            if (px.size() >= need) {
                return Comparison.paired(metric, px.stream().mapToDouble(Double::doubleValue).toArray(),
                        pb.stream().mapToDouble(Double::doubleValue).toArray(), direction);
            }
        }
        return Comparison.of(sx, sb, direction);
    }

    /** Each sample's value by (host, iteration); null when two samples share one (they do not line up). */
    private static Map<List<Object>, Double> byIteration(List<Sample> samples) {
        Map<List<Object>, Double> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (out.put(java.util.Arrays.asList(s.host(), s.iteration()), s.value()) != null) {
                return null;
            }
        }
        return out;
    }

    /**
     * The largest relative half-width of the ratio CIs of a trial against its baseline's trial,
     * each computed as the report does ({@link #compare}: paired by iteration where they pair up),
     * over the metrics both have; NaN while any has no interval yet. A metric that cannot have a
     * ratio however long it runs (a baseline mean of zero, negative values) does not count.
     */
    public static double worstRatioHalfWidth(List<Sample> trialSamples, List<Sample> baselineSamples) {
        Map<List<Object>, List<Sample>> x = byMetric(trialSamples);
        Map<List<Object>, List<Sample>> b = byMetric(baselineSamples);
        double worst = 0;
        boolean any = false;
        for (var e : x.entrySet()) {
            List<Sample> base = b.get(e.getKey());
            if (base == null) {
                continue;
            }
            String metric = (String) e.getKey().get(0);
            Summary sx = summary(metric, e.getValue());
            Summary sb = summary(metric, base);
            if (!sx.hasInterval() || !sb.hasInterval()) {
                return Double.NaN;
            }
            if (sx.min() < 0 || sb.min() < 0 || sb.mean() == 0 || sx.mean() == 0) {
                continue; // no ratio, ever
            }
            double w = compare(metric, e.getValue(), base, sx, sb, e.getValue().get(0).direction()).relativeHalfWidth();
            if (Double.isNaN(w)) {
                return Double.NaN;
            }
            worst = Math.max(worst, w);
            any = true;
        }
        return any ? worst : Double.NaN;
    }

    private static Map<List<Object>, List<Sample>> byMetric(List<Sample> samples) {
        Map<List<Object>, List<Sample>> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (!s.warmup()) {
                out.computeIfAbsent(List.of(s.metric(), s.labels()), k -> new ArrayList<>()).add(s);
            }
        }
        return out;
    }

    private static Summary summary(String metric, List<Sample> samples) {
        return Summary.of(metric, samples.stream().mapToDouble(Sample::value).toArray());
    }

    /**
     * The largest relative CI half-width over a trial's metrics; NaN while any has no interval yet
     * (fewer than two values, or a tail percentile below {@link Summary#MIN_TAIL_ITERATIONS}).
     */
    public static double worstRelativeHalfWidth(List<Sample> trialSamples) {
        Map<List<Object>, List<Double>> byMetric = new LinkedHashMap<>();
        for (Sample s : trialSamples) {
            if (!s.warmup()) {
                byMetric.computeIfAbsent(List.of(s.metric(), s.labels()), k -> new ArrayList<>()).add(s.value());
            }
        }
        double worst = 0;
        for (var e : byMetric.entrySet()) {
            List<Double> v = e.getValue();
            Summary s = Summary.of((String) e.getKey().get(0), v.stream().mapToDouble(Double::doubleValue).toArray());
            if (!s.hasInterval()) {
                return Double.NaN;
            }
            double r = s.relativeHalfWidth();
            if (Double.isNaN(r)) {
                // a mean of zero: a constant zero has converged, anything else cannot be judged relatively
                r = s.stddev() == 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            worst = Math.max(worst, r);
        }
        return byMetric.isEmpty() ? Double.NaN : worst;
    }
}
