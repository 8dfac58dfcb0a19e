package io.isobench.suite;

import io.isobench.BadInputException;
import io.isobench.result.Baseline;
import io.isobench.env.Environment;
import io.isobench.env.Environments;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.core.ParamSpec;
import io.isobench.core.Params;
import io.isobench.workload.Workload;
import io.isobench.workload.Workloads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Expands a suite into trials: workload x parameter combination x environment variant. Every name,
 * parameter and setting is validated here, before anything runs.
 */
public final class Planner {

    private Planner() {
    }

    public static Plan plan(Suite suite, HostFacts host) {
        return plan(suite, host, v -> Environments.get(v.environment(), "environment '" + v.environment() + "'").emulated(v));
    }

    /**
     * @param emulated whether a variant will run under emulation (its environment knows: a VM where
     *                 KVM does not work); such variants get the workloads' emulation sizes
     */
    public static Plan plan(Suite suite, HostFacts host, java.util.function.Predicate<Variant> emulatedVariant) {
        if (suite.workloads().isEmpty()) {
            throw new BadInputException("the suite '" + suite.name() + "' names no workload: add one (see: isobench list workloads)");
        }
        if (suite.environments().isEmpty()) {
            throw new BadInputException("the suite '" + suite.name() + "' names no environment: add one (see: isobench list environments)");
        }
        List<Variant> variants = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        List<String> skipped = new ArrayList<>();
        for (Suite.EnvironmentEntry e : suite.environments()) {
            Environment env = Environments.get(e.name(), e.where());
            List<Map<String, Object>> given = e.variants() == null || e.variants().isEmpty()
                    ? new ArrayList<>(env.defaultVariants().stream().map(m -> (Map<String, Object>) new LinkedHashMap<String, Object>(m)).toList())
                    : e.variants();
            for (int i = 0; i < given.size(); i++) {
                for (Map<String, Object> one : expand(given.get(i))) {
                    Map<String, String> settings = new LinkedHashMap<>();
                    one.forEach((k, val) -> settings.put(k, String.valueOf(val)));
                    Variant variant = Variant.resolve(env, settings, e.whereOfVariant(i));
                    if (!seen.add(variant.label())) {
                        continue;
                    }
                    // well formed, but this host cannot run it (gVisor's own network stack where runsc refuses it):
                    // left out with the reason, and the rest of the suite runs
                    String unavailable = env.unavailableReason(variant);
                    if (unavailable != null) {
                        skipped.add("skipping " + variant.label() + ": " + unavailable);
                        continue;
                    }
                    variants.add(variant);
                }
            }
        }
        Variant baseline = baseline(suite.baseline(), variants);
        Map<String, Boolean> emulated = new LinkedHashMap<>();
        for (Variant v : variants) {
            emulated.put(v.label(), emulatedVariant.test(v));
        }
        List<Trial> trials = new ArrayList<>();
        List<String> scaled = new ArrayList<>();
        int n = 0;
        for (Suite.WorkloadEntry we : suite.workloads()) {
            Workload w = Workloads.get(we.name(), we.where());
            for (Map<String, Object> combo : expandParams(w, we.params())) {
                Params p = Params.resolve(w.params(), combo, host, "workload '" + w.name() + "'", we::whereOf);
                w.validate(p, host);
                // an emulated variant runs the workload at its emulation size, and the baseline runs that
                // size too (once), so the emulated variant is compared like for like
                Map<Params, List<String>> emulatedAt = new LinkedHashMap<>();
                for (Variant v : variants) {
                    Params pv = emulated.get(v.label()) ? w.scaledForEmulation(p) : p;
                    if (!pv.equals(p)) {
                        emulatedAt.computeIfAbsent(pv, k -> new ArrayList<>()).add(v.label());
                    }
                }
                boolean baselineNative = baseline != null && !emulated.get(baseline.label());
                Set<Params> baselineAt = baselineNative ? emulatedAt.keySet() : Set.of();
                emulatedAt.forEach((pv, labels) -> scaled.add(String.join(", ", labels) + (labels.size() == 1 ? " runs" : " run")
                        + " under emulation: " + w.name() + " at " + changed(p, pv)
                        + (baselineNative ? ", and " + baseline.label() + " at the same size for the comparison" : "")));
                for (Variant v : variants) {
                    String unreachable = w instanceof io.isobench.workload.ServerWorkload
                            ? Environments.get(v.environment(), we.where()).unreachableReason(v) : null;
                    if (unreachable != null) {
                        String note = w.name() + " skips " + v.label() + ": " + unreachable;
                        if (!skipped.contains(note)) {
                            skipped.add(note);
                        }
                        continue;
                    }
                    Params pv = emulated.get(v.label()) ? w.scaledForEmulation(p) : p;
                    checkFits(w, pv, v, we.where());
                    trials.add(new Trial(String.format("t%03d", ++n), w, pv, v, we.repetition()));
                    if (v.equals(baseline)) {
                        for (Params small : baselineAt) {
                            trials.add(new Trial(String.format("t%03d", ++n), w, small, v, we.repetition()));
                        }
                    }
                }
            }
        }
        Set<String> emulatedLabels = new LinkedHashSet<>();
        emulated.forEach((label, yes) -> {
            if (yes) {
                emulatedLabels.add(label);
            }
        });
        return new Plan(suite, trials, baseline, List.copyOf(skipped), List.copyOf(new LinkedHashSet<>(scaled)), Set.copyOf(emulatedLabels));
    }

    /** "n=3000 -> 1200" for the parameters that differ. */
    private static String changed(Params from, Params to) {
        List<String> out = new ArrayList<>();
        from.asMap().forEach((k, v) -> {
            Object t = to.asMap().get(k);
            if (!java.util.Objects.equals(v, t)) {
                out.add(k + "=" + v + " -> " + t);
            }
        });
        return String.join(", ", out);
    }

    /**
     * Refuses, before anything runs, a trial whose workload cannot fit the variant's memory (a
     * VM's memory, a container's limit) beside the agent's JVM: it would only get the agent
     * OOM-killed, twice. Names the workload's parameters and the limit.
     */
    static void checkFits(Workload w, Params p, Variant v, String where) {
        long memory = Environments.get(v.environment(), where).memoryBytes(v);
        if (memory <= 0) {
            return;
        }
        Workload.OffHeap need = w.offHeap(p, memory);
        String misfit = io.isobench.env.AgentMemory.misfit(memory, need.bytes(), need.what());
        if (misfit != null) {
            throw new BadInputException(where + ": " + w.name() + " does not fit " + v.label() + ": " + misfit
                    + "; lower the workload's parameters (-p " + w.name() + ".PARAM=...) or give the variant more memory (--variant "
                    + v.environment() + ".memory=...)");
        }
    }

    /**
     * The variant the others are compared with: a variant label, else the first variant of an
     * environment of that name. A run without it has no ratios, which is allowed but said.
     */
    static Variant baseline(String spec, List<Variant> variants) {
        Optional<Variant> found = Baseline.find(spec, variants, Variant::label, Variant::environment);
        if (found.isPresent()) {
            return found.get();
        }
        if (!Baseline.wanted(spec).equals(Baseline.DEFAULT)) {
            throw new BadInputException("the baseline '" + spec + "' is not among the variants of this run ("
                    + String.join(", ", variants.stream().map(Variant::label).toList()) + "): name one of them with --baseline");
        }
        return null;
    }

    /** Values given as lists for parameters that take a single value become one combination each. */
    static List<Map<String, Object>> expandParams(Workload w, Map<String, Object> given) {
        Map<String, Object> scalarsOrMatrix = new LinkedHashMap<>();
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        w.params().forEach(s -> specs.put(s.name(), s));
        Map<String, Object> fixed = new LinkedHashMap<>();
        for (var e : (given == null ? Map.<String, Object>of() : given).entrySet()) {
            ParamSpec s = specs.get(e.getKey());
            Object v = e.getValue();
            if (s != null && !s.list() && v instanceof String str && str.contains(",")) {
                v = List.of(str.split(",")).stream().map(String::trim).toList();
            }
            if (s != null && !s.list() && v instanceof List<?>) {
                scalarsOrMatrix.put(e.getKey(), v);
            } else {
                fixed.put(e.getKey(), v);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(fixed);
        return cartesian(out, scalarsOrMatrix);
    }

    /** A variant whose settings hold lists becomes one variant per combination. */
    static List<Map<String, Object>> expand(Map<String, Object> settings) {
        Map<String, Object> lists = new LinkedHashMap<>();
        Map<String, Object> fixed = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (v instanceof List<?>) {
                lists.put(k, v);
            } else {
                fixed.put(k, v);
            }
        });
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(fixed);
        return cartesian(out, lists);
    }

    private static List<Map<String, Object>> cartesian(List<Map<String, Object>> seeds, Map<String, Object> lists) {
        List<Map<String, Object>> out = seeds;
        for (var e : lists.entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> m : out) {
                for (Object v : (List<?>) e.getValue()) {
                    Map<String, Object> c = new LinkedHashMap<>(m);
                    c.put(e.getKey(), v);
                    next.add(c);
                }
            }
            out = next;
        }
        return out;
    }
}
