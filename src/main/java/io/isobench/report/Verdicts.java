package io.isobench.report;

import io.isobench.result.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Facts a workload reports as verdicts with evidence (the isolation probes) rather than as
 * figures: one table, probe by variant, taken from each variant's last measured iteration.
 *
 * @param variants the variants in the order they appear
 * @param cells    per probe, per variant: the verdict and its evidence
 */
public record Verdicts(String workload, List<String> variants, Map<String, Map<String, Cell>> cells) {

    /** One probe's answer in one variant. */
    public record Cell(String verdict, String evidence) {
    }

    /** The verdict tables in these samples, one per workload that reports verdicts. */
    @SuppressWarnings("unchecked")
    public static List<Verdicts> of(List<Sample> samples) {
        Map<String, Map<String, Map<String, Object>>> latest = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.warmup() || !(s.metadata().get("workload") instanceof Map<?, ?> w) || !(w.get("verdicts") instanceof Map<?, ?> v)) {
                continue;
            }
            latest.computeIfAbsent(s.workload(), k -> new LinkedHashMap<>()).put(s.variant(), (Map<String, Object>) v);
        }
        List<Verdicts> out = new ArrayList<>();
        latest.forEach((workload, byVariant) -> {
            Set<String> probes = new LinkedHashSet<>();
            byVariant.values().forEach(v -> probes.addAll(v.keySet()));
            Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();
            for (String probe : probes) {
                Map<String, Cell> row = new LinkedHashMap<>();
                byVariant.forEach((variant, v) -> {
                    Object c = v.get(probe);
                    if (c instanceof Map<?, ?> m) {
                        row.put(variant, new Cell(String.valueOf(m.get("verdict")), String.valueOf(m.get("evidence"))));
                    }
                });
                cells.put(probe, row);
            }
            out.add(new Verdicts(workload, List.copyOf(byVariant.keySet()), cells));
        });
        return out;
    }

    /** The console form: verdicts only, evidence is in the samples and the HTML report. */
    public String render() {
        List<String> header = new ArrayList<>();
        header.add("probe");
        header.addAll(variants);
        TextTable t = new TextTable(header);
        cells.forEach((probe, row) -> {
            List<String> line = new ArrayList<>();
            line.add(probe);
            for (String v : variants) {
                Cell c = row.get(v);
                line.add(c == null ? "-" : c.verdict());
            }
            t.add(line);
        });
        return "\n== " + workload + ": verdicts (evidence in report.html and samples.jsonl)\n" + t.render() + notes();
    }

    /** The verdict the isolation probe gives a sharing question where the environment runs a kernel of its own. */
    static final String OWN_KERNEL = "own kernel: not shared";

    /** What a reader needs to read the table's words, said once under it where they occur. */
    private String notes() {
        boolean own = cells.values().stream().flatMap(r -> r.values().stream()).anyMatch(c -> c.verdict().equals(OWN_KERNEL));
        return own ? "\n" + OWN_KERNEL + ": the environment runs a kernel of its own (a VM's guest, gVisor's Sentry), so its "
                + "namespaces, PIDs and user ids are that kernel's, whatever their numbers (every kernel numbers its first PID "
                + "namespace 4026531836); the evidence names both kernels' boot ids and releases.\n" : "";
    }
}
