package io.isobench.report;

import io.isobench.confound.Confound;
import io.isobench.confound.ConfoundDetector;
import io.isobench.confound.Plausibility;
import io.isobench.result.Baseline;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.Sample;
import io.isobench.result.TrialRecord;
import io.isobench.stats.MetricSummary;
import io.isobench.stats.Summarizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a report shows, read from a run folder alone: the run record, the measured samples
 * (warm-ups dropped), their summaries against the baseline, and what is known about each variant
 * (environment, settings, emulation). Sections group the summaries by workload and parameters, in
 * the order the run measured them.
 */
public final class ReportData {

    private final RunRecord record;
    private final List<Sample> samples;
    private final List<MetricSummary> summaries;
    private final String baseline;
    private final Map<String, VariantInfo> variants;
    private final List<Section> sections;
    private final List<Confound> confounds;
    private final List<Plausibility.Question> questions;

    /** A variant as the report names it: its label, environment, settings, and whether it was emulated. */
    public record VariantInfo(String label, String environment, Map<String, String> settings, boolean emulated, int index) {
        /** The label with the emulation mark every output must carry. */
        public String display() {
            return emulated ? label + " EMULATED (TCG)" : label;
        }
    }

    /** One workload with one set of parameters: its summaries and raw samples. */
    public record Section(String workload, Map<String, Object> params, List<MetricSummary> summaries, List<Sample> samples) {
        public String title() {
            return params.isEmpty() ? workload : workload + " (" + paramsLabel(params) + ")";
        }
    }

    public ReportData(RunRecord record, List<Sample> allSamples, String baseline) {
        this.record = record;
        this.baseline = baseline;
        this.samples = allSamples.stream().filter(s -> !s.warmup()).toList();
        this.summaries = Summarizer.summarize(allSamples, baseline);
        this.variants = variantsOf(record, allSamples, baseline);
        this.sections = sectionsOf(summaries, samples);
        List<Confound> found = new ArrayList<>();
        for (Section s : sections) {
            found.addAll(ConfoundDetector.find(s.workload(), s.params(), s.samples(), baseline));
        }
        this.confounds = List.copyOf(found);
        this.questions = Plausibility.questions(summaries, variant(baseline).environment(), confounds);
    }

    public static ReportData load(RunDirectory dir, String baseline) throws IOException {
        RunRecord r = dir.readRecord();
        return new ReportData(r, dir.readSamples(), baseline != null ? baseline : recordedBaseline(r));
    }

    /** The baseline variant's label as the run used it: the suite's baseline, by label or by environment name. */
    public static String recordedBaseline(RunRecord record) {
        Object b = record.suite() == null ? null : record.suite().get("baseline");
        String want = Baseline.wanted(b == null ? null : b.toString());
        return Baseline.find(want, record.trials() == null ? List.<TrialRecord>of() : record.trials(), TrialRecord::variant,
                TrialRecord::environment).map(TrialRecord::variant).orElse(want);
    }

    private static Map<String, VariantInfo> variantsOf(RunRecord record, List<Sample> samples, String baseline) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        Set<String> emulated = new LinkedHashSet<>();
        List<String> order = new ArrayList<>();
        if (baseline != null) {
            order.add(baseline);
        }
        if (record.trials() != null) {
            for (TrialRecord t : record.trials()) {
                order.add(t.variant());
                env.putIfAbsent(t.variant(), t.environment());
                settings.putIfAbsent(t.variant(), t.settings() == null ? Map.of() : t.settings());
            }
        }
        for (Sample s : samples) {
            order.add(s.variant());
            env.putIfAbsent(s.variant(), s.environment());
            settings.putIfAbsent(s.variant(), s.settings());
            if (s.emulated()) {
                emulated.add(s.variant());
            }
        }
        if (record.environments() != null) {
            record.environments().forEach((v, facts) -> {
                order.add(v);
                if (facts != null && Boolean.TRUE.equals(facts.get("emulated"))) {
                    emulated.add(v);
                }
            });
        }
        Map<String, VariantInfo> out = new LinkedHashMap<>();
        Set<String> known = new LinkedHashSet<>(env.keySet());
        if (record.environments() != null) {
            known.addAll(record.environments().keySet());
        }
        for (String v : new LinkedHashSet<>(order)) {
            if (known.contains(v)) {
                out.put(v, new VariantInfo(v, env.getOrDefault(v, v.replaceAll("\\[.*", "")), settings.getOrDefault(v, Map.of()),
                        emulated.contains(v), out.size()));
            }
        }
        return out;
    }

    private static List<Section> sectionsOf(List<MetricSummary> summaries, List<Sample> samples) {
        record Key(String workload, Map<String, Object> params) {
        }
        Map<Key, List<MetricSummary>> byKey = new LinkedHashMap<>();
        for (MetricSummary m : summaries) {
            byKey.computeIfAbsent(new Key(m.workload(), m.params()), k -> new ArrayList<>()).add(m);
        }
        Map<Key, List<Sample>> raw = new LinkedHashMap<>();
        for (Sample s : samples) {
            raw.computeIfAbsent(new Key(s.workload(), s.params()), k -> new ArrayList<>()).add(s);
        }
        List<Section> out = new ArrayList<>();
        byKey.forEach((k, list) -> out.add(new Section(k.workload(), k.params(), list, raw.getOrDefault(k, List.of()))));
        return out;
    }

    public RunRecord record() {
        return record;
    }

    /** Measured samples, warm-ups excluded. */
    public List<Sample> samples() {
        return samples;
    }

    public List<MetricSummary> summaries() {
        return summaries;
    }

    public String baseline() {
        return baseline;
    }

    /** Every fact that defines the same software and differs from the baseline, per trial and variant. */
    public List<Confound> confounds() {
        return confounds;
    }

    /** The differences in one section (trial) for one variant, in fact order. */
    public List<Confound> confounds(String workload, Map<String, Object> params, String variant) {
        return confounds.stream().filter(c -> c.workload().equals(workload) && c.params().equals(params) && c.variant().equals(variant))
                .toList();
    }

    /** True when a variant's ratio in this trial measures more than the isolation. */
    public boolean confounded(String workload, Map<String, Object> params, String variant) {
        return confounds(workload, params, variant).stream().anyMatch(Confound::confounds);
    }

    /** Results isolation cannot explain, each with the facts to check. */
    public List<Plausibility.Question> questions() {
        return questions;
    }

    /**
     * The one line that tells Docker's two NATs apart, when a run has either (null otherwise):
     * they differ in what carries the traffic, not in Docker's configuration.
     */
    /**
     * The sections an emulated variant ran at its emulation size: those where it appears and no
     * variant other than the baseline and emulated ones does, while another section of the same
     * workload holds the rest (the planner's {@code scaledForEmulation}). Empty when nothing was scaled.
     */
    public List<String> emulationSizes() {
        List<String> out = new java.util.ArrayList<>();
        for (Section s : sections) {
            java.util.Set<String> in = new java.util.LinkedHashSet<>();
            s.summaries().forEach(m -> in.add(m.variant()));
            boolean onlyEmulated = in.stream().filter(v -> !v.equals(baseline)).allMatch(v -> variants.containsKey(v) && variants.get(v).emulated())
                    && in.stream().anyMatch(v -> variants.containsKey(v) && variants.get(v).emulated());
            boolean others = sections.stream().anyMatch(o -> o != s && o.workload().equals(s.workload()));
            if (onlyEmulated && others) {
                out.add(s.title());
            }
        }
        return out;
    }

    /** One sentence on {@link #emulationSizes()}, or null. */
    public String emulationSizesLegend() {
        List<String> sizes = emulationSizes();
        return sizes.isEmpty() ? null : "To fit the time, the emulated VM ran smaller sizes, and " + baseline
                + " ran them too for its comparison: " + String.join("; ", sizes) + ".";
    }

    public static String dockerNatLegend(java.util.Collection<VariantInfo> variants) {
        boolean any = variants.stream().anyMatch(v -> v.environment().equals("docker")
                && List.of("nat", "proxy").contains(v.settings().getOrDefault("network", "")));
        return any ? "docker network=nat: a published port reached by a client outside the host's stack, carried by the kernel's "
                + "DNAT (the study's NAT); network=proxy: a port published on 127.0.0.1 reached from the host itself, relayed by the "
                + "userland docker-proxy." : null;
    }

    /**
     * The one-line explanations of the variants a run has that are not what their environment's
     * name suggests (Docker's two NATs, gVisor's passthrough, QEMU's microvm), in that order.
     */
    public static List<String> variantLegends(java.util.Collection<VariantInfo> variants) {
        List<String> out = new java.util.ArrayList<>();
        String nat = dockerNatLegend(variants);
        if (nat != null) {
            out.add(nat);
        }
        if (variants.stream().anyMatch(v -> v.environment().equals("docker") && "runsc".equals(v.settings().get("runtime"))
                && "host".equals(v.settings().get("runsc_network")))) {
            out.add("runsc_network=host: gVisor's host-network passthrough: the sandbox's system calls go to gVisor's kernel, but its "
                    + "sockets are served by the host kernel's TCP/IP stack (in the container's namespace), faster and less isolated "
                    + "than gVisor's own netstack (runsc_network=sandbox).");
        }
        if (variants.stream().anyMatch(v -> v.environment().equals("vm") && "microvm".equals(v.settings().get("machine")))) {
            out.add("vm machine=microvm: QEMU's minimal machine (virtio-mmio devices, no PCI bus, minimal firmware, direct kernel "
                    + "boot), the Firecracker class of VM, with the same kernel, disk and agent as the full VM.");
        }
        return out;
    }

    public Map<String, VariantInfo> variants() {
        return variants;
    }

    public VariantInfo variant(String label) {
        VariantInfo v = variants.get(label);
        return v != null ? v : new VariantInfo(label, label, Map.of(), false, variants.size());
    }

    public List<Section> sections() {
        return sections;
    }

    public boolean anyEmulated() {
        return variants.values().stream().anyMatch(VariantInfo::emulated);
    }

    /** "size=1048576 threads=1". */
    public static String paramsLabel(Map<String, Object> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
