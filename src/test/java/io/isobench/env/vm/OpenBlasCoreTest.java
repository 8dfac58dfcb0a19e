package io.isobench.env.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenBLAS core for every CPU model isobench starts, from the flags a real guest of each
 * showed (read from the guests' consoles: QEMU 7.2, kernel 6.1), and the init's shell rendering
 * of the decision agreeing with it.
 */
class OpenBlasCoreTest {

    /** {@code tuning=untuned}: QEMU's default model qemu64 (AMD family 15 to OpenBLAS, which would pick Opteron). */
    static final String QEMU64 = "fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall "
            + "nx lm rep_good nopl cpuid extd_apicid pni cx16 hypervisor lahf_lm cmp_legacy svm 3dnowprefetch vmmcall";
    /** {@code tuning=tuned} under TCG: {@code -cpu max}, QEMU's emulated features (AVX2 and FMA since 7.2, 3DNow! listed too). */
    static final String TCG_MAX = "fpu de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush acpi mmx fxsr sse sse2 ss ht "
            + "syscall nx mmxext pdpe1gb rdtscp lm 3dnowext 3dnow rep_good nopl cpuid extd_apicid pni pclmulqdq monitor ssse3 fma cx16 "
            + "sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy svm cr8_legacy abm sse4a 3dnowprefetch "
            + "vmmcall fsgsbase bmi1 avx2 smep bmi2 erms mpx adx smap clflushopt clwb xsaveopt xgetbv1 arat npt vgif umip pku ospke vaes la57";
    /**
     * {@code tuning=tuned} under KVM: {@code -cpu host}, the host's own flags; these are the
     * development machine's (an AMD EPYC with AVX-512 and BF16).
     */
    static final String HOST_AVX512_BF16 = "fpu vme de pse tsc msr pae mce cx8 apic sep pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht "
            + "syscall nx mmxext lm constant_tsc rep_good nopl xtopology tsc_reliable nonstop_tsc cpuid extd_apicid tsc_known_freq pni "
            + "pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm "
            + "cr8_legacy misalignsse 3dnowprefetch topoext pti vmmcall bmi1 avx2 bmi2 erms avx512f avx512dq adx avx512ifma clflushopt "
            + "clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 avx_vnni avx512_bf16 clzero xsaveerptr arat avx512vbmi "
            + "avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq movdiri movdir64b fsrm avx512_vp2intersect";

    @TempDir
    Path tmp;

    private static Set<String> flags(String s) {
        return new LinkedHashSet<>(List.of(s.split(" ")));
    }

    @Test
    void untunedQemu64GetsPrescottNeverOpteron() {
        assertThat(OpenBlasCore.choose(flags(QEMU64))).isEqualTo("Prescott");
    }

    @Test
    void tunedMaxUnderTcgGetsHaswellFromItsAvx2AndFma() {
        assertThat(OpenBlasCore.choose(flags(TCG_MAX))).isEqualTo("Haswell");
    }

    @Test
    void tunedHostModelUnderKvmFollowsTheHostsAvx512() {
        assertThat(OpenBlasCore.choose(flags(HOST_AVX512_BF16))).isEqualTo("Cooperlake");
        Set<String> noBf16 = flags(HOST_AVX512_BF16);
        noBf16.remove("avx512_bf16");
        assertThat(OpenBlasCore.choose(noBf16)).isEqualTo("SkylakeX");
        // an older host: AVX without AVX2, then SSE4.2
        assertThat(OpenBlasCore.choose(flags("fpu sse sse2 pni ssse3 sse4_1 sse4_2 avx"))).isEqualTo("Sandybridge");
        assertThat(OpenBlasCore.choose(flags("fpu sse sse2 pni ssse3 sse4_1 sse4_2"))).isEqualTo("Nehalem");
        assertThat(OpenBlasCore.choose(flags("fpu sse sse2 pni ssse3"))).isEqualTo("Core2");
        assertThat(OpenBlasCore.choose(flags("fpu sse sse2"))).isEqualTo("Katmai");
    }

    @Test
    void flagsAreReadFromCpuinfo() {
        String cpuinfo = "processor\t: 0\nmodel name\t: QEMU Virtual CPU version 2.5+\nflags\t\t: fpu pni cx16\n\nprocessor\t: 1\nflags\t\t: other\n";
        assertThat(OpenBlasCore.flags(cpuinfo)).containsExactly("fpu", "pni", "cx16");
    }

    /** The init decides with the shell rendering, in busybox's shell (the guest's): it must say what the table says, for every model. */
    @Test
    void theInitsShellRenderingAgreesWithTheTable() throws Exception {
        for (String model : List.of(QEMU64, TCG_MAX, HOST_AVX512_BF16, "fpu sse sse2 pni ssse3", "fpu sse sse2")) {
            Path cpuinfo = tmp.resolve("cpuinfo");
            Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: " + model + "\n");
            ProcessBuilder pb = new ProcessBuilder("/bin/busybox", "sh", "-c", "B=/bin/busybox\n" + OpenBlasCore.shell() + "echo \"$CORE\"\n");
            pb.environment().put("CPUINFO", cpuinfo.toString());
            Process p = pb.redirectErrorStream(true).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(p.getInputStream().readAllBytes()).strip()).as(model).isEqualTo(OpenBlasCore.choose(flags(model)));
        }
    }
}
