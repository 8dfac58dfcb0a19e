package io.isobench.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Facts about the machine isobench runs on (or, read by the agent, about the inside of an
 * environment): the inputs for size defaults and the context every sample carries.
 *
 * @param cpus            CPUs this process may use
 * @param memoryBytes     memory it may use: the smaller of MemTotal and a cgroup limit
 * @param lastLevelCache  bytes of the largest cache level, 0 when unknown
 */
public record HostFacts(
        String hostname,
        String kernel,
        String os,
        String cpuModel,
        int cpus,
        long memoryBytes,
        long lastLevelCache,
        String jvm) {

    /** Reads the facts of the machine (or container, or guest) this JVM runs in. */
    public static HostFacts read() {
        return new HostFacts(
                SysFiles.hostname(),
                SysFiles.firstLine(Path.of("/proc/sys/kernel/osrelease")).orElse(System.getProperty("os.version")),
                SysFiles.osPrettyName(),
                SysFiles.cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                SysFiles.usableMemory(),
                SysFiles.lastLevelCache(),
                System.getProperty("java.vm.name") + " " + Runtime.version());
    }

    /** A fixed set of facts for tests and for planning on another machine's behalf. */
    public static HostFacts of(int cpus, long memoryBytes, long lastLevelCache) {
        return new HostFacts("test", "test", "test", "test", cpus, memoryBytes, lastLevelCache, "test");
    }

    /** The facts by name, in a fixed order; read-only (copy it to add to it). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", hostname);
        m.put("kernel", kernel);
        m.put("os", os);
        m.put("cpu_model", cpuModel);
        m.put("cpus", cpus);
        m.put("memory_bytes", memoryBytes);
        m.put("llc_bytes", lastLevelCache);
        m.put("jvm", jvm);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Helpers reading /proc and /sys without failing: a missing file yields an empty answer. */
    public static final class SysFiles {
        private SysFiles() {
        }

        public static java.util.Optional<String> firstLine(Path p) {
            try {
                List<String> lines = Files.readAllLines(p);
                return lines.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(lines.get(0).trim());
            } catch (IOException | SecurityException e) {
                return java.util.Optional.empty();
            }
        }

        public static List<String> lines(Path p) {
            try {
                return Files.readAllLines(p);
            } catch (IOException | SecurityException e) {
                return List.of();
            }
        }

        static String hostname() {
            return firstLine(Path.of("/proc/sys/kernel/hostname")).orElseGet(() -> {
                try {
                    return java.net.InetAddress.getLocalHost().getHostName();
                } catch (IOException e) {
                    return "unknown";
                }
            });
        }

        static String osPrettyName() {
            for (String l : lines(Path.of("/etc/os-release"))) {
                if (l.startsWith("PRETTY_NAME=")) {
                    return l.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
            return System.getProperty("os.name");
        }

        static String cpuModel() {
            for (String l : lines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
            return System.getProperty("os.arch");
        }

        /** MemTotal, lowered to the cgroup's memory limit when one is set (v1 or v2). */
        public static long usableMemory() {
            long total = memTotal();
            long limit = cgroupMemoryLimit();
            return limit > 0 && limit < total ? limit : total;
        }

        public static long memTotal() {
            for (String l : lines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return Runtime.getRuntime().maxMemory();
        }

        /** The memory limit of this process's cgroup, or -1 when none is set. */
        public static long cgroupMemoryLimit() {
            for (Path p : List.of(Path.of("/sys/fs/cgroup/memory.max"), Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"))) {
                var v = firstLine(p);
                if (v.isPresent() && !v.get().equals("max")) {
                    try {
                        long l = Long.parseLong(v.get());
                        // cgroup v1 reports "no limit" as a huge page-aligned number
                        if (l < (1L << 60)) {
                            return l;
                        }
                    } catch (NumberFormatException ignored) {
                        // not a number: no limit we can use
                    }
                }
            }
            return -1;
        }

        /** VmRSS of a process in bytes, -1 when unreadable. */
        public static long residentBytes(long pid) {
            for (String l : lines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return -1;
        }

        /** Size in bytes of the highest cache level that sysfs reports for CPU 0. */
        static long lastLevelCache() {
            long best = 0;
            int bestLevel = -1;
            for (int i = 0; i < 8; i++) {
                Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + i);
                var level = firstLine(dir.resolve("level"));
                var size = firstLine(dir.resolve("size"));
                if (level.isEmpty() || size.isEmpty()) {
                    continue;
                }
                int lv = Integer.parseInt(level.get());
                long bytes = parseCacheSize(size.get());
                if (lv > bestLevel || (lv == bestLevel && bytes > best)) {
                    bestLevel = lv;
                    best = bytes;
                }
            }
            return best;
        }

        static long parseCacheSize(String s) {
            String t = s.trim().toUpperCase();
            long mult = 1;
            if (t.endsWith("K")) {
                mult = 1024;
            } else if (t.endsWith("M")) {
                mult = 1024 * 1024;
            }
            return Long.parseLong(t.replaceAll("[^0-9]", "")) * mult;
        }
    }
}
