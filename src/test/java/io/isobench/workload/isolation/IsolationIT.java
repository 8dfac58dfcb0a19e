package io.isobench.workload.isolation;

import io.isobench.host.Identity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.isobench.agent.AgentClient;
import io.isobench.host.InsideFacts;
import io.isobench.agent.Protocol;
import io.isobench.cli.Main;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.docker.DockerEngine;
import io.isobench.host.HostFacts.SysFiles;
import io.isobench.result.Json;
import io.isobench.result.RunDirectory;
import io.isobench.result.Sample;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every isolation verdict where the answers are known: natively the host's kernel, PIDs,
 * namespaces and network stack; a runc container shares the kernel but none of the namespaces
 * (but the network one with network=host); gVisor and a VM answer with kernels of their own, so
 * every kernel-local identifier is theirs however it is numbered (a VM's initial PID namespace
 * carries the host's number), a microVM as much as a full one. gVisor's host-network passthrough
 * (runsc_network=host, where the host setup registered it) is the host kernel's stack through
 * gVisor in the container's own namespace, also when run directly (runsc --network=host do). Also
 * the startup workload on each, whose figures must exist and be positive.
 */
@Tag("integration")
class IsolationIT {

    private static final String OWN = KernelIdentity.OWN;

    @TempDir
    Path tmp;

    /** Each variant's verdicts, probe to {verdict, evidence}, from its last isolation sample. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> verdicts(List<Sample> samples, String variant) {
        Sample s = samples.stream().filter(x -> x.variant().equals(variant) && x.workload().equals("isolation")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no isolation sample for " + variant));
        return (Map<String, Map<String, Object>>) ((Map<String, Object>) s.metadata().get("workload")).get("verdicts");
    }

    /** One variant's verdicts, read as the checks need them. */
    private record V(String variant, Map<String, Map<String, Object>> all) {
        Object v(String probe) {
            assertThat(all).as(variant).containsKey(probe);
            return all.get(probe).get("verdict");
        }

        String ev(String probe) {
            return String.valueOf(all.get(probe).get("evidence"));
        }

        int n(String probe) {
            assertThat(v(probe)).as(variant + " " + probe).isInstanceOf(Number.class);
            return ((Number) v(probe)).intValue();
        }

        int[] ops() {
            String[] f = String.valueOf(v("operations_allowed")).split("/");
            return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
        }
    }

    private static String status(String field) {
        return SysFiles.lines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).trim()).findFirst().orElse("");
    }

    /** What gVisor's network stack must look like inside, from how the engine registered the runtime. */
    private static String gvisorStack(List<String> runtimeArgs) {
        return runtimeArgs.contains("--network=host") ? NetworkStack.PASSTHROUGH + NetworkStack.OWN_NAMESPACE : NetworkStack.NETSTACK;
    }

    /** Checks that hold for every variant: the full set of probes, counts as counts, operations as "allowed/tried". */
    private static void common(V x) {
        assertThat(x.all().keySet()).as(x.variant()).containsExactlyElementsOf(IsolationNativeTest.PROBES);
        for (String count : List.of("mounts", "devices", "network_interfaces", "capabilities", "proc_sys_exposure", "escape_preconditions")) {
            assertThat(x.n(count)).as(x.variant() + " " + count).isNotNegative();
        }
        assertThat(x.n("mounts")).isPositive();
        assertThat(x.n("devices")).isPositive();
        assertThat(x.ev("network_interfaces")).as(x.variant()).contains("lo");
        assertThat(x.ops()[0]).as(x.variant()).isBetween(0, x.ops()[1]);
        assertThat(x.ops()[1]).isPositive();
        // the count is the list in the evidence
        assertThat(x.n("escape_preconditions")).as(x.variant() + " " + x.ev("escape_preconditions"))
                .isEqualTo(x.ev("escape_preconditions").equals("none found") ? 0 : x.ev("escape_preconditions").split(", ").length);
        // as root with CAP_SYS_ADMIN and no seccomp filter in a Linux kernel, nothing is refused
        if (x.ev("capabilities").contains("sys_admin") && "0".equals(x.v("seccomp")) && !x.ev("kernel_shared_with_host").contains("gVisor")) {
            assertThat(x.ops()[0]).as(x.variant() + ": " + x.ev("operations_allowed")).isEqualTo(x.ops()[1]);
        }
    }

    @Test
    void verdictsMatchWhatEachEnvironmentIsKnownToIsolate() throws Exception {
        Map<String, List<String>> runtimeArgs;
        boolean usernsRemap;
        try (DockerEngine engine = DockerEngine.connect()) {
            runtimeArgs = engine.info().runtimeArgs();
            List<String> security = engine.quick().infoCmd().exec().getSecurityOptions();
            usernsRemap = security != null && security.stream().anyMatch(o -> o.contains("userns"));
        }
        // gVisor with the host-network passthrough (runsc_network=host), where the host setup registered it
        boolean passthrough = runtimeArgs.getOrDefault("runsc-host", List.of()).contains("--network=host");
        Path suite = tmp.resolve("iso.yaml");
        Files.writeString(suite, """
                name: isolation-check
                repetition: {warmup: 0, iterations: 1}
                workloads:
                  - isolation
                  - {name: startup, params: {instances: 1}}
                environments:
                  - native
                  - name: docker
                    variants: [{image: small}, {image: small, network: host}, {image: small, runtime: runsc, network: none}%s]
                  - name: vm
                    variants: [{image: small}, {image: small, machine: microvm, disk: qcow2}]
                """.formatted(passthrough ? ", {image: small, runtime: runsc, runsc_network: host}" : ""));
        List<String> interfacesBefore = Identity.interfaces();
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "run", "--suite", suite.toString(),
                "--results", tmp.resolve("results").toString());
        assertThat(code).as(out.toString()).isZero();
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("results"))) {
            run = s.findFirst().orElseThrow();
        }
        List<Sample> samples = RunDirectory.open(run).readSamples();
        String hostBoot = SysFiles.firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElseThrow();
        long testCaps = Long.parseUnsignedLong(status("CapEff"), 16);
        String testUidMap = String.join(" | ", SysFiles.lines(Path.of("/proc/self/uid_map"))).trim().replaceAll("\\s+", " ");

        V nat = new V("native", verdicts(samples, "native"));
        V runc = new V("runc", verdicts(samples, "docker[image=small]"));
        V runcHostNet = new V("runc network=host", verdicts(samples, "docker[image=small,network=host]"));
        V runsc = new V("runsc", verdicts(samples, "docker[image=small,network=none,runtime=runsc]"));
        V vm = new V("vm", verdicts(samples, "vm[image=small]"));
        V microvm = new V("microvm", verdicts(samples, "vm[disk=qcow2,image=small,machine=microvm]"));
        for (V x : List.of(nat, runc, runcHostNet, runsc, vm, microvm)) {
            common(x);
        }

        // native: the host itself, seen by a child of this process
        assertThat(nat.v("kernel_shared_with_host")).isEqualTo(true);
        assertThat(nat.ev("kernel_shared_with_host")).contains(hostBoot + " = host's");
        assertThat(nat.v("network_stack")).isEqualTo("host kernel, host's namespace");
        assertThat(nat.v("host_pids_visible")).isEqualTo(true);
        assertThat(nat.v("host_network_namespace")).isEqualTo(true);
        assertThat(nat.v("host_pid_namespace")).isEqualTo(true);
        assertThat(nat.v("host_mount_namespace")).isEqualTo(true);
        // the host's interfaces that lasted the whole run (other runs on this host add and remove veths and taps)
        List<String> lasting = Identity.interfaces().stream().filter(interfacesBefore::contains).toList();
        assertThat(lasting).contains("lo");
        assertThat(nat.ev("network_interfaces").split(" ")).contains(lasting.toArray(String[]::new));
        assertThat(nat.n("capabilities")).isEqualTo(Long.bitCount(testCaps));
        assertThat(nat.v("seccomp")).isEqualTo(status("Seccomp"));
        assertThat(nat.v("user_namespace")).isEqualTo(!testUidMap.equals("0 0 4294967295"));
        assertThat(nat.ev("escape_preconditions")).contains("host PID namespace").contains("host network namespace");

        // runc: the host's kernel, namespaces of its own, Docker's default confinement
        for (V x : List.of(runc, runcHostNet)) {
            assertThat(x.v("kernel_shared_with_host")).as(x.variant()).isEqualTo(true);
            assertThat(x.ev("kernel_shared_with_host")).contains(hostBoot + " = host's");
            assertThat(x.v("host_pids_visible")).as(x.variant()).isEqualTo(false);
            assertThat(x.v("host_pid_namespace")).as(x.variant()).isEqualTo(false);
            assertThat(x.v("host_mount_namespace")).as(x.variant()).isEqualTo(false);
            assertThat(x.n("devices")).as(x.variant()).isLessThan(nat.n("devices"));
            assertThat(x.ev("devices")).as(x.variant()).contains("block devices: none");
            assertThat(x.ev("capabilities")).as(x.variant()).contains("net_bind_service").doesNotContain("sys_admin");
            assertThat(x.v("seccomp")).as(x.variant()).isEqualTo("2"); // Docker's default profile
            assertThat(x.ev("operations_allowed")).as(x.variant()).contains("unshare user namespace: denied");
            assertThat(x.n("proc_sys_exposure")).as(x.variant()).isLessThanOrEqualTo(nat.n("proc_sys_exposure"));
            assertThat(x.ev("proc_sys_exposure")).as(x.variant()).contains("kcore not readable");
            assertThat(x.v("user_namespace")).as(x.variant()).isEqualTo(usernsRemap);
            assertThat(x.ev("escape_preconditions")).as(x.variant()).doesNotContain("privileged").doesNotContain("PID");
        }
        assertThat(runc.v("network_stack")).isEqualTo("host kernel, own namespace");
        assertThat(runc.v("host_network_namespace")).isEqualTo(false);
        assertThat(runc.ev("network_interfaces")).contains("eth0");
        assertThat(runc.n("network_interfaces")).isLessThan(nat.n("network_interfaces"));
        assertThat(runc.v("escape_preconditions")).isEqualTo(0);
        assertThat(runcHostNet.v("network_stack")).isEqualTo("host kernel, host's namespace");
        assertThat(runcHostNet.v("host_network_namespace")).isEqualTo(true);
        assertThat(runcHostNet.ev("network_interfaces").split(" ")).contains(lasting.toArray(String[]::new));
        assertThat(runcHostNet.ev("escape_preconditions")).isEqualTo("host network namespace");

        // gVisor: the Sentry is a kernel of its own; runsc is registered here without a network
        assertThat(runsc.v("kernel_shared_with_host")).isEqualTo(false);
        assertThat(runsc.ev("kernel_shared_with_host")).contains("gVisor's Sentry").contains(hostBoot);
        assertThat(runsc.v("network_stack")).isEqualTo(gvisorStack(runtimeArgs.getOrDefault("runsc", List.of())) + NetworkStack.LOOPBACK_ONLY);
        assertThat(runsc.n("network_interfaces")).isEqualTo(1);
        assertThat(runsc.v("host_network_namespace")).isEqualTo(runtimeArgs.getOrDefault("runsc", List.of()).contains("--network=host") ? false : OWN);
        for (String probe : List.of("host_pids_visible", "host_pid_namespace", "host_mount_namespace", "user_namespace")) {
            assertThat(runsc.v(probe)).as("runsc " + probe).isEqualTo(OWN);
            assertThat(runsc.ev(probe)).as("runsc " + probe).contains("gVisor's Sentry").contains(hostBoot);
        }
        assertThat(runsc.ev("devices")).contains("block devices: none").contains("of its own kernel");
        assertThat(runsc.ev("capabilities")).contains("of its own kernel").doesNotContain("sys_admin");
        // runsc applies the OCI seccomp profile inside only with --oci-seccomp
        assertThat(runsc.v("seccomp")).isEqualTo(runtimeArgs.getOrDefault("runsc", List.of()).contains("--oci-seccomp") ? "2" : "0");
        assertThat(runsc.ev("seccomp")).contains("gVisor's Sentry");
        assertThat(runsc.n("proc_sys_exposure")).isZero();
        assertThat(runsc.v("escape_preconditions")).isEqualTo(0);

        // the VMs, full and micro: a guest kernel whose initial namespaces carry the host's numbers, and are its own
        for (V x : List.of(vm, microvm)) {
            assertThat(x.v("kernel_shared_with_host")).as(x.variant()).isEqualTo(false);
            assertThat(x.ev("kernel_shared_with_host")).as(x.variant()).contains("a guest's").contains(hostBoot);
            // the guest has its network device (tap or slirp), so its own stack serves more than loopback
            assertThat(x.v("network_stack")).as(x.variant()).isEqualTo(NetworkStack.GUEST_KERNEL);
            assertThat(x.ev("network_interfaces")).as(x.variant()).contains("eth0");
            for (String probe : List.of("host_pids_visible", "host_network_namespace", "host_pid_namespace", "host_mount_namespace",
                    "user_namespace")) {
                assertThat(x.v(probe)).as(x.variant() + " " + probe).isEqualTo(OWN);
                assertThat(x.ev(probe)).as(x.variant() + " " + probe).contains("a guest's").contains(hostBoot);
            }
            for (String probe : List.of("devices", "capabilities", "proc_sys_exposure")) {
                assertThat(x.ev(probe)).as(x.variant() + " " + probe).contains("of its own kernel");
            }
            assertThat(x.v("seccomp")).as(x.variant()).isEqualTo("0"); // the guest's init starts the agent unfiltered
            // root of the guest's kernel is no way into the host's
            assertThat(x.v("escape_preconditions")).as(x.variant()).isEqualTo(0);
        }

        if (passthrough) {
            // gVisor's kernel answers the system calls, the host kernel's stack serves the sockets, in the container's namespace
            V p = new V("runsc_network=host", verdicts(samples, "docker[image=small,runsc_network=host,runtime=runsc]"));
            common(p);
            assertThat(p.v("kernel_shared_with_host")).isEqualTo(false);
            assertThat(p.ev("kernel_shared_with_host")).contains("gVisor's Sentry");
            assertThat(p.v("network_stack")).isEqualTo(NetworkStack.PASSTHROUGH + NetworkStack.OWN_NAMESPACE);
            assertThat(p.ev("network_stack")).contains("are the host kernel's");
            assertThat(p.v("host_network_namespace")).isEqualTo(false);
            assertThat(p.ev("network_interfaces")).contains("eth0");
        }

        for (String variant : List.of("native", "docker[image=small]", "docker[image=small,network=none,runtime=runsc]", "vm[image=small]",
                "vm[disk=qcow2,image=small,machine=microvm]")) {
            assertThat(samples).filteredOn(s -> s.variant().equals(variant) && s.workload().equals("startup"))
                    .extracting(Sample::metric).contains("cold_start", "warm_start", "request_rtt", "density_start");
            assertThat(samples).filteredOn(s -> s.variant().equals(variant) && s.workload().equals("startup"))
                    .allSatisfy(s -> assertThat(s.value()).isPositive());
        }
        // memory per instance where the environment can tell: every one here can
        assertThat(samples).filteredOn(s -> s.metric().equals("memory_per_instance")).extracting(Sample::variant)
                .contains("native", "docker[image=small]", "vm[image=small]", "vm[disk=qcow2,image=small,machine=microvm]");
    }

    /**
     * gVisor's host-network passthrough for real, without an engine runtime registered for it:
     * the agent runs under {@code runsc --network=host do} in a network namespace of this test's
     * own (no interface but lo, so runsc sets up no veth or NAT on the host), with runsc's state
     * in a temporary folder. The Sentry hands sockets to the host kernel there: the probe must
     * name the host kernel's stack through gVisor, in a namespace that is not the host's.
     */
    @Test
    void gvisorPassthroughIsTheHostKernelsStackInItsOwnNamespace() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/runsc")) || Files.isExecutable(Path.of("/usr/local/bin/runsc")))
                .as("runsc installed (scripts/setup-host.sh)").isTrue();
        assumeThat(status("CapEff")).as("root (runsc do and unshare -n need it)").isNotIn("", "0000000000000000");
        List<String> cmd = new ArrayList<>(List.of("unshare", "--net", "runsc", "--root=" + tmp.resolve("runsc-state"), "--network=host",
                "do", "--"));
        cmd.addAll(AgentLauncher.current().command(AgentLauncher.defaultJvmOptions()));
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("agent.err").toFile()).start();
        Object verdicts;
        try (AgentClient c = new AgentClient("runsc-passthrough", p.getInputStream(), p.getOutputStream(), () -> {
            try {
                return Files.readString(tmp.resolve("agent.err"));
            } catch (java.io.IOException e) {
                return "";
            }
        })) {
            c.call(new Protocol.Hello("/tmp/isobench-isolation-it"), Duration.ofMinutes(2));
            verdicts = c.call(new Protocol.Run("isolation", Map.of(), InsideFacts.hostIdentity()), Duration.ofMinutes(2))
                    .metadata().get("verdicts");
            c.call(new Protocol.Shutdown(), Duration.ofSeconds(30));
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> all = Json.mapper().convertValue(verdicts, Map.class);
        V x = new V("runsc --network=host", all);
        common(x);
        String hostBoot = SysFiles.firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElseThrow();
        assertThat(x.v("kernel_shared_with_host")).isEqualTo(false);
        assertThat(x.ev("kernel_shared_with_host")).contains("gVisor's Sentry").contains(hostBoot);
        assertThat(x.v("network_stack")).isEqualTo(NetworkStack.PASSTHROUGH + NetworkStack.OWN_NAMESPACE + NetworkStack.LOOPBACK_ONLY);
        assertThat(x.ev("network_stack")).contains("are the host kernel's");
        assertThat(x.v("host_network_namespace")).isEqualTo(false);
        for (String probe : List.of("host_pids_visible", "host_pid_namespace", "host_mount_namespace", "user_namespace")) {
            assertThat(x.v(probe)).as(probe).isEqualTo(OWN);
        }
        assertThat(x.n("network_interfaces")).isEqualTo(1);
        assertThat(x.ev("seccomp")).contains("gVisor's Sentry");
        assertThat(x.ev("capabilities")).contains("of its own kernel");
        assertThat(x.n("proc_sys_exposure")).isZero();
        assertThat(x.v("escape_preconditions")).isEqualTo(0);
    }
}
