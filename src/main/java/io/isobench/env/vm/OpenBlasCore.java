package io.isobench.env.vm;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The OpenBLAS core type a guest gets, decided from the CPUID flags the guest sees
 * ({@code /proc/cpuinfo}), never from the CPU's model name.
 *
 * <p>Why: Debian's OpenBLAS (DYNAMIC_ARCH) picks its kernels from the CPUID vendor, family and
 * model. QEMU's CPU models are not real CPUs: {@code qemu64} (untuned) and {@code max} under TCG
 * (tuned) present AMD-like families for which OpenBLAS picks its Opteron kernels, which use
 * 3DNow! instructions that neither TCG nor a current CPU executes (SIGILL, or worse, wrong
 * results). The flags say what the guest's CPU really executes, whatever its name.
 *
 * <p>Where: OpenBLAS reads {@code OPENBLAS_CORETYPE} once, when the library loads, so it must be
 * in the agent's environment before its JVM starts. The guest's init decides it from the flags
 * and starts the agent with it. The decision itself is this table, in Java so it can be tested
 * per CPU model; the init runs its shell rendering ({@link #shell()}), since starting a JVM
 * just to decide would cost seconds of every boot under TCG. A test runs the rendering on the
 * same flag sets and checks it agrees with {@link #choose}.
 */
final class OpenBlasCore {

    /** A core type and the flags its kernels need (all of them). */
    record Rule(String core, List<String> flags) {
    }

    /**
     * Most capable first. The kernels of each core use at most these instruction sets: SkylakeX and
     * Cooperlake AVX-512 (F, CD, BW, DQ, VL; Cooperlake also BF16), Haswell AVX2 with FMA3,
     * Sandybridge AVX, Nehalem and Core2 SSSE3 (Nehalem also SSE4.2), Prescott SSE3 ("pni" in
     * /proc/cpuinfo), Katmai SSE, which every x86-64 CPU has.
     */
    static final List<Rule> RULES = List.of(
            new Rule("Cooperlake", List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16", "avx2", "fma")),
            new Rule("SkylakeX", List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma")),
            new Rule("Haswell", List.of("avx2", "fma", "avx")),
            new Rule("Sandybridge", List.of("avx")),
            new Rule("Nehalem", List.of("sse4_2", "ssse3", "pni")),
            new Rule("Core2", List.of("ssse3", "pni")),
            new Rule("Prescott", List.of("pni")),
            new Rule("Katmai", List.of()));

    private OpenBlasCore() {
    }

    /** The core type for a CPU with these flags. */
    static String choose(Set<String> flags) {
        for (Rule r : RULES) {
            if (flags.containsAll(r.flags())) {
                return r.core();
            }
        }
        throw new IllegalStateException("the last rule needs no flag");
    }

    /** The flags of the first CPU in a {@code /proc/cpuinfo} text. */
    static Set<String> flags(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("flags")) {
                int colon = line.indexOf(':');
                Set<String> out = new LinkedHashSet<>();
                for (String f : line.substring(colon + 1).trim().split("\\s+")) {
                    if (!f.isEmpty()) {
                        out.add(f);
                    }
                }
                return out;
            }
        }
        return Set.of();
    }

    /**
     * The same decision in busybox shell: sets {@code CORE} from {@code /proc/cpuinfo} (or from the
     * file named by {@code $CPUINFO}, for tests). Uses only the shell's builtins and
     * {@code $B} (busybox) applets.
     */
    static String shell() {
        StringBuilder sb = new StringBuilder();
        sb.append("FLAGS=\" $($B grep -m1 '^flags' \"${CPUINFO:-/proc/cpuinfo}\" | $B cut -d: -f2) \"\n");
        sb.append("has() { for f in \"$@\"; do case \"$FLAGS\" in *\" $f \"*) ;; *) return 1;; esac; done; return 0; }\n");
        String kw = "if";
        for (Rule r : RULES) {
            if (r.flags().isEmpty()) {
                sb.append("else CORE=").append(r.core()).append("\n");
            } else {
                sb.append(kw).append(" has ").append(String.join(" ", r.flags())).append("; then CORE=").append(r.core()).append("\n");
                kw = "elif";
            }
        }
        sb.append("fi\n");
        return sb.toString();
    }
}
