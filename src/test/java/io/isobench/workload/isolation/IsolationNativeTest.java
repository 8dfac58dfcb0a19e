package io.isobench.workload.isolation;

import io.isobench.host.Identity;
import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.host.InsideFacts;
import io.isobench.host.HostFacts;
import io.isobench.host.HostFacts.SysFiles;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import io.isobench.workload.syscall.SyscallWorkload;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Natively the answers are known: the host's own kernel, PIDs and namespaces. With the host's
 * identity altered, the same process stands for another kernel or another namespace.
 */
@SuppressWarnings("unchecked")
class IsolationNativeTest {

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> verdict(WorkloadResult r, String probe) {
        return (Map<String, Object>) ((Map<String, Object>) r.metadata().get("verdicts")).get(probe);
    }

    /** Every verdict the probe gives, in its order: a new one must be checked here and in IsolationIT. */
    static final List<String> PROBES = List.of("kernel_shared_with_host", "network_stack", "host_pids_visible", "host_network_namespace",
            "host_pid_namespace", "host_mount_namespace", "mounts", "devices", "network_interfaces", "capabilities", "seccomp",
            "operations_allowed", "proc_sys_exposure", "user_namespace", "escape_preconditions");

    private static Object v(WorkloadResult r, String probe) {
        return verdict(r, probe).get("verdict");
    }

    private static String evidence(WorkloadResult r, String probe) {
        return String.valueOf(verdict(r, probe).get("evidence"));
    }

    private static String status(String field) {
        return SysFiles.lines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).trim()).findFirst().orElse("");
    }

    @Test
    void nativeSharesEverythingWithTheHost() throws Exception {
        InsideContext ctx = new InsideContext(tmp, HostFacts.read(), InsideFacts.hostIdentity());
        // the mount table is the host's: a container started meanwhile by anything else on the machine
        // adds to it, so the probe's count is checked against the counts just before and just after
        int mountsBefore = SysFiles.lines(Path.of("/proc/self/mounts")).size();
        WorkloadResult r = new IsolationWorkload().runInside(Params.of(Map.of()), ctx);
        int mountsAfter = SysFiles.lines(Path.of("/proc/self/mounts")).size();
        assertThat(((Map<String, Object>) r.metadata().get("verdicts")).keySet()).containsExactlyElementsOf(PROBES);

        assertThat(v(r, "kernel_shared_with_host")).isEqualTo(true);
        assertThat(evidence(r, "kernel_shared_with_host")).contains(SysFiles.firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElseThrow());
        assertThat(v(r, "network_stack")).isIn("host kernel, host's namespace", "host kernel, host's namespace (loopback only)");
        assertThat(v(r, "host_pids_visible")).isEqualTo(true);
        assertThat(v(r, "host_network_namespace")).isEqualTo(true);
        assertThat(v(r, "host_pid_namespace")).isEqualTo(true);
        assertThat(v(r, "host_mount_namespace")).isEqualTo(true);
        assertThat(evidence(r, "host_pid_namespace")).contains("ino " + Identity.devIno("pid").split(":")[1]);

        // the same process on the same kernel: the probe's counts are what this test sees itself
        assertThat((Integer) v(r, "mounts")).isBetween(Math.min(mountsBefore, mountsAfter), Math.max(mountsBefore, mountsAfter));
        try (var dev = java.nio.file.Files.list(Path.of("/dev"))) {
            assertThat(v(r, "devices")).isEqualTo((int) dev.count());
        }
        assertThat(v(r, "network_interfaces")).isEqualTo(Identity.interfaces().size());
        assertThat(evidence(r, "network_interfaces")).contains("lo");
        long capEff = Long.parseUnsignedLong(status("CapEff"), 16);
        assertThat(v(r, "capabilities")).isEqualTo(Long.bitCount(capEff));
        assertThat(v(r, "seccomp")).isEqualTo(status("Seccomp"));
        String[] ops = String.valueOf(v(r, "operations_allowed")).split("/");
        int allowed = Integer.parseInt(ops[0]);
        int tried = Integer.parseInt(ops[1]);
        assertThat(allowed).isBetween(0, tried);
        assertThat(tried).isPositive();
        boolean unconfinedRoot = (capEff & (1L << Capabilities.CAP_SYS_ADMIN)) != 0 && status("Seccomp").equals("0");
        if (unconfinedRoot) {
            assertThat(allowed).as(evidence(r, "operations_allowed")).isEqualTo(tried);
        }
        assertThat((Integer) v(r, "proc_sys_exposure")).isBetween(0, 4);
        assertThat(evidence(r, "proc_sys_exposure")).contains("kallsyms").doesNotContain("own kernel");
        String uidMap = String.join(" | ", SysFiles.lines(Path.of("/proc/self/uid_map"))).trim().replaceAll("\\s+", " ");
        assertThat(v(r, "user_namespace")).isEqualTo(!uidMap.equals("0 0 4294967295"));
        assertThat(evidence(r, "escape_preconditions")).contains("host PID namespace").contains("host network namespace");
        assertThat(v(r, "escape_preconditions")).isEqualTo(evidence(r, "escape_preconditions").split(", ").length);
        // dmesg is not needed (the boot id settles it), and nothing says "own kernel"
        assertThat(r.metadata().get("verdicts").toString()).doesNotContain(KernelIdentity.OWN);

        assertThat(r.measurements()).extracting(m -> m.metric()).contains("visible_processes", "capabilities", "allowed_operations",
                "network_interfaces", "escape_preconditions");
        // it cleaned up after its operations
        assertThat(tmp.toFile().list()).isEmpty();
    }

    /**
     * The VM case measured on this machine: a guest kernel's initial namespaces carry the same
     * numbers as the host's (pid:[4026531836]), and a host pid may exist there by chance. Here
     * the inside is this process, the host's identity a copy of its own with another kernel's
     * boot id and release: every number matches, yet nothing is the host's.
     */
    @Test
    void anotherKernelsIdentifiersAreItsOwnWhateverTheirNumbers() throws Exception {
        Map<String, Object> otherKernel = new HashMap<>(InsideFacts.hostIdentity());
        otherKernel.put("boot_id", "00000000-0000-0000-0000-000000000000");
        otherKernel.put("kernel", "0.0.0-other");
        otherKernel.put("proc_version", "Linux version 0.0.0-other");
        WorkloadResult r = new IsolationWorkload().runInside(Params.of(Map.of()), new InsideContext(tmp, HostFacts.read(), otherKernel));
        assertThat(((Map<String, Object>) r.metadata().get("verdicts")).keySet()).containsExactlyElementsOf(PROBES);

        assertThat(v(r, "kernel_shared_with_host")).isEqualTo(false);
        assertThat(evidence(r, "kernel_shared_with_host")).contains("00000000-0000-0000-0000-000000000000").contains("0.0.0-other");
        assertThat(v(r, "network_stack")).isIn("guest kernel", "guest kernel (loopback only)");
        for (String probe : List.of("host_pids_visible", "host_network_namespace", "host_pid_namespace", "host_mount_namespace",
                "user_namespace")) {
            assertThat(v(r, probe)).as(probe).isEqualTo(KernelIdentity.OWN);
            assertThat(evidence(r, probe)).as(probe).contains("00000000-0000-0000-0000-000000000000");
        }
        // same pid:[N] text as the host's identity, and the evidence shows it
        assertThat(evidence(r, "host_pid_namespace")).contains(String.valueOf(otherKernel.get("ns_pid")) + " (dev");
        for (String probe : List.of("devices", "capabilities", "proc_sys_exposure")) {
            assertThat(evidence(r, probe)).as(probe).contains("of its own kernel, not the host's");
        }
        // root of its own kernel is no escape precondition; the host's namespaces are not shared
        assertThat(evidence(r, "escape_preconditions")).doesNotContain("privileged").doesNotContain("host PID namespace")
                .doesNotContain("host network namespace").doesNotContain("docker socket");
        assertThat(v(r, "escape_preconditions")).isEqualTo(0);
    }

    /** On the host's kernel, a namespace with another inode is another namespace (a container's view). */
    @Test
    void otherNamespacesOnTheHostsKernelAreNotTheHosts() throws Exception {
        Map<String, Object> container = new HashMap<>(InsideFacts.hostIdentity());
        for (String ns : Identity.NAMESPACES) {
            // the host's as a container sees it: same nsfs device, another inode
            String[] devIno = String.valueOf(container.get("ns_" + ns + "_dev_ino")).split(":");
            container.put("ns_" + ns + "_dev_ino", devIno[0] + ":" + (Long.parseLong(devIno[1]) + 1000));
        }
        container.put("pid_start", "1");
        WorkloadResult r = new IsolationWorkload().runInside(Params.of(Map.of()), new InsideContext(tmp, HostFacts.read(), container));
        assertThat(v(r, "kernel_shared_with_host")).isEqualTo(true);
        assertThat(v(r, "network_stack")).isIn("host kernel, own namespace", "host kernel, own namespace (loopback only)");
        // the pid:[N] text is the same, device and inode are not: not the host's
        assertThat(v(r, "host_network_namespace")).isEqualTo(false);
        assertThat(v(r, "host_pid_namespace")).isEqualTo(false);
        assertThat(v(r, "host_mount_namespace")).isEqualTo(false);
        assertThat(v(r, "host_pids_visible")).isEqualTo(false);
        assertThat(evidence(r, "escape_preconditions")).doesNotContain("host PID namespace").doesNotContain("host network namespace");
    }

    @Test
    void syscallCostsAreMeasuredForEveryOperation() throws Exception {
        WorkloadResult r = new SyscallWorkload().runInside(Params.of(Map.of("ops", "stat,open_close,read_4k,write_4k,fork_exec,page_fault,context_switch",
                "count", 200)), new InsideContext(tmp, HostFacts.read()));
        assertThat(r.measurements()).extracting(m -> m.metric())
                .containsExactly("stat", "open_close", "read_4k", "write_4k", "fork_exec", "page_fault", "context_switch", "page_fault_per_fault");
        assertThat(r.measurements()).allSatisfy(m -> {
            assertThat(m.value()).isPositive();
            assertThat(m.unit()).isEqualTo(m.metric().equals("page_fault_per_fault") ? "us/fault" : "us/op");
        });
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void pageFaultsAreCountedOnePerPageWithHugePagesOffForTheRegion() throws Exception {
        // the sandbox suite's VMs (THP "always") faulted one 2 MiB page per 512 touched and looked 3-4x
        // cheaper than runc (THP "madvise"); the workload now turns huge pages off for its own memory
        int count = 4000;
        WorkloadResult r = new SyscallWorkload().runInside(Params.of(Map.of("ops", "page_fault", "count", count)),
                new InsideContext(tmp, HostFacts.read()));
        Map<String, Object> facts = (Map<String, Object>) r.metadata().get("page_fault");
        assertThat(facts.get("pages_touched")).isEqualTo((long) count);
        long faults = ((Number) facts.get("faults_counted")).longValue();
        assertThat(faults).isBetween((long) (count * 0.9), (long) (count * 1.5)); // one per 4 KiB page, whatever else faulted meanwhile
        assertThat(String.valueOf(facts.get("huge_pages"))).startsWith("off for the region");
        double perPage = r.measurements().stream().filter(m -> m.metric().equals("page_fault")).findFirst().orElseThrow().value();
        double perFault = r.measurements().stream().filter(m -> m.metric().equals("page_fault_per_fault")).findFirst().orElseThrow().value();
        assertThat(perFault).isCloseTo(perPage * count / faults, org.assertj.core.data.Percentage.withPercentage(0.01));
    }
}
