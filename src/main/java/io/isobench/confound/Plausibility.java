package io.isobench.confound;

import io.isobench.env.DirectIoPath;
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
 *
 * <p>Block I/O has one cause the facts establish: an environment that does not carry O_DIRECT to
 * the host's storage ({@link DirectIoPath}: gVisor, whose gofer opens host files without it; a VM
 * disk QEMU opens without it). A block I/O figure of such a variant, or beside such a baseline,
 * that is faster than the baseline is questioned as no speed-up whatever the margin and also
 * beside a baseline of the same environment (runsc beside runc), naming the path each side took.
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

    /**
     * The difference in direct I/O between this summary's variant and the baseline, for a block
     * I/O workload, or null: one of them carries O_DIRECT to the host's storage and the other
     * does not ({@link DirectIoPath}).
     */
    private static Confound directIoDiffers(MetricSummary m, List<Confound> confounds) {
        boolean blockIo = Workloads.find(m.workload()).map(w -> w.family() == WorkloadFamily.BLOCK_IO).orElse(false);
        if (!blockIo) {
            return null;
        }
        return confounds.stream().filter(c -> c.fact().equals(DirectIoPath.PATH) && c.workload().equals(m.workload())
                && c.params().equals(m.params()) && c.variant().equals(m.variant())).findFirst().orElse(null);
    }

    /** Why a block I/O figure that looks faster is no speed-up: one side's O_DIRECT stops in a cache. */
    private static String directIoNote(MetricSummary m, Confound c) {
        boolean variantCached = c.variantValue().contains(DirectIoPath.NOT_HONOURED);
        String cachedSide = variantCached ? m.variant() : c.baseline();
        return m.workload() + " " + m.key().metricLabel() + ": " + m.variant() + " is "
                + String.format(java.util.Locale.ROOT, "%.2f", m.vsBaseline().performance()) + "x the baseline, and it is no"
                + " speed-up: direct I/O to the host's storage is " + c.variantValue() + " in " + m.variant() + " and "
                + c.baselineValue() + " in " + c.baseline() + " (" + c.explanation() + "). " + cachedSide + "'s O_DIRECT"
                + " requests stop in memory (the host's page cache) before the device, so its figure measures that memory, not"
                + " the storage, and the two figures do not compare the same path (the environment facts direct_io and"
                + " direct_io_path of each variant; evidence: " + DirectIoPath.EVIDENCE + ")";
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
        Map<List<Object>, Confound> directIo = new LinkedHashMap<>();
        for (MetricSummary m : summaries) {
            Comparison c = m.vsBaseline();
            if (c == null) {
                continue;
            }
            List<Object> key = List.of(m.workload(), m.params(), m.variant());
            Confound cached = directIoDiffers(m, confounds);
            boolean questioned = Workloads.find(m.workload()).map(w -> questioned(w.family())).orElse(false);
            if (cached != null && c.performance() > 1) {
                // the facts already say why: no significance or margin needed, and a variant of the baseline's
                // environment (runsc beside runc) is questioned too
                directIo.put(key, cached);
            } else if (!questioned || !c.significant() || !(c.performance() > LIMIT) || m.environment().equals(baselineEnvironment)) {
                continue;
            }
            worst.merge(key, m, (a, b) -> a.vsBaseline().performance() >= b.vsBaseline().performance() ? a : b);
        }
        List<Question> out = new ArrayList<>();
        for (MetricSummary m : worst.values()) {
            Confound cached = directIo.get(List.of(m.workload(), m.params(), m.variant()));
            if (cached != null) {
                out.add(new Question(m.workload(), m.params(), m.variant(), directIoNote(m, cached)));
                continue;
            }
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
