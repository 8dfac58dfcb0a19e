package io.isobench.confound;

import io.isobench.stats.Comparison;
import io.isobench.stats.MetricSummary;
import io.isobench.workload.WorkloadFamily;
import io.isobench.workload.Workloads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Questions results that isolation cannot explain: a CPU- or memory-bound kernel, or a system call
 * or page fault, significantly faster than the baseline, by more than {@value #LIMIT_PERCENT}%, in
 * an isolated environment (a layer between the program and the host adds work to a system call;
 * it rarely takes any away: gVisor's KVM platform, serving calls in its own kernel, is the known
 * exception, and an emulated guest whose page faults never reach the host's page tables another
 * one worth checking). Such a
 * result is not hidden and not explained away: the note points at the facts to check (the
 * confounds found for that variant, or, when none, the host's noise and the order of the run).
 */
public final class Plausibility {

    static final int LIMIT_PERCENT = 10;
    private static final double LIMIT = 1 + LIMIT_PERCENT / 100.0;

    private Plausibility() {
    }

    /**
     * The families whose figures an isolation layer can only make worse: CPU and memory kernels,
     * system calls, and block I/O with O_DIRECT (a layer adds a hop between the request and the
     * device; a faster figure means something between them answers from memory).
     */
    static boolean questioned(WorkloadFamily f) {
        return f.boundByCpuOrMemory() || f == WorkloadFamily.SYSCALL || f == WorkloadFamily.BLOCK_IO;
    }

    private static String reason(String workload) {
        WorkloadFamily family = Workloads.find(workload).map(w -> w.family()).orElse(WorkloadFamily.COMPUTE);
        if (family == WorkloadFamily.BLOCK_IO) {
            return "Isolation adds a layer between an O_DIRECT request and the device and cannot make the device faster; a faster"
                    + " figure usually means a cache in between answers from memory (a VM disk with a host-side cache such as"
                    + " cache=writeback, gVisor's root file system overlay kept in memory, a tmpfs), so it measures memory, not the"
                    + " storage: ";
        }
        return family == WorkloadFamily.SYSCALL
                ? "An isolation layer adds work to a system call or a page fault and rarely takes any away (gVisor's KVM platform,"
                + " serving calls in its own kernel, is the known exception; an emulated guest's page faults never reach the host's"
                + " page tables, which costs the host when it is a VM itself): "
                : "Isolation cannot make a CPU- or memory-bound kernel faster: ";
    }

    /** A questioned result: the workload, parameters and variant, and the note to print. */
    public record Question(String workload, Map<String, Object> params, String variant, String note) {
    }

    /**
     * One question per trial and variant (the metric that is most faster speaks for it).
     *
     * @param baselineEnvironment the baseline's environment: a variant of the same environment is
     *                            not isolated from it and is not questioned
     */
    public static List<Question> questions(List<MetricSummary> summaries, String baselineEnvironment, List<Confound> confounds) {
        Map<List<Object>, MetricSummary> worst = new LinkedHashMap<>();
        for (MetricSummary m : summaries) {
            Comparison c = m.vsBaseline();
            boolean questioned = Workloads.find(m.workload()).map(w -> questioned(w.family())).orElse(false);
            if (c == null || !questioned || !c.significant() || !(c.performance() > LIMIT)
                    || m.environment().equals(baselineEnvironment)) {
                continue;
            }
            worst.merge(List.of(m.workload(), m.params(), m.variant()), m,
                    (a, b) -> a.vsBaseline().performance() >= b.vsBaseline().performance() ? a : b);
        }
        List<Question> out = new ArrayList<>();
        for (MetricSummary m : worst.values()) {
            List<String> differing = confounds.stream()
                    .filter(c -> c.workload().equals(m.workload()) && c.params().equals(m.params()) && c.variant().equals(m.variant()))
                    .map(c -> c.label() + (c.confounds() ? " (confounded)" : " (the environment's)")).distinct().toList();
            String note = m.workload() + " " + m.key().metricLabel() + ": " + m.variant() + " is "
                    + String.format(java.util.Locale.ROOT, "%.2f", m.vsBaseline().performance())
                    + "x the baseline, significantly. " + reason(m.workload())
                    + (differing.isEmpty()
                    ? "no fact that defines the same software differs; check the host's noise (CPU frequency and turbo, other load, "
                    + "thermal state) and whether the baseline ran at a worse time (the per-iteration figures in samples.jsonl)"
                    : "check what differs: " + String.join(", ", differing));
            out.add(new Question(m.workload(), m.params(), m.variant(), note));
        }
        return out;
    }
}
