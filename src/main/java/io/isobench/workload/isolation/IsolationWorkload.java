package io.isobench.workload.isolation;

import io.isobench.host.Identity;
import io.isobench.workload.WorkloadFamily;

import io.isobench.host.InsideFacts;
import io.isobench.host.HostFacts.SysFiles;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamType;
import io.isobench.core.Params;
import io.isobench.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What isolation an environment actually gives: a battery of read-only probes run inside, each
 * reported as a verdict with its evidence. The host's identity (boot id, namespaces with their
 * device and inode, its own pid and start time, its network stack's sysctls and interfaces)
 * reaches the inside with the request ({@link InsideContext#host()}), so the inside can tell
 * "shares the host's kernel" or "sees the host's processes" from facts, not guesses.
 *
 * <p>A kernel-local identifier (a namespace's inode, a PID, a uid map) is compared with the
 * host's only on the host's own kernel (the same boot id), and a namespace only by its nsfs
 * device and inode: every Linux numbers its initial PID namespace 4026531836, so a VM guest's
 * own looks like the host's by number. Where the kernel is another one (a VM's guest, gVisor's
 * Sentry) those verdicts say {@value KernelIdentity#OWN} with the evidence. Nothing destructive
 * runs: operations are tried in a private mount namespace or on files of our own.
 *
 * <p>Figures: counts of what is exposed (lower is more isolated); metadata {@code verdicts}:
 * probe name to {@code {verdict, evidence}}.
 */
public final class IsolationWorkload implements Workload {

    /** Said of what a kernel of the environment's own shows: it is that kernel's, never the host's. */
    private static final String OWN_NOTE = "of its own kernel, not the host's";

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
        return "probes what the environment isolates: kernel, network stack, PIDs, namespaces, mounts, devices, capabilities, seccomp, /proc and /sys";
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

        Map<String, Object> host = ctx.host();
        if (host.isEmpty()) {
            throw new IllegalStateException("isolation needs the host's identity with the request (sent by isobench run)");
        }
        Map<String, Object> inside = Identity.read();
        inside.put("machine", machine());
        KernelIdentity kernel = KernelIdentity.of(inside, host, IsolationWorkload::dmesgHead);
        boolean own = kernel.kind().own();
        verdict(verdicts, "kernel_shared_with_host", switch (kernel.kind()) {
            case HOST -> true;
            case GVISOR, GUEST -> false;
            case UNKNOWN -> KernelIdentity.UNKNOWN;
        }, kernel.evidence());
        NetworkStack net = NetworkStack.of(kernel, inside, host);
        verdict(verdicts, "network_stack", net.stack(), net.evidence());

        // a host pid with the host's start time means the host's PID namespace, but only on the
        // host's kernel: another kernel's pid N with the same start tick is a coincidence
        long hostPid = ((Number) host.get("pid")).longValue();
        String hostStart = String.valueOf(host.get("pid_start"));
        boolean pidMatches = !hostStart.isEmpty() && InsideFacts.startTime(hostPid).equals(hostStart);
        List<Long> pids = pids();
        String pidEvidence = pids.size() + " processes visible; pid 1 is " + SysFiles.firstLine(Path.of("/proc/1/comm")).orElse("?");
        Object seesHostPid;
        if (own) {
            seesHostPid = KernelIdentity.OWN;
            pidEvidence += ", all of its own kernel (" + kernel.brief() + ")";
        } else {
            if (!pidMatches) {
                seesHostPid = false;
            } else {
                seesHostPid = kernel.kind() == KernelIdentity.Kind.HOST ? Boolean.TRUE : KernelIdentity.UNKNOWN;
            }
            pidEvidence += "; host pid " + hostPid + (pidMatches ? " visible with the host's start time" : " not visible");
        }
        verdict(verdicts, "host_pids_visible", seesHostPid, pidEvidence);
        r.lower("visible_processes", pids.size(), "processes");

        verdict(verdicts, "host_network_namespace", net.hostNamespace(), KernelIdentity.namespaceEvidence("net", inside, host)
                + (kernel.kind() == KernelIdentity.Kind.GVISOR ? "; " + net.evidence() : own ? "; " + kernel.brief() : ""));
        Map<String, Object> sharedNs = new LinkedHashMap<>();
        for (String ns : List.of("pid", "mnt")) {
            sharedNs.put(ns, kernel.namespace(ns, inside, host));
            verdict(verdicts, "host_" + (ns.equals("mnt") ? "mount" : ns) + "_namespace", sharedNs.get(ns),
                    KernelIdentity.namespaceEvidence(ns, inside, host) + (own ? "; " + kernel.brief() : ""));
        }

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
                + (devs.contains("kmsg") ? "; /dev/kmsg present" : "") + (own ? "; " + OWN_NOTE : ""));

        List<String> ifaces = Identity.interfaces();
        if (ifaces.isEmpty()) {
            ifaces = list(Path.of("/sys/class/net"));
        }
        r.lower("network_interfaces", ifaces.size(), "interfaces");
        verdict(verdicts, "network_interfaces", ifaces.size(), String.join(" ", ifaces));

        long capEff = capabilities("CapEff");
        int caps = Long.bitCount(capEff);
        r.lower("capabilities", caps, "capabilities");
        verdict(verdicts, "capabilities", caps, String.format("CapEff=%016x: %s", capEff, String.join(" ", Capabilities.names(capEff))) + (own ? "; " + OWN_NOTE : ""));
        boolean privileged = caps >= 38 && (capEff & (1L << Capabilities.CAP_SYS_ADMIN)) != 0;

        String seccomp = status("Seccomp");
        String filters = status("Seccomp_filters");
        verdict(verdicts, "seccomp", seccomp, "Seccomp " + seccomp + " (0 off, 1 strict, 2 filter)"
                + (filters.isEmpty() ? "" : ", " + filters + " filter(s)")
                + (kernel.kind() == KernelIdentity.Kind.GVISOR ? "; as gVisor's Sentry reports it for the sandboxed process" : ""));
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
                + (debugfs ? "mounted" : "not visible") + "; cgroup " + SysFiles.firstLine(Path.of("/proc/self/cgroup")).orElse("?") + (own ? "; " + OWN_NOTE : ""));

        String uidMap = String.join(" | ", SysFiles.lines(Path.of("/proc/self/uid_map"))).trim().replaceAll("\\s+", " ");
        boolean identityMap = uidMap.equals("0 0 4294967295");
        verdict(verdicts, "user_namespace", own ? KernelIdentity.OWN : !identityMap, "uid_map: " + uidMap
                + (own ? " (its own kernel's ids; " + kernel.brief() + ")" : identityMap ? " (the host's ids)" : " (remapped)"));

        // what would let a process reach the host; capabilities and a docker socket count only
        // where they are the host kernel's (a VM's root is root of its own kernel alone), the
        // socket also under gVisor (a bind-mounted host socket reaches the host's engine)
        boolean dockerSock = Files.exists(Path.of("/var/run/docker.sock")) || Files.exists(Path.of("/run/docker.sock"));
        List<String> escape = new ArrayList<>();
        if (dockerSock && kernel.kind() != KernelIdentity.Kind.GUEST) {
            escape.add("docker socket mounted");
        }
        if (privileged && !own) {
            escape.add("privileged (all capabilities incl. CAP_SYS_ADMIN)");
        }
        if (Boolean.TRUE.equals(seesHostPid) || Boolean.TRUE.equals(sharedNs.get("pid"))) {
            escape.add("host PID namespace");
        }
        if (Boolean.TRUE.equals(net.hostNamespace())) {
            escape.add("host network namespace" + (kernel.kind() == KernelIdentity.Kind.GVISOR ? " (through gVisor's passthrough)" : ""));
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

    /**
     * The first kernel messages (gVisor's Sentry starts its log with "Starting gVisor..."), ""
     * where dmesg is missing or refused (Docker's seccomp profile refuses syslog(2)). Only the
     * head is read: the host's log may be long.
     */
    static String dmesgHead() {
        Process p;
        try {
            p = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
        } catch (IOException e) {
            return "";
        }
        try (var in = p.getInputStream()) {
            StringBuilder head = new StringBuilder();
            var lines = new java.io.BufferedReader(new java.io.InputStreamReader(in)).lines().limit(20).iterator();
            while (lines.hasNext()) {
                head.append(lines.next()).append('\n');
            }
            return head.toString();
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        } finally {
            p.destroy();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The machine as its firmware names it (a VM's: "QEMU Standard PC ..."), "" when not shown. */
    private static String machine() {
        String vendor = SysFiles.firstLine(Path.of("/sys/class/dmi/id/sys_vendor")).orElse("");
        String product = SysFiles.firstLine(Path.of("/sys/class/dmi/id/product_name")).orElse("");
        return (vendor + " " + product).trim();
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
