package io.isobench.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The facts that define "the same software", read from text as the agent reads it inside. */
class InsideFactsTest {

    @Test
    void cpuFeaturesWidestFirstFromTheFirstCpusFlags() {
        // QEMU's qemu64 model: SSE3 shows as "pni"; no SSSE3 or wider
        List<String> qemu64 = List.of("processor\t: 0", "model name\t: QEMU Virtual CPU version 2.5+",
                "flags\t\t: fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 syscall nx lm"
                        + " rep_good nopl xtopology cpuid tsc_known_freq pni cx16 x2apic hypervisor lahf_lm");
        assertThat(InsideFacts.cpuIsa(qemu64)).isEqualTo("sse3");
        List<String> xeon = List.of("flags : fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 avx512f avx512dq pni");
        assertThat(InsideFacts.cpuIsa(xeon)).isEqualTo("avx512f avx2 fma avx sse4_2 ssse3 sse3");
        assertThat(InsideFacts.cpuIsa(List.of("processor : 0"))).isEqualTo("unknown");
    }

    @Test
    void jvmFlagsLeaveOutWhatIsSizedPerEnvironmentAndKeepWhatLeaks() {
        assertThat(InsideFacts.jvmFlags(List.of("-XX:MaxRAMPercentage=75", "-Xmx1g", "-XX:+UseParallelGC", "-XX:ErrorFile=/data/hs.log",
                "-XX:TieredStopAtLevel=1"))).isEqualTo("-XX:+UseParallelGC -XX:TieredStopAtLevel=1");
    }

    @Test
    void influentialVariablesOnlyAndSorted() {
        assertThat(InfluentialVariables.of(Map.of("TERM", "x", "OMP_NUM_THREADS", "1", "LD_PRELOAD", "/x.so", "LANG", "C")))
                .containsExactly(Map.entry("LANG", "C"), Map.entry("LD_PRELOAD", "/x.so"), Map.entry("OMP_NUM_THREADS", "1"));
    }

    @Test
    void theTransparentHugePageModeIsTheBracketedOne() {
        assertThat(InsideFacts.bracketed("always [madvise] never")).isEqualTo("madvise");
    }
}
