package io.isobench.host;

import io.isobench.host.HostFacts.SysFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The host's sources of measurement noise that can be seen from user space: the CPU frequency
 * governor, turbo/boost, transparent huge pages, swap in use, and other load. Recorded with every
 * run; {@link #warnings()} says which threaten a comparison and what to do about them.
 */
public record NoiseSources(String governor, String boost, String transparentHugepages, double load1, int cpus, long swapUsedBytes,
                           int runnable) {

    public static NoiseSources read(Path root) {
        TreeSet<String> governors = new TreeSet<>();
        for (int i = 0; i < 1024; i++) {
            Path g = root.resolve("sys/devices/system/cpu/cpu" + i + "/cpufreq/scaling_governor");
            if (!Files.exists(root.resolve("sys/devices/system/cpu/cpu" + i))) {
                break;
            }
            SysFiles.firstLine(g).ifPresent(governors::add);
        }
        String boost = SysFiles.firstLine(root.resolve("sys/devices/system/cpu/cpufreq/boost"))
                .map(v -> v.equals("1") ? "on" : "off")
                .or(() -> SysFiles.firstLine(root.resolve("sys/devices/system/cpu/intel_pstate/no_turbo")).map(v -> v.equals("1") ? "off" : "on"))
                .orElse("unknown");
        String thp = SysFiles.firstLine(root.resolve("sys/kernel/mm/transparent_hugepage/enabled"))
                .map(v -> v.replaceAll(".*\\[(\\w+)].*", "$1")).orElse("unknown");
        double load1 = SysFiles.firstLine(root.resolve("proc/loadavg")).map(v -> Double.parseDouble(v.split("\\s+")[0])).orElse(0.0);
        long swapTotal = 0;
        long swapFree = 0;
        for (String l : SysFiles.lines(root.resolve("proc/meminfo"))) {
            if (l.startsWith("SwapTotal:")) {
                swapTotal = Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            } else if (l.startsWith("SwapFree:")) {
                swapFree = Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        int runnable = 0;
        for (String l : SysFiles.lines(root.resolve("proc/stat"))) {
            if (l.startsWith("procs_running")) {
                runnable = Integer.parseInt(l.split("\\s+")[1]);
            }
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        return new NoiseSources(governors.isEmpty() ? "unknown" : String.join(",", governors), boost, thp, load1, cpus,
                swapTotal - swapFree, runnable);
    }

    public static NoiseSources read() {
        return read(Path.of("/"));
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_governor", governor);
        m.put("turbo_boost", boost);
        m.put("transparent_hugepages", transparentHugepages);
        m.put("load_1min", load1);
        m.put("runnable_tasks", runnable);
        m.put("swap_used_bytes", swapUsedBytes);
        return m;
    }

    /** What threatens a comparison, each with the fix. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (!governor.equals("unknown") && !governor.equals("performance")) {
            w.add("CPU frequency governor is '" + governor + "': clock changes add variance; for stable figures run "
                    + "'cpupower frequency-set -g performance' (or write performance to /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor)");
        }
        if (boost.equals("on")) {
            w.add("turbo/boost is on: clocks depend on temperature and load; turn it off for repeatable figures "
                    + "(echo 0 > /sys/devices/system/cpu/cpufreq/boost, or 1 > .../intel_pstate/no_turbo)");
        }
        if (transparentHugepages.equals("always")) {
            w.add("transparent huge pages are 'always': memory benchmarks vary with khugepaged activity; 'madvise' is steadier");
        }
        if (load1 > 0.5 * cpus) {
            w.add(String.format(java.util.Locale.ROOT, "the host is busy (1-minute load %.1f on %d CPUs): other work competes with "
                    + "the measurement; stop it or expect wide intervals", load1, cpus));
        }
        if (swapUsedBytes > 64L << 20) {
            w.add("swap is in use (" + (swapUsedBytes >> 20) + " MiB): paging would distort memory-bound figures");
        }
        return w;
    }
}
