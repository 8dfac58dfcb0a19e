package io.isobench.workload.isolation;

import io.isobench.workload.WorkloadFamily;

import io.isobench.agent.InsideFacts;
import io.isobench.host.HostFacts.SysFiles;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.workload.ParamSpec;
import io.isobench.workload.ParamType;
import io.isobench.workload.Params;
import io.isobench.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What isolation an environment actually gives: a battery of read-only probes run inside, each
 * reported as a verdict with its evidence. The host's identity (boot id, namespaces, its own pid
 * and start time) reaches the inside with the request ({@link InsideContext#host()}), so the inside can tell
 * "shares the host's kernel" or "sees the host's processes" from facts, not guesses. Nothing
 * destructive runs: operations are tried in a private mount namespace or on files of our own.
 *
 * <p>Figures: counts of what is exposed (lower is more isolated); metadata {@code verdicts}:
 * probe name to {@code {verdict, evidence}}.
 */
public final class IsolationWorkload implements Workload {

    @Override
    public String name() {
        return "isolation";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.SECURITY;
    }

    @Override
    public String description() {
        return "probes what the environment isolates: kernel, PIDs, mounts, devices, network, capabilities, seccomp, /proc and /sys";
    }

    @Override
    public List<ParamSpec> params() {
        return List.of();
    }

    @Override
    public Duration estimate(Params params) {
        return Duration.ofSeconds(1);
    }

    @Override
    public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
        Map<String, Object> verdicts = new LinkedHashMap<>();
        WorkloadResult.Builder r = WorkloadResult.builder();

        String bootId = SysFiles.firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElse("");
        String kernel = SysFiles.firstLine(Path.of("/proc/sys/kernel/osrelease")).orElse("");
        Map<String, Object> host = ctx.host();
        if (host.isEmpty()) {
            throw new IllegalStateException("isolation needs the host's identity with the request (sent by isobench run)");
        }
        String hostBoot = String.valueOf(host.get("boot_id"));
        boolean sharedKernel = !bootId.isEmpty() && bootId.equals(hostBoot);
        verdict(verdicts, "kernel_shared_with_host", sharedKernel,
                "kernel " + kernel + " (host " + host.get("kernel") + "), boot id " + bootId + (sharedKernel ? " = host's" : " != host's " + hostBoot));

        long hostPid = ((Number) host.get("pid")).longValue();
        String hostStart = String.valueOf(host.get("pid_start"));
        boolean seesHostPid = !hostStart.isEmpty() && InsideFacts.startTime(hostPid).equals(hostStart);
        List<Long> pids = pids();
        verdict(verdicts, "host_pids_visible", seesHostPid, pids.size() + " processes visible; host pid " + hostPid
                + (seesHostPid ? " visible with the host's start time" : " not visible") + "; pid 1 is "
                + SysFiles.firstLine(Path.of("/proc/1/comm")).orElse("?"));
        r.lower("visible_processes", pids.size(), "processes");

        String netNs = InsideFacts.namespaceOf("net");
        String pidNs = InsideFacts.namespaceOf("pid");
        String mntNs = InsideFacts.namespaceOf("mnt");
        verdict(verdicts, "host_network_namespace", netNs.equals(String.valueOf(host.get("ns_net"))), "net " + netNs + " vs host " + String.valueOf(host.get("ns_net")));
        verdict(verdicts, "host_pid_namespace", pidNs.equals(String.valueOf(host.get("ns_pid"))), "pid " + pidNs + " vs host " + String.valueOf(host.get("ns_pid")));
        verdict(verdicts, "host_mount_namespace", mntNs.equals(String.valueOf(host.get("ns_mnt"))), "mnt " + mntNs + " vs host " + String.valueOf(host.get("ns_mnt")));

        List<String> mounts = SysFiles.lines(Path.of("/proc/self/mounts"));
        r.lower("mounts", mounts.size(), "mounts");
        verdict(verdicts, "mounts", mounts.size(), mounts.size() + " mounts: " + String.join(", ",
                mounts.stream().map(l -> l.split("\\s+")).filter(a -> a.length > 2).map(a -> a[1] + " (" + a[2] + ")").limit(12).toList())
                + (mounts.size() > 12 ? ", ..." : ""));

        List<String> devs = list(Path.of("/dev"));
        List<String> blockDevs = devs.stream().filter(d -> d.matches("(sd|vd|xvd|nvme|hd|loop|dm-)[a-z0-9]*")).toList();
        r.lower("devices", devs.size(), "device nodes");
        verdict(verdicts, "devices", devs.size(), devs.size() + " entries in /dev; block devices: "
                + (blockDevs.isEmpty() ? "none" : String.join(" ", blockDevs)) + (devs.contains("mem") ? "; /dev/mem present" : "")
                + (devs.contains("kmsg") ? "; /dev/kmsg present" : ""));

        List<String> ifaces = list(Path.of("/sys/class/net"));
        r.lower("network_interfaces", ifaces.size(), "interfaces");
        verdict(verdicts, "network_interfaces", ifaces.size(), String.join(" ", ifaces));

        long capEff = capabilities("CapEff");
        int caps = Long.bitCount(capEff);
        r.lower("capabilities", caps, "capabilities");
        verdict(verdicts, "capabilities", caps, String.format("CapEff=%016x: %s", capEff, String.join(" ", Capabilities.names(capEff))));
        boolean privileged = caps >= 38 && (capEff & (1L << Capabilities.CAP_SYS_ADMIN)) != 0;

        String seccomp = status("Seccomp");
        String filters = status("Seccomp_filters");
        verdict(verdicts, "seccomp", seccomp, "Seccomp " + seccomp + " (0 off, 1 strict, 2 filter)"
                + (filters.isEmpty() ? "" : ", " + filters + " filter(s)"));
        List<String> tried = new ArrayList<>();
        int allowed = Operations.tryAll(ctx.dataDir(), tried);
        r.lower("allowed_operations", allowed, "operations");
        long triedHere = tried.stream().filter(t -> !t.contains(": not tried")).count();
        verdict(verdicts, "operations_allowed", allowed + "/" + triedHere, String.join("; ", tried));

        boolean kallsyms = readable(Path.of("/proc/kallsyms")) && SysFiles.lines(Path.of("/proc/kallsyms")).stream().limit(50)
                .anyMatch(l -> !l.startsWith("0000000000000000"));
        boolean kcore = readable(Path.of("/proc/kcore"));
        boolean schedDebug = readable(Path.of("/proc/sched_debug"));
        boolean debugfs = !list(Path.of("/sys/kernel/debug")).isEmpty();
        int exposures = (kallsyms ? 1 : 0) + (kcore ? 1 : 0) + (schedDebug ? 1 : 0) + (debugfs ? 1 : 0);
        r.lower("proc_sys_exposures", exposures, "exposures");
        verdict(verdicts, "proc_sys_exposure", exposures, "kallsyms addresses " + (kallsyms ? "readable" : "hidden") + ", kcore "
                + (kcore ? "readable" : "not readable") + ", sched_debug " + (schedDebug ? "readable" : "not readable") + ", debugfs "
                + (debugfs ? "mounted" : "not visible") + "; cgroup " + SysFiles.firstLine(Path.of("/proc/self/cgroup")).orElse("?"));

        String uidMap = String.join(" | ", SysFiles.lines(Path.of("/proc/self/uid_map"))).trim().replaceAll("\\s+", " ");
        boolean identityMap = uidMap.equals("0 0 4294967295");
        verdict(verdicts, "user_namespace", !identityMap, "uid_map: " + uidMap + (identityMap ? " (the host's ids)" : " (remapped)"));

        boolean dockerSock = Files.exists(Path.of("/var/run/docker.sock")) || Files.exists(Path.of("/run/docker.sock"));
        List<String> escape = new ArrayList<>();
        if (dockerSock) {
            escape.add("docker socket mounted");
        }
        if (privileged) {
            escape.add("privileged (all capabilities incl. CAP_SYS_ADMIN)");
        }
        if (seesHostPid || pidNs.equals(String.valueOf(host.get("ns_pid")))) {
            escape.add("host PID namespace");
        }
        if (netNs.equals(String.valueOf(host.get("ns_net")))) {
            escape.add("host network namespace");
        }
        r.lower("escape_preconditions", escape.size(), "preconditions");
        verdict(verdicts, "escape_preconditions", escape.size(), escape.isEmpty() ? "none found" : String.join(", ", escape));

        return r.fact("verdicts", verdicts).build();
    }

    private static void verdict(Map<String, Object> m, String probe, Object verdict, String evidence) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("verdict", verdict);
        v.put("evidence", evidence);
        m.put(probe, v);
    }

    private static List<Long> pids() {
        List<Long> out = new ArrayList<>();
        for (String name : list(Path.of("/proc"))) {
            if (name.chars().allMatch(Character::isDigit)) {
                out.add(Long.parseLong(name));
            }
        }
        return out;
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    private static String status(String field) {
        for (String l : SysFiles.lines(Path.of("/proc/self/status"))) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1).trim();
            }
        }
        return "";
    }

    private static long capabilities(String field) {
        String v = status(field);
        return v.isEmpty() ? 0 : Long.parseUnsignedLong(v, 16);
    }

    private static boolean readable(Path p) {
        try (var in = Files.newInputStream(p)) {
            return in.read() >= 0;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
