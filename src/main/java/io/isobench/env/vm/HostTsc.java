package io.isobench.env.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The host's TSC rate, which is the rate of a TCG guest's TSC: under TCG QEMU answers the guest's
 * {@code rdtsc} from the host's own counter (plus an offset, stopped while the VM is paused), one
 * counter for every vCPU.
 *
 * <p>Why a microVM needs it: a guest kernel calibrates its TSC against the PIT, and where that
 * fails against the HPET or the ACPI PM timer. QEMU's microvm machine has neither of the two, and
 * under TCG on a busy host the PIT calibration fails (a vCPU thread preempted inside the
 * calibration loop); the kernel then marks the TSC unusable and the boot stops silently ("tsc:
 * Marking TSC unstable due to could not calculate TSC khz", every boot of four on this 2-core
 * machine under a load of 8). Told the rate ({@code tsc_early_khz}) it boots every time.
 *
 * <p>The rate is read only where the kernel's own figure can be read: /proc/cpuinfo's "cpu MHz" is
 * the kernel's calibrated {@code cpu_khz} when no cpufreq driver and no APERF/MPERF counters
 * report a current frequency instead (virtual hosts, like the ones where KVM does not work and TCG
 * runs). And the TSC must tick at that rate whatever the core does ({@code constant_tsc},
 * {@code nonstop_tsc}). Elsewhere the rate is unknown and the guest calibrates by itself.
 *
 * @param khz    the rate in kHz, 0 when unknown
 * @param source where it comes from, or why it is unknown
 */
record HostTsc(long khz, String source) {

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path CPUFREQ = Path.of("/sys/devices/system/cpu/cpu0/cpufreq");

    boolean known() {
        return khz > 0;
    }

    /** This host's TSC rate, or why it is not known. */
    static HostTsc read() {
        try {
            return parse(Files.readString(CPUINFO), Files.isDirectory(CPUFREQ));
        } catch (IOException e) {
            return new HostTsc(0, "unknown: cannot read " + CPUINFO + " (" + e.getMessage() + ")");
        }
    }

    /** From /proc/cpuinfo's text (the first CPU's entry) and whether a cpufreq driver manages CPU 0. */
    static HostTsc parse(String cpuinfo, boolean cpufreq) {
        Set<String> flags = null;
        String mhz = null;
        for (String line : cpuinfo.lines().toList()) {
            if (line.isBlank() && flags != null) {
                break; // the first CPU's entry is enough: the flags say the TSC is the same on every one
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("flags")) {
                flags = Set.of(value.split("\\s+"));
            } else if (key.equals("cpu MHz")) {
                mhz = value;
            }
        }
        if (flags == null || mhz == null) {
            return new HostTsc(0, "unknown: /proc/cpuinfo has no flags or cpu MHz line");
        }
        if (!flags.contains("constant_tsc") || !flags.contains("nonstop_tsc")) {
            return new HostTsc(0, "unknown: the host's TSC does not tick at a constant rate (no constant_tsc and nonstop_tsc)");
        }
        if (cpufreq || flags.contains("aperfmperf")) {
            return new HostTsc(0, "unknown: /proc/cpuinfo's cpu MHz is the current core frequency here (cpufreq or APERF/MPERF),"
                    + " not the TSC's rate");
        }
        double value;
        try {
            value = Double.parseDouble(mhz);
        } catch (NumberFormatException e) {
            return new HostTsc(0, "unknown: cpu MHz '" + mhz + "' is not a number");
        }
        long khz = Math.round(value * 1000);
        return khz <= 0 ? new HostTsc(0, "unknown: cpu MHz is " + mhz)
                : new HostTsc(khz, "the host kernel's calibrated rate (/proc/cpuinfo cpu MHz " + mhz + ")");
    }
}
