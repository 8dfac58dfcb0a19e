package io.isobench.workload.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system, all threads) of this process, from {@code /proc/self/stat}: what the
 * kernel charged to the load generator on the host, or to the agent (the server side) inside. It
 * is a per-process figure on purpose: system-wide {@code /proc/stat} would count the other side
 * too wherever host and environment share a kernel (native, Docker). Work the kernel does for the
 * traffic outside this process's context (softirqs on another CPU, a VM's vhost threads on the
 * host) is not in it. The resolution is one clock tick (10 ms at USER_HZ=100).
 */
final class ProcessCpu {

    /** The clock tick Linux uses for /proc times; USER_HZ is 100 on every mainstream architecture. */
    static final double TICK_SECONDS = 0.01;
    static final String SOURCE = "/proc/self/stat utime+stime of the process (all threads), 10 ms ticks";

    private static final Path STAT = Path.of("/proc/self/stat");

    private ProcessCpu() {
    }

    /** CPU-seconds used so far, or NaN where /proc cannot be read. */
    static double seconds() {
        try {
            String s = Files.readString(STAT);
            // the command name (field 2) is in parentheses and may contain spaces: count from after it
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after the name: state(3) ... utime is field 14, stime field 15 -> indexes 11 and 12 here
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            return (utime + stime) * TICK_SECONDS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
