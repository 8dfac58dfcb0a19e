package io.isobench.confound;

import io.isobench.env.DirectIoPath;
import io.isobench.env.Environment;
import io.isobench.env.Environments;
import io.isobench.result.Sample;
import io.isobench.core.IdentityFact;
import io.isobench.workload.Workload;
import io.isobench.workload.WorkloadFamily;
import io.isobench.workload.Workloads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares, within one trial (a workload with one set of parameters), the facts that define "the
 * same software" across its variants and the baseline, from the samples alone (so {@code report}
 * finds them in old runs too), and says for every difference whether the environment causes it
 * (labelled, part of what is measured) or something outside the comparison does (the ratio is
 * confounded).
 *
 * <p>The facts compared are {@link IdentityFact#EVERY_WORKLOAD} and the workload's own
 * {@link Workload#identityFacts()}. A fact missing on either side (not recorded by an older
 * version, or not reported where the workload took another path) is not compared: only what was
 * recorded can be judged.
 */
public final class ConfoundDetector {

    /**
     * What block I/O workloads add: whether the environment carries O_DIRECT to the host's storage
     * ({@link DirectIoPath}). Where one side does and the other does not, one figure measures the
     * storage and the other a cache; an environment that cannot (gVisor) explains it, and
     * {@link Plausibility} says what it means for a figure that looks faster.
     */
    static final IdentityFact DIRECT_IO = IdentityFact.platform(DirectIoPath.PATH, "direct I/O to the host's storage");

    /** Marks a path whose last part is every key of a map: {@code inside.agent_env.*}. */
    private static final String EVERY_KEY = ".*";
    /** The agent's influential variables, compared one by one. */
    private static final String AGENT_ENV = "inside.agent_env";

    private ConfoundDetector() {
    }

    /**
     * The differences of one trial's variants from the baseline.
     *
     * @param samples the trial's measured samples, every variant (warm-ups may be included)
     * @return in variant order, then fact order; empty when the baseline has no samples here
     */
    public static List<Confound> find(String workload, Map<String, Object> params, List<Sample> samples, String baseline) {
        Map<String, List<Sample>> byVariant = new LinkedHashMap<>();
        for (Sample s : samples) {
            byVariant.computeIfAbsent(s.variant(), k -> new ArrayList<>()).add(s);
        }
        List<Sample> base = byVariant.get(baseline);
        if (base == null) {
            return List.of();
        }
        List<IdentityFact> facts = factsOf(workload, samples);
        List<Confound> out = new ArrayList<>();
        for (var e : byVariant.entrySet()) {
            if (e.getKey().equals(baseline)) {
                continue;
            }
            Side b = new Side(baseline, base);
            Side v = new Side(e.getKey(), e.getValue());
            for (IdentityFact f : facts) {
                judge(workload, params, f, b, v, facts).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * For {@code compare}: the facts that define the same software and differ between two runs,
     * per workload, parameters and variant present in both. Every difference is listed (two runs
     * of one variant should differ only in what the user changed on purpose; a different host shows
     * here too), as "run A" vs "run B".
     */
    public static List<Confound> betweenRuns(List<Sample> runA, List<Sample> runB) {
        record Key(String workload, Map<String, Object> params, String variant) {
        }
        Map<Key, List<Sample>> a = new LinkedHashMap<>();
        Map<Key, List<Sample>> b = new LinkedHashMap<>();
        runA.forEach(s -> a.computeIfAbsent(new Key(s.workload(), s.params(), s.variant()), k -> new ArrayList<>()).add(s));
        runB.forEach(s -> b.computeIfAbsent(new Key(s.workload(), s.params(), s.variant()), k -> new ArrayList<>()).add(s));
        List<Confound> out = new ArrayList<>();
        a.forEach((k, sa) -> {
            List<Sample> sb = b.get(k);
            if (sb == null) {
                return;
            }
            List<Sample> both = new ArrayList<>(sa);
            both.addAll(sb);
            Side sideA = new Side("run A", sa);
            Side sideB = new Side("run B", sb);
            for (IdentityFact f : factsOf(k.workload(), both)) {
                Set<String> va = sideA.values(f.path());
                Set<String> vb = sideB.values(f.path());
                if (!va.isEmpty() && !vb.isEmpty() && !va.equals(vb)) {
                    out.add(new Confound(k.workload(), k.params(), k.variant(), k.variant(), f.path(), f.label(),
                            String.join(" | ", va) + " in run A", String.join(" | ", vb) + " in run B", Confound.Cause.OUTSIDE,
                            "the two runs of " + k.variant() + " did not run the same software or platform"));
                }
            }
        });
        return out;
    }

    /** What is compared for this workload, with the agent's variables expanded one by one. */
    static List<IdentityFact> factsOf(String workload, List<Sample> samples) {
        List<IdentityFact> declared = new ArrayList<>(IdentityFact.EVERY_WORKLOAD);
        Workloads.find(workload).ifPresent(w -> w.identityFacts().stream().filter(f -> !declared.contains(f)).forEach(declared::add));
        if (Workloads.find(workload).map(w -> w.family() == WorkloadFamily.BLOCK_IO).orElse(false)) {
            declared.add(DIRECT_IO);
        }
        Set<String> variables = new TreeSet<>();
        for (Sample s : samples) {
            if (value(s.metadata(), AGENT_ENV) instanceof Map<?, ?> m) {
                m.keySet().forEach(k -> variables.add(String.valueOf(k)));
            }
        }
        List<IdentityFact> out = new ArrayList<>();
        for (IdentityFact f : declared) {
            if (f.path().equals(AGENT_ENV)) {
                // every variable on its own, unless declared on its own (OPENBLAS_CORETYPE follows the CPU)
                for (String name : variables) {
                    String path = AGENT_ENV + "." + name;
                    if (declared.stream().noneMatch(d -> d.path().equals(path))) {
                        out.add(IdentityFact.software(path, name + " (variable)"));
                    }
                }
            } else if (!f.path().endsWith(EVERY_KEY)) {
                out.add(f);
            }
        }
        return out;
    }

    /** One side of a comparison: a variant's label, environment, settings and samples. */
    private record Side(String variant, List<Sample> samples) {
        String environment() {
            return samples.get(0).environment();
        }

        Map<String, String> settings() {
            return samples.get(0).settings() == null ? Map.of() : samples.get(0).settings();
        }

        /** The distinct values of a fact, in order; empty when no sample recorded it. */
        Set<String> values(String path) {
            Set<String> out = new LinkedHashSet<>();
            boolean agentVariable = path.startsWith(AGENT_ENV + ".");
            for (Sample s : samples) {
                Object v = value(s.metadata(), path);
                if (v == null && agentVariable && value(s.metadata(), AGENT_ENV) != null) {
                    v = "(unset)"; // the agent's variables were recorded and this one was not among them
                }
                if (v != null) {
                    out.add(String.valueOf(v));
                }
            }
            return out;
        }

        /** Why this side's environment presents a platform fact differently, or null. */
        String shapes(String path) {
            Optional<Environment> env = Environments.find(environment());
            return env.map(e -> e.shapedFacts(settings()).get(path)).orElse(null);
        }
    }

    private static Optional<Confound> judge(String workload, Map<String, Object> params, IdentityFact f, Side base, Side v,
                                            List<IdentityFact> all) {
        Set<String> bv = base.values(f.path());
        Set<String> vv = v.values(f.path());
        if (bv.isEmpty() || vv.isEmpty() || bv.equals(vv)) {
            return Optional.empty();
        }
        Confound.Cause cause;
        String why;
        switch (f.kind()) {
            case SOFTWARE -> {
                cause = Confound.Cause.OUTSIDE;
                why = "the same software must run in every environment; this is another build, version or setting";
            }
            case PLATFORM -> {
                String shaped = shapedBy(f.path(), base, v);
                cause = shaped != null ? Confound.Cause.ENVIRONMENT : Confound.Cause.OUTSIDE;
                why = shaped != null ? shaped
                        : v.environment() + " does not present its own " + f.label() + ": something outside the comparison differs";
            }
            default -> {
                String reason = null;
                List<String> sameDeps = new ArrayList<>();
                for (String dep : f.dependsOn()) {
                    Set<String> bd = base.values(dep);
                    Set<String> vd = v.values(dep);
                    if (bd.isEmpty() || vd.isEmpty()) {
                        continue;
                    }
                    if (bd.equals(vd)) {
                        sameDeps.add(labelOf(dep, all) + " " + String.join(" | ", bd));
                        continue;
                    }
                    String shaped = shapedBy(dep, base, v);
                    if (shaped != null && reason == null) {
                        reason = "follows from the " + labelOf(dep, all) + " (" + String.join(" | ", bd) + " vs "
                                + String.join(" | ", vd) + "): " + shaped;
                    }
                }
                cause = reason != null ? Confound.Cause.ENVIRONMENT : Confound.Cause.OUTSIDE;
                why = reason != null ? reason
                        : "chosen differently though " + (sameDeps.isEmpty() ? "what it follows from does not differ"
                        : "the " + String.join(" and the ", sameDeps) + " are the same") + ": something outside the comparison chose it"
                        + hints(base, v);
            }
        }
        return Optional.of(new Confound(workload, params, v.variant(), base.variant(), f.path(), f.label(), String.join(" | ", bv),
                String.join(" | ", vv), cause, why));
    }

    /** The environment's reason when either side shapes the fact (the baseline may be a VM too). */
    private static String shapedBy(String path, Side base, Side v) {
        String w = v.shapes(path);
        return w != null ? w : base.shapes(path);
    }

    private static String labelOf(String path, List<IdentityFact> all) {
        return all.stream().filter(f -> f.path().equals(path)).map(IdentityFact::label).findFirst().orElse(path);
    }

    /** Facts that name a forced choice (e.g. {@code openblas_coretype_forced}) or an influential variable on one side only. */
    private static String hints(Side base, Side v) {
        List<String> found = new ArrayList<>();
        for (Side s : List.of(base, v)) {
            Object w = value(s.samples.get(0).metadata(), "workload");
            if (w instanceof Map<?, ?> m) {
                m.forEach((k, val) -> {
                    if (String.valueOf(k).contains("forced")) {
                        found.add(s.variant() + " " + k + "=" + val);
                    }
                });
            }
        }
        return found.isEmpty() ? " (an inherited environment variable, another library build?)" : " (" + String.join("; ", found) + ")";
    }

    /** The value at a dotted path in nested maps, or null. */
    static Object value(Map<String, Object> root, String path) {
        Object at = root;
        for (String part : path.split("\\.")) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(part);
        }
        return at;
    }
}
