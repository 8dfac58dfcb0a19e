package io.isobench.host;

import io.isobench.host.HostFacts;
import io.isobench.host.HostFacts.SysFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent reads about the environment from the inside: the kernel that answers, the
 * hostname, the cgroup it was put in and its limits, the namespaces it lives in, the CPUs and
 * memory it sees. These facts are the evidence that a run really happened where it claims to,
 * and that a variant took effect.
 */
public final class InsideFacts {

    private InsideFacts() {
    }

    /** The facts as read now, read-only: they are evidence, built once. */
    public static Map<String, Object> read() {
        Map<String, Object> m = new LinkedHashMap<>(HostFacts.read().toMap());
        m.put("pid", ProcessHandle.current().pid());
        m.put("cgroup", String.join("\n", SysFiles.lines(Path.of("/proc/self/cgroup"))));
        m.put("cgroup_version", Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? 2 : 1);
        m.put("cpu_quota", cpuQuota());
        m.put("cpuset", cpuset());
        m.put("memory_limit_bytes", SysFiles.cgroupMemoryLimit());
        m.put("mem_total_bytes", SysFiles.memTotal());
        for (String ns : List.of("pid", "net", "mnt", "uts", "user", "ipc", "cgroup")) {
            m.put("ns_" + ns, namespace(ns));
        }
        m.put("init_comm", SysFiles.firstLine(Path.of("/proc/1/comm")).orElse(""));
        // what defines "the same software" beyond the JVM's version (compared across variants after a run)
        m.put("jvm_flags", jvmFlags(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        m.put("cpu_isa", cpuIsa(SysFiles.lines(Path.of("/proc/cpuinfo"))));
        m.put("page_size", pageSize());
        m.put("thp", SysFiles.firstLine(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).map(InsideFacts::bracketed).orElse("unknown"));
        m.put("agent_env", InfluentialVariables.of(System.getenv()));
        m.put("packages", io.isobench.host.PackageVersions.installed(io.isobench.host.PackageVersions.REPORTED));
        m.put("virtualization", virtualization());
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * What identifies this host from inside an environment: its kernel's boot id, its namespaces,
     * and this process's pid with its start time (a process the inside sees only if it shares the
     * host's PID namespace). Sent by the runner with each request.
     */
    public static Map<String, Object> hostIdentity() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("boot_id", SysFiles.firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElse(""));
        m.put("kernel", SysFiles.firstLine(Path.of("/proc/sys/kernel/osrelease")).orElse(""));
        long pid = ProcessHandle.current().pid();
        m.put("pid", pid);
        m.put("pid_start", startTime(pid));
        for (String ns : List.of("pid", "net", "mnt")) {
            m.put("ns_" + ns, namespace(ns));
        }
        // what the isolation probe compares besides: namespace device+inode, network stack
        m.putAll(Identity.additions());
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The JVM's options less those that are sized or placed per environment on purpose (heap
     * size, where crash reports go, the run an agent process belongs to): what must be the same everywhere. Options from
     * {@code JAVA_TOOL_OPTIONS} and the like appear here too, which is how a leaked one shows.
     */
    static String jvmFlags(List<String> inputArguments) {
        return String.join(" ", inputArguments.stream()
                .filter(a -> !a.matches("-Xm[sx].*|-XX:(Max|Min|Initial)RAMPercentage=.*|-XX:(Max|Initial)HeapSize=.*|-XX:ErrorFile=.*"
                        + "|-XX:HeapDumpPath=.*|-Disobench\\..*"))
                .toList());
    }

    /**
     * The instruction-set features that decide which kernels native libraries pick (OpenBLAS,
     * the JIT's vector code), widest first, from the first CPU's flags: e.g. "avx512f avx2 fma avx
     * sse4_2 ssse3 sse3".
     */
    static String cpuIsa(List<String> cpuinfo) {
        List<String> flags = cpuinfo.stream().filter(l -> l.startsWith("flags")).findFirst()
                .map(l -> List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))).orElse(List.of());
        List<String> out = new java.util.ArrayList<>();
        for (String f : List.of("avx512f", "avx2", "fma", "avx", "sse4_2", "ssse3", "sse3", "3dnow")) {
            if (flags.contains(f) || (f.equals("sse3") && flags.contains("pni"))) {
                out.add(f);
            }
        }
        return flags.isEmpty() ? "unknown" : String.join(" ", out);
    }

    /** The base page size in bytes, from the kernel's view of this process's first mapping. */
    static long pageSize() {
        for (String line : SysFiles.lines(Path.of("/proc/self/smaps"))) {
            if (line.startsWith("KernelPageSize:")) {
                String[] f = line.split("\\s+");
                return Long.parseLong(f[1]) * 1024;
            }
        }
        return -1;
    }

    /** "always madvise [never]" -> "never". */
    static String bracketed(String line) {
        int a = line.indexOf('[');
        int b = line.indexOf(']');
        return a >= 0 && b > a ? line.substring(a + 1, b) : line.trim();
    }

    /** Field 22 of /proc/PID/stat: the start time in clock ticks since boot, "" when unreadable. */
    public static String startTime(long pid) {
        String stat = SysFiles.firstLine(Path.of("/proc/" + pid + "/stat")).orElse("");
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return "";
        }
        String[] f = stat.substring(close + 2).split("\\s+");
        return f.length > 19 ? f[19] : "";
    }

    /** The namespace's identity, e.g. "net:[4026531840]", comparable with the host's. */
    public static String namespaceOf(String ns) {
        return namespace(ns);
    }

    static String namespace(String ns) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns)).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }

    /** CPUs' worth of quota, e.g. "1.5", or "max" when unlimited (cgroup v2 cpu.max or v1 cfs). */
    static String cpuQuota() {
        var v2 = SysFiles.firstLine(Path.of("/sys/fs/cgroup/cpu.max"));
        if (v2.isPresent()) {
            String[] p = v2.get().split("\\s+");
            return p[0].equals("max") ? "max" : ratio(Long.parseLong(p[0]), Long.parseLong(p[1]));
        }
        for (String dir : List.of("/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpu")) {
            var q = SysFiles.firstLine(Path.of(dir, "cpu.cfs_quota_us"));
            var per = SysFiles.firstLine(Path.of(dir, "cpu.cfs_period_us"));
            if (q.isPresent() && per.isPresent()) {
                long quota = Long.parseLong(q.get());
                return quota < 0 ? "max" : ratio(quota, Long.parseLong(per.get()));
            }
        }
        return "unknown";
    }

    private static String ratio(long quota, long period) {
        return String.valueOf(Math.round(1000.0 * quota / period) / 1000.0);
    }

    static String cpuset() {
        for (String p : List.of("/sys/fs/cgroup/cpuset.cpus.effective", "/sys/fs/cgroup/cpuset/cpuset.effective_cpus",
                "/sys/fs/cgroup/cpuset/cpuset.cpus")) {
            var v = SysFiles.firstLine(Path.of(p));
            if (v.isPresent() && !v.get().isEmpty()) {
                return v.get();
            }
        }
        return SysFiles.firstLine(Path.of("/sys/devices/system/cpu/online")).orElse("unknown");
    }

    /** What the CPU says about a hypervisor, e.g. "hypervisor" flag and DMI product. */
    static String virtualization() {
        boolean flag = SysFiles.lines(Path.of("/proc/cpuinfo")).stream()
                .anyMatch(l -> l.startsWith("flags") && l.contains(" hypervisor"));
        String product = SysFiles.firstLine(Path.of("/sys/class/dmi/id/product_name")).orElse("");
        return (flag ? "hypervisor" : "none") + (product.isEmpty() ? "" : " (" + product + ")");
    }
}
