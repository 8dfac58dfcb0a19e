package io.isobench.env.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.env.Variant;
import io.isobench.image.ImageCache;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each setting changes on QEMU's command line. */
class QemuCommandTest {

    private static final VmEnvironment ENV = new VmEnvironment(new ImageCache(Path.of("/nonexistent")), Path.of("/var/tmp"), m -> {
    }, InitScript.PATH);
    private static final QemuCommand.Paths PATHS = new QemuCommand.Paths(Path.of("/k"), Path.of("/i"), Path.of("/d/root.qcow2"),
            Path.of("/d/data.qcow2"), Path.of("/d/qmp.sock"), Path.of("/d/agent.sock"), Path.of("/l/console.log"));

    private static VmSettings settings(Map<String, String> given) {
        return VmSettings.of(Variant.resolve(ENV, given, "test"));
    }

    private static QemuCommand.Net user() {
        Map<Integer, Integer> fw = new LinkedHashMap<>();
        fw.put(40001, 7101);
        fw.put(40002, 7102);
        return new QemuCommand.Net(fw, null, "52:54:00:00:00:01");
    }

    private static String line(List<String> cmd) {
        return String.join(" ", cmd);
    }

    @Test
    void untunedLeavesCpuModelTopologyAndMemoryToQemu() {
        List<String> c = QemuCommand.build(settings(Map.of("vcpus", "3", "memory", "1G")), VmSettings.Accel.TCG, true, "vm1", PATHS, user());
        assertThat(c.get(0)).isEqualTo("qemu-system-x86_64");
        assertThat(c).doesNotContain("-cpu");
        assertThat(line(c)).contains("-smp 3 ").contains("-m 1024M").doesNotContain("memory-backend").contains("-accel tcg,thread=single");
    }

    @Test
    void tunedGivesTheHostCpuModelUnderKvmAndMaxUnderTcgWithMatchingTopology() {
        VmSettings tuned = settings(Map.of("tuning", "tuned", "vcpus", "2"));
        String kvm = line(QemuCommand.build(tuned, VmSettings.Accel.KVM, false, "vm1", PATHS, user()));
        String tcg = line(QemuCommand.build(tuned, VmSettings.Accel.TCG, false, "vm1", PATHS, user()));
        assertThat(kvm).contains("-cpu host").contains("-smp 2,sockets=1,cores=2,threads=1").contains("-accel kvm");
        assertThat(tcg).contains("-cpu max").contains("-smp 2,sockets=1,cores=2,threads=1");
        assertThat(kvm).doesNotContain("memory-backend");
        assertThat(line(QemuCommand.build(tuned, VmSettings.Accel.KVM, true, "vm1", PATHS, user())))
                .contains("-object memory-backend-memfd,id=mem0,size=2048M,hugetlb=on,hugetlbsize=2M,prealloc=on")
                .contains("-machine memory-backend=mem0");
    }

    @Test
    void bothDisksGetTheVariantsFormatCacheAndAio() {
        List<String> c = QemuCommand.build(settings(Map.of("cache", "writeback", "aio", "threads")), VmSettings.Accel.TCG, false, "vm1", PATHS, user());
        assertThat(c).contains("file=/d/root.qcow2,if=none,id=root,format=qcow2,cache=writeback,aio=threads",
                "file=/d/data.qcow2,if=none,id=data,format=qcow2,cache=writeback,aio=threads",
                "virtio-blk-pci,drive=data,serial=" + InitScript.DATA_SERIAL);
        QemuCommand.Paths raw = new QemuCommand.Paths(PATHS.kernel(), PATHS.initrd(), Path.of("/d/root.raw"), Path.of("/d/data.raw"),
                PATHS.qmpSocket(), PATHS.agentSocket(), PATHS.console());
        assertThat(line(QemuCommand.build(settings(Map.of()), VmSettings.Accel.TCG, false, "vm1", raw, user())))
                .contains("file=/d/data.raw,if=none,id=data,format=raw,cache=none,aio=native");
    }

    @Test
    void userNetworkingForwardsEveryServerPortForTcpAndUdpOnLoopbackOnly() {
        List<String> c = QemuCommand.build(settings(Map.of()), VmSettings.Accel.TCG, false, "vm1", PATHS, user());
        String netdev = c.get(c.indexOf("-netdev") + 1);
        assertThat(netdev).startsWith("user,id=net0,")
                .contains("hostfwd=tcp:127.0.0.1:40001-:7101", "hostfwd=udp:127.0.0.1:40001-:7101", "hostfwd=tcp:127.0.0.1:40002-:7102");
        assertThat(netdev.split("hostfwd=")).hasSize(5);
        assertThat(QemuCommand.kernelArgs(user(), InitScript.PATH)).contains("isobench.net=10.0.2.15/24,10.0.2.2");
    }

    @Test
    void tapNetworkingUsesTheRunsDeviceAndVhostOnlyUnderKvm() {
        TapNetwork tap = new TapNetwork("isb-abcdef", "isb-abcdeft", "10.213.4.1", "10.213.4.2");
        QemuCommand.Net net = new QemuCommand.Net(Map.of(), tap, "52:54:00:00:00:02");
        String kvm = line(QemuCommand.build(settings(Map.of("network", "tap")), VmSettings.Accel.KVM, false, "vm1", PATHS, net));
        String tcg = line(QemuCommand.build(settings(Map.of("network", "tap")), VmSettings.Accel.TCG, false, "vm1", PATHS, net));
        assertThat(kvm).contains("tap,id=net0,ifname=isb-abcdeft,script=no,downscript=no,vhost=on").doesNotContain("hostfwd");
        assertThat(tcg).contains("tap,id=net0,ifname=isb-abcdeft,script=no,downscript=no").doesNotContain("vhost");
        assertThat(QemuCommand.kernelArgs(net, InitScript.PATH)).contains("isobench.net=10.213.4.2/30,10.213.4.1");
    }

    @Test
    void theAgentPortConsoleAndMonitorAreWiredToTheInstanceFolder() {
        String c = line(QemuCommand.build(settings(Map.of()), VmSettings.Accel.TCG, false, "vm1", PATHS, user()));
        assertThat(c).contains("-chardev socket,id=agent,path=/d/agent.sock,server=on,wait=off")
                .contains("virtserialport,bus=vser0.0,chardev=agent,name=" + InitScript.PORT_NAME)
                .contains("-serial file:/l/console.log").contains("-qmp unix:/d/qmp.sock,server=on,wait=off")
                .contains("-no-reboot").contains("init=" + InitScript.PATH).contains("panic=-1")
                // an operator's monitor beside QMP, with SysRq enabled in the guest; no timer check to panic a slow TCG boot
                .contains("-chardev socket,id=hmp,path=/d/monitor.sock,server=on,wait=off -mon chardev=hmp,mode=readline")
                .contains("sysrq_always_enabled").contains("no_timer_check");
    }

    @Test
    void theMachineTypeChoosesTheBusOfEveryVirtioDevice() {
        for (String pci : List.of("pc", "q35")) {
            List<String> c = QemuCommand.build(settings(Map.of("machine", pci)), VmSettings.Accel.TCG, false, "vm1", PATHS, user());
            assertThat(c.get(c.indexOf("-machine") + 1)).isEqualTo(pci);
            assertThat(line(c)).contains("virtio-blk-pci,drive=root", "virtio-blk-pci,drive=data", "virtio-net-pci,netdev=net0",
                    "virtio-serial-pci,id=vser0").doesNotContain("-device,");
        }
        VmSettings micro = settings(Map.of("machine", "microvm"));
        assertThat(micro.microvm()).isTrue();
        List<String> c = QemuCommand.build(micro, VmSettings.Accel.TCG, false, "vm1", PATHS, user());
        // no PCI: every virtio device on virtio-mmio, described to the guest by the machine's ACPI tables
        assertThat(c.get(c.indexOf("-machine") + 1)).isEqualTo("microvm,acpi=on");
        assertThat(line(c)).doesNotContain("-pci")
                .contains("virtio-blk-device,drive=root", "virtio-blk-device,drive=data,serial=" + InitScript.DATA_SERIAL,
                        "virtio-net-device,netdev=net0", "virtio-serial-device,id=vser0",
                        "virtserialport,bus=vser0.0,chardev=agent,name=" + InitScript.PORT_NAME)
                // the same kernel, root disk, init and console as every other machine
                .contains("-kernel /k", "-initrd /i", "root=/dev/vda", "init=" + InitScript.PATH, "-serial file:/l/console.log",
                        "-accel tcg,thread=single");
        // hugepages stay a memory backend on any machine
        assertThat(line(QemuCommand.build(settings(Map.of("machine", "microvm", "tuning", "tuned")), VmSettings.Accel.KVM, true, "vm1", PATHS, user())))
                .contains("-machine microvm,acpi=on").contains("-machine memory-backend=mem0");
        assertThat(Variant.resolve(ENV, Map.of("machine", "microvm"), "test").label()).isEqualTo("vm[machine=microvm]");
        assertThat(Variant.resolve(ENV, Map.of(), "test").label()).isEqualTo("vm");
    }

    @Test
    void theGuestLoadsBothVirtioTransportsAndCountsItsBuses() {
        assertThat(InitScript.MODULES).contains("virtio_pci", "virtio_mmio");
        String init = InitScript.text(List.of("/opt/java", "-jar", "x.jar", "agent"), Map.of());
        assertThat(init).contains("modprobe").contains("/sys/bus/pci/devices").contains("/sys/bus/virtio/devices")
                .contains(InitScript.DEVICES + " pci=$PCI virtio-pci=$VPCI virtio-mmio=$VMMIO");
    }

    @Test
    void theBusesTheGuestCountedAreReadBackFromItsConsole(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path console = dir.resolve("console.log");
        java.nio.file.Files.write(console, ("[    1.4] Run /init as init process\n\u00ff\u00fe\n"
                + InitScript.LOG_PREFIX + InitScript.DEVICES + " pci=0 virtio-pci=0 virtio-mmio=4\n"
                + InitScript.LOG_PREFIX + "agent started (pid 153)\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(VmEnvironment.guestDevices(console)).containsExactly(Map.entry("pci", 0), Map.entry("virtio_pci", 0),
                Map.entry("virtio_mmio", 4));
        java.nio.file.Files.writeString(console, "nothing of the init yet\n");
        assertThat(VmEnvironment.guestDevices(console)).isNull();
    }

    @Test
    void everyMachineUnderTcgIsToldTheHostsTscRateAlike() {
        HostTsc known = new HostTsc(2_096_000, "test");
        HostTsc unknown = new HostTsc(0, "unknown: test");
        VmSettings micro = settings(Map.of("machine", "microvm"));
        String tcg = line(QemuCommand.build(micro, VmSettings.Accel.TCG, false, "vm1", PATHS, user(), InitScript.PATH, 512, known));
        // on the kernel's command line, before the heap the init reads
        assertThat(tcg).contains("no_timer_check sysrq_always_enabled isobench.net=10.0.2.15/24,10.0.2.2 tsc_early_khz=2096000 tsc=reliable "
                + InitScript.HEAP_ARG + "=512m");
        // a rate the host cannot tell is not guessed
        assertThat(line(QemuCommand.build(micro, VmSettings.Accel.TCG, false, "vm1", PATHS, user(), InitScript.PATH, 0, unknown))).doesNotContain("tsc");
        // KVM gives every machine kvm-clock: nothing to tell it
        assertThat(line(QemuCommand.build(micro, VmSettings.Accel.KVM, false, "vm1", PATHS, user(), InitScript.PATH, 0, known))).doesNotContain("tsc");
        // the PCI machines are told the same, so a comparison of machines does not compare clock sources too
        for (String pci : List.of("pc", "q35")) {
            assertThat(QemuCommand.timerArgs(settings(Map.of("machine", pci)), VmSettings.Accel.TCG, known))
                    .isEqualTo(QemuCommand.timerArgs(micro, VmSettings.Accel.TCG, known));
            assertThat(QemuCommand.timerArgs(settings(Map.of("machine", pci)), VmSettings.Accel.KVM, known)).isEmpty();
        }
    }

    @Test
    void theHostsTscRateIsReadOnlyWhereCpuinfoGivesTheKernelsCalibratedFigure() {
        String flags = "flags\t\t: fpu tsc msr constant_tsc rep_good nopl tsc_reliable nonstop_tsc cpuid tsc_known_freq hypervisor\n";
        String cpu0 = "processor\t: 0\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2095.999\n" + flags + "\n";
        String cpu1 = "processor\t: 1\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 1400.000\n" + flags + "\n";
        HostTsc tsc = HostTsc.parse(cpu0 + cpu1, false);
        assertThat(tsc.known()).isTrue();
        assertThat(tsc.khz()).isEqualTo(2_095_999); // the first CPU's figure, to the kHz
        assertThat(tsc.source()).contains("2095.999");
        // a cpufreq driver or APERF/MPERF make "cpu MHz" the core's current frequency, not the TSC's
        assertThat(HostTsc.parse(cpu0, true).known()).isFalse();
        assertThat(HostTsc.parse(cpu0.replace("cpuid", "cpuid aperfmperf"), false).source()).contains("current core frequency");
        // a TSC that changes rate with the core, or stops in idle, has no one rate to give
        assertThat(HostTsc.parse(cpu0.replace(" nonstop_tsc", ""), false).source()).contains("constant rate");
        assertThat(HostTsc.parse(cpu0.replace(" constant_tsc", ""), false).known()).isFalse();
        assertThat(HostTsc.parse("processor\t: 0\n", false).source()).contains("no flags or cpu MHz");
    }

    @Test
    void theGuestsClockSourceIsReadBackFromItsConsole(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThat(InitScript.text(List.of("/opt/java", "-jar", "x.jar", "agent"), Map.of()))
                .contains(InitScript.CLOCKSOURCE + " $($B cat /sys/devices/system/clocksource/clocksource0/current_clocksource");
        Path console = dir.resolve("console.log");
        java.nio.file.Files.writeString(console, "[    1.9] clocksource: Switched to clocksource tsc\n"
                + InitScript.LOG_PREFIX + InitScript.CLOCKSOURCE + " tsc\n");
        assertThat(VmEnvironment.consoleValue(console, InitScript.CLOCKSOURCE)).isEqualTo("tsc");
        java.nio.file.Files.writeString(console, InitScript.LOG_PREFIX + InitScript.CLOCKSOURCE + " \n");
        assertThat(VmEnvironment.consoleValue(console, InitScript.CLOCKSOURCE)).isNull();
    }

    @Test
    void quotingKeepsArgumentsWithSpacesTogether() {
        assertThat(QemuCommand.quoted(List.of("qemu", "-append", "console=ttyS0 root=/dev/vda", "it's")))
                .isEqualTo("qemu -append 'console=ttyS0 root=/dev/vda' 'it'\\''s'");
    }
}
