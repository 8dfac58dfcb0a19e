package io.isobench.env.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.agent.AgentException;
import io.isobench.agent.Protocol;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.Cleanup;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.image.ImageCache;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.core.Transport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots real guests (the small image, under TCG here: auto must fall back to it) and checks from
 * what the agent saw inside and what QMP reports that each variant took effect, that a guest that
 * cannot boot fails cleanly within its timeout, and that nothing is left behind.
 */
@Tag("integration")
class VmEnvironmentIT {

    private static final String HOST_KERNEL = HostFacts.read().kernel();
    private static GuestKernel guestKernel;

    @TempDir
    Path logs;

    private final List<String> said = new ArrayList<>();

    @BeforeAll
    static void needsTheGuestKernel() {
        guestKernel = GuestKernel.find().orElseThrow(() -> new AssertionError("no guest kernel: " + GuestKernel.FIX));
    }

    private VmEnvironment env(String init) {
        return new VmEnvironment(ImageCache.standard(), Path.of("/var/tmp"), said::add, init);
    }

    private StartContext ctx(String runId, Cleanup cleanup, Duration boot) {
        return new StartContext(runId, logs, AgentLauncher.current(), cleanup, HostFacts.read(), boot);
    }

    @Test
    void untunedUserNetworkRawDiskRunsTheAgentInsideTheGuest() throws Exception {
        VmEnvironment env = env(InitScript.PATH);
        assertThat(env.probe(HostFacts.read()).available()).isTrue();
        Variant v = Variant.resolve(env, Map.of("image", "small", "vcpus", "1", "memory", "1G", "network", "user"), "test");
        String runId = "it-untuned-" + ProcessHandle.current().pid();
        VmInstance vm;
        Map<String, Object> facts;
        try (Cleanup cleanup = new Cleanup()) {
            vm = (VmInstance) env.start(v, ctx(runId, cleanup, Duration.ofSeconds(240)));
            try {
                facts = vm.facts();
                Map<String, Object> inside = vm.insideFacts();
                // the agent ran inside the guest: the guest kernel answered, not the host's
                assertThat(inside.get("kernel")).isEqualTo(guestKernel.release()).isNotEqualTo(HOST_KERNEL);
                assertThat(inside.get("init_comm")).isEqualTo("isobench-init");
                // the variant took effect, seen from inside and from QMP
                assertThat(((Number) inside.get("cpus")).intValue()).isEqualTo(1);
                assertThat(((Number) inside.get("mem_total_bytes")).longValue()).isBetween(512L << 20, 1L << 30);
                assertThat(vm.emulated()).isEqualTo(facts.get("accel").equals("tcg"));
                if (vm.emulated()) {
                    assertThat((String) facts.get("emulation")).startsWith("EMULATED");
                }
                List<Map<String, Object>> threads = list(facts.get("vcpu_threads"));
                assertThat(threads).hasSize(1);
                assertThat(facts.get("cpu_model")).asString().contains("qemu64");
                assertThat(blockFormat(facts, "root")).isEqualTo("raw");
                assertThat(blockFormat(facts, "data")).isEqualTo("raw");
                assertThat(block(facts, "data").get("cache")).isEqualTo("none");
                assertThat(facts.get("qemu_command")).asString().contains("cache=none,aio=native").doesNotContain("-cpu ");

                // user networking: servers are reached through forwards on 127.0.0.1
                Endpoint ep = vm.endpoint(vm.serverPorts().get(0), Transport.TCP);
                assertThat(ep.host()).isEqualTo("127.0.0.1");
                assertThat(ep.port()).isNotEqualTo(vm.serverPorts().get(0));
                assertThat(ep.path()).contains("slirp");
                String usernet = vm.qmp().execute("human-monitor-command", Map.of("command-line", "info usernet"),
                        Duration.ofSeconds(10)).asText();
                assertThat(usernet).contains(String.valueOf(ep.port()));

                // QEMU's default machine: every virtio device on the PCI bus, as the guest counted them
                assertThat(facts.get("machine")).isEqualTo("pc");
                assertThat(devices(facts)).containsEntry("virtio_mmio", 0);
                assertThat(devices(facts).get("pci")).isPositive();
                assertThat(devices(facts).get("virtio_pci")).isGreaterThanOrEqualTo(4); // root, data, net, serial
                // under TCG every machine is told the host's TSC rate, so pc keeps the TSC as microvm does (one clock
                // source for both: their difference is the machine's alone); under KVM the kernel calibrates by itself
                if (facts.get("accel").equals("tcg") && HostTsc.read().known()) {
                    assertThat(facts.get("qemu_command")).asString().contains("tsc_early_khz=" + HostTsc.read().khz()).contains("tsc=reliable");
                    assertThat(facts.get("guest_clocksource")).isIn("tsc", "tsc-early");
                } else {
                    assertThat(facts.get("qemu_command")).asString().doesNotContain("tsc_early_khz");
                }
                assertThat(facts).containsKey("guest_clocksource");

                // a workload runs inside, on the data disk
                WorkloadResult r = run(vm, "hash", Map.of("size", 1L << 20, "threads", 1, "passes", 1, "algorithm", "SHA-256"));
                assertThat(r.measurements()).isNotEmpty();

                // pause and resume through QMP
                vm.pause();
                assertThat(vm.qmp().execute("query-status", Map.of(), Duration.ofSeconds(10)).path("status").asText()).isEqualTo("paused");
                vm.resume();
                assertThat(vm.qmp().execute("query-status", Map.of(), Duration.ofSeconds(10)).path("status").asText()).isEqualTo("running");
                assertThat(String.valueOf(vm.agent().call(new Protocol.ReadFacts(), Duration.ofSeconds(60)).facts().get("kernel")))
                        .isEqualTo(guestKernel.release());
            } finally {
                vm.close();
            }
            assertThat(cleanup.pending()).isZero();
        }
        assertNothingLeft(runId, vm.pid(), facts);
    }

    @Test
    void tunedTapQcow2PinsEachVcpuAndCarriesTrafficOverTheBridge() throws Exception {
        VmEnvironment env = env(InitScript.PATH);
        int vcpus = Math.min(2, HostCpus.allowed().size());
        Variant v = Variant.resolve(env, Map.of("image", "small", "tuning", "tuned", "network", "tap", "disk", "qcow2",
                "vcpus", String.valueOf(vcpus), "memory", "1G"), "test");
        String runId = "it-tuned-" + ProcessHandle.current().pid();
        VmInstance vm;
        Map<String, Object> facts;
        try (Cleanup cleanup = new Cleanup()) {
            // a tuned VM's memory is hugepage-backed exactly when the host has enough free 2 MiB pages for all of it
            long freeHugepages = HostCpus.freeHugepages2M();
            boolean hugepagesExpected = freeHugepages * (2L << 20) >= (1L << 30);
            vm = (VmInstance) env.start(v, ctx(runId, cleanup, Duration.ofSeconds(240)));
            try {
                facts = vm.facts();
                assertThat(vm.insideFacts().get("kernel")).isEqualTo(guestKernel.release()).isNotEqualTo(HOST_KERNEL);
                assertThat(((Number) vm.insideFacts().get("cpus")).intValue()).isEqualTo(vcpus);

                JsonNode cpus = vm.qmp().execute("query-cpus-fast", Map.of(), Duration.ofSeconds(10));
                assertThat(cpus.size()).isEqualTo(vcpus);
                if (vm.emulated()) {
                    // TCG runs every vCPU in turn on one host thread: nothing to pin apart, and the facts say so
                    assertThat(list(facts.get("vcpu_threads"))).extracting(m -> m.get("thread_id")).containsOnly(
                            cpus.get(0).path("thread-id").asLong());
                    assertThat(facts.get("vcpu_pinning")).asString().contains("one host thread");
                    assertThat(facts.get("qemu_command")).asString().contains("-accel tcg,thread=single");
                } else {
                    // each vCPU thread QMP reported is pinned to its own host CPU, as the kernel reports it now
                    List<String> affinities = new ArrayList<>();
                    for (JsonNode c : cpus) {
                        String a = HostCpus.affinity(vm.pid(), c.path("thread-id").asLong());
                        assertThat(a).matches("\\d+");
                        affinities.add(a);
                    }
                    assertThat(affinities).doesNotHaveDuplicates();
                    assertThat(list(facts.get("vcpu_threads"))).extracting(m -> m.get("affinity")).containsExactlyElementsOf(affinities);
                }
                assertThat(facts.get("qemu_command")).asString().contains("-cpu " + (vm.emulated() ? "max" : "host"))
                        .contains("sockets=1,cores=" + vcpus);
                if (hugepagesExpected) {
                    assertThat(facts.get("hugepages")).asString().contains("hugetlb");
                    assertThat(facts.get("qemu_command")).asString().contains("hugetlb=on,hugetlbsize=2M");
                } else {
                    assertThat(facts.get("hugepages")).asString().contains("no hugepages")
                            .contains("the host has " + freeHugepages + " free 2 MiB pages");
                    assertThat(facts.get("qemu_command")).asString().doesNotContain("hugetlb");
                }

                // qcow2: the root disk is an overlay of the cached raw image, the data disk a qcow2 of its own
                assertThat(blockFormat(facts, "root")).isEqualTo("qcow2");
                assertThat(block(facts, "root").get("backing_format")).isEqualTo("raw");
                assertThat(blockFormat(facts, "data")).isEqualTo("qcow2");

                // tap: the endpoint is the guest's own address on the run's bridge, and packets flow:
                // the guest's kernel refuses a port nothing listens on (a RST came back over the tap)
                Endpoint ep = vm.endpoint(vm.serverPorts().get(0), Transport.TCP);
                assertThat(ep.host()).isEqualTo(facts.get("guest_address")).startsWith(TapNetwork.PREFIX + ".");
                assertThat(ep.port()).isEqualTo(vm.serverPorts().get(0));
                assertThat(TapNetwork.exists((String) facts.get("tap"))).isTrue();
                assertThat(TapNetwork.exists((String) facts.get("bridge"))).isTrue();
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(ep.host(), ep.port()), 20_000);
                    }
                }).isInstanceOf(ConnectException.class).hasMessageContaining("refused");
                assertThat(Files.readString(Path.of((String) facts.get("console_log"))))
                        .contains("network eth0 " + facts.get("guest_address") + "/30");
            } finally {
                vm.close();
            }
        }
        assertNothingLeft(runId, vm.pid(), facts);
    }

    /**
     * QEMU's microvm: the same kernel, initrd, root disk and agent boot with no PCI bus at all
     * (the guest counts none), every virtio device on virtio-mmio found through the machine's ACPI
     * tables, and the guest works: a workload on its data disk, a network to the host, a clean
     * power-off.
     */
    @Test
    void aMicrovmBootsWithoutAPciBusAndRunsAWorkload() throws Exception {
        VmEnvironment env = env(InitScript.PATH);
        String network = VmSettings.tapAllowed() ? "tap" : "user";
        Variant v = Variant.resolve(env, Map.of("image", "small", "machine", "microvm", "disk", "qcow2", "memory", "1G",
                "network", network), "test");
        assertThat(v.label()).contains("machine=microvm");
        String runId = "it-microvm-" + ProcessHandle.current().pid();
        VmInstance vm;
        Map<String, Object> facts;
        try (Cleanup cleanup = new Cleanup()) {
            vm = (VmInstance) env.start(v, ctx(runId, cleanup, Duration.ofSeconds(240)));
            try {
                facts = vm.facts();
                assertThat(vm.insideFacts().get("kernel")).isEqualTo(guestKernel.release()).isNotEqualTo(HOST_KERNEL);
                assertThat(vm.insideFacts().get("init_comm")).isEqualTo("isobench-init");
                assertThat(facts.get("machine")).isEqualTo("microvm,acpi=on");
                assertThat(facts.get("qemu_command")).asString().contains("-machine microvm,acpi=on").doesNotContain("-pci")
                        .contains("virtio-blk-device").contains("virtio-net-device").contains("virtio-serial-device");
                // from inside: no PCI device, and the root and data disks, the network and the agent's port on virtio-mmio
                assertThat(devices(facts)).containsEntry("pci", 0).containsEntry("virtio_pci", 0);
                assertThat(devices(facts).get("virtio_mmio")).isGreaterThanOrEqualTo(4);
                String console = Files.readString(Path.of((String) facts.get("console_log")));
                assertThat(console).contains("data disk /dev/vdb on " + InitScript.DATA_MOUNT);
                assertThat(blockFormat(facts, "root")).isEqualTo("qcow2");
                // under TCG the microvm has no HPET or ACPI PM timer: told the host's TSC rate it keeps the TSC as its clock,
                // else its time would come in 4 ms jiffies (or its boot stop where the PIT calibration failed)
                if (facts.get("accel").equals("tcg") && HostTsc.read().known()) {
                    assertThat(facts.get("qemu_command")).asString().contains("tsc_early_khz=" + HostTsc.read().khz()).contains("tsc=reliable");
                    assertThat(facts.get("guest_clocksource")).isIn("tsc", "tsc-early");
                    assertThat(facts.get("guest_tsc")).asString().contains("kHz");
                }

                WorkloadResult r = run(vm, "hash", Map.of("size", 1L << 20, "threads", 1, "passes", 1, "algorithm", "SHA-256"));
                assertThat(r.measurements()).isNotEmpty().allSatisfy(m -> assertThat(m.value()).isPositive());
                if (network.equals("tap")) {
                    // packets reach the guest's kernel over virtio-mmio: it refuses a port nothing listens on
                    Endpoint ep = vm.endpoint(vm.serverPorts().get(0), Transport.TCP);
                    assertThatThrownBy(() -> {
                        try (Socket sock = new Socket()) {
                            sock.connect(new InetSocketAddress(ep.host(), ep.port()), 20_000);
                        }
                    }).isInstanceOf(ConnectException.class).hasMessageContaining("refused");
                }
                assertThat(vm.hostMemoryBytes()).isPositive();
            } finally {
                vm.close();
            }
            assertThat(cleanup.pending()).isZero();
        }
        assertNothingLeft(runId, vm.pid(), facts);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> devices(Map<String, Object> facts) {
        assertThat(facts).containsKey("guest_devices");
        return (Map<String, Integer>) facts.get("guest_devices");
    }

    @Test
    void aGuestThatCannotBootFailsWithItsConsoleTail() throws Exception {
        VmEnvironment env = env("/sbin/no-such-init");
        Variant v = Variant.resolve(env, Map.of("image", "small", "memory", "512M", "vcpus", "1"), "test");
        String runId = "it-noboot-" + ProcessHandle.current().pid();
        long t0 = System.nanoTime();
        try (Cleanup cleanup = new Cleanup()) {
            assertThatThrownBy(() -> env.start(v, ctx(runId, cleanup, Duration.ofSeconds(120))))
                    .isInstanceOf(AgentException.class)
                    .hasMessageContaining("hello")
                    .hasMessageContaining("guest console")
                    .hasMessageContaining("no-such-init");
            assertThat(cleanup.pending()).isZero();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(150));
        assertNothingLeft(runId, -1, Map.of());
    }

    @Test
    void aGuestSlowerThanItsBootTimeoutIsStoppedAtTheTimeout() throws Exception {
        VmEnvironment env = env(InitScript.PATH);
        Variant v = Variant.resolve(env, Map.of("image", "small", "memory", "512M", "vcpus", "1"), "test");
        String runId = "it-timeout-" + ProcessHandle.current().pid();
        long t0 = System.nanoTime();
        try (Cleanup cleanup = new Cleanup()) {
            assertThatThrownBy(() -> env.start(v, ctx(runId, cleanup, Duration.ofSeconds(2))))
                    .isInstanceOf(AgentException.class)
                    .hasMessageContaining("within 2 s")
                    .hasMessageContaining("guest console");
            assertThat(cleanup.pending()).isZero();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
        assertNothingLeft(runId, -1, Map.of());
    }

    private static WorkloadResult run(EnvironmentInstance vm, String workload, Map<String, Object> params) throws Exception {
        return vm.agent().call(new Protocol.Run(workload, params, null), Duration.ofMinutes(3));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    private static Map<String, Object> block(Map<String, Object> facts, String device) {
        return list(facts.get("block")).stream().filter(b -> device.equals(b.get("device"))).findFirst()
                .orElseThrow(() -> new AssertionError("no block device " + device + " in " + facts.get("block")));
    }

    private static String blockFormat(Map<String, Object> facts, String device) {
        return (String) block(facts, device).get("format");
    }

    /** No QEMU of this run, no instance folder, no tap device or bridge. */
    static void assertNothingLeft(String runId, long qemuPid, Map<String, Object> facts) throws IOException, InterruptedException {
        if (qemuPid > 0) {
            assertThat(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false)).as("QEMU " + qemuPid + " still running")
                    .isFalse();
        }
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("isobench-" + runId + "-")))
                .as("processes of run " + runId).isEmpty();
        try (Stream<Path> s = Files.list(Path.of("/var/tmp"))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("isobench-" + runId + "-"))).as("folders of run " + runId)
                    .isEmpty();
        }
        for (String dev : new String[] {(String) facts.get("tap"), (String) facts.get("bridge")}) {
            if (dev != null) {
                assertThat(TapNetwork.exists(dev)).as(dev + " still exists").isFalse();
            }
        }
    }
}
