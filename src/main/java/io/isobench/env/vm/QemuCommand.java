package io.isobench.env.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The QEMU command line of one VM, from its settings: a pure function, so what each variant
 * changes can be read (and tested) without booting anything.
 *
 * <p>Untuned leaves CPU model, topology and memory to QEMU's defaults (qemu64, {@code -smp N}).
 * Tuned gives the host's CPU model ({@code -cpu host} under KVM; TCG cannot, so {@code -cpu max})
 * and a matching topology, and backs memory with hugepages when {@code hugepages} says so; the
 * vCPU threads are pinned after start, through the thread ids QMP reports.
 */
final class QemuCommand {

    static final String QEMU = "qemu-system-x86_64";

    /** Where everything of one instance lives. */
    record Paths(Path kernel, Path initrd, Path rootDisk, Path dataDisk, Path qmpSocket, Path agentSocket, Path console) {
    }

    /**
     * How the guest is networked.
     *
     * @param forwards for user networking: host port to inside port, each forwarded for TCP and UDP on 127.0.0.1
     * @param tap      for tap networking: the device; null for user networking
     * @param mac      the guest's MAC address
     */
    record Net(Map<Integer, Integer> forwards, TapNetwork tap, String mac) {

        /** The guest's address and gateway, for the kernel command line. */
        String guestConfig() {
            return tap == null ? "10.0.2.15/24,10.0.2.2" : tap.guestIp() + "/30," + tap.hostIp();
        }
    }

    private QemuCommand() {
    }

    /**
     * @param accel     KVM or TCG (resolved, never AUTO)
     * @param hugepages true to back memory with 2 MiB hugepages (tuned only, when the host has enough free)
     * @param name      the VM's name (shows in ps and in QEMU's thread names)
     */
    static List<String> build(VmSettings s, VmSettings.Accel accel, boolean hugepages, String name, Paths p, Net net) {
        return build(s, accel, hugepages, name, p, net, InitScript.PATH, 0, new HostTsc(0, "not given"));
    }

    /**
     * As above, with the guest's init program given (tests boot a guest that cannot start) and the
     * agent's maximum heap in MiB (0: the JVM's default), which the init reads from the kernel's
     * command line: the init, and so the cached root disk, stays the same whatever the heap. And the
     * host's TSC rate, which a microVM under TCG needs ({@link #timerArgs}).
     */
    static List<String> build(VmSettings s, VmSettings.Accel accel, boolean hugepages, String name, Paths p, Net net, String init, long heapMib,
                              HostTsc tsc) {
        List<String> c = new ArrayList<>();
        c.add(QEMU);
        c.addAll(List.of("-name", "guest=" + name + ",debug-threads=on"));
        // TCG on one host thread for all vCPUs. With one thread per vCPU (MTTCG) QEMU translates guest code while
        // another vCPU may be writing it, and the agent's JIT patches its code while it runs (C1's patching stubs,
        // call sites): guests' JVMs died in C1-compiled code with SIGILL (ILL_ILLOPN) and SIGSEGV at address 0, 2 of
        // 5 boots in a loop here. One thread runs vCPUs in turn, so a translation never sees half-written code.
        c.addAll(List.of("-machine", machine(s), "-accel", accel == VmSettings.Accel.TCG ? "tcg,thread=single" : accel.lower()));
        if (s.tuned()) {
            c.addAll(List.of("-cpu", accel == VmSettings.Accel.KVM ? "host" : "max"));
            c.addAll(List.of("-smp", s.vcpus() + ",sockets=1,cores=" + s.vcpus() + ",threads=1"));
        } else {
            c.addAll(List.of("-smp", String.valueOf(s.vcpus())));
        }
        long mib = s.memoryBytes() >> 20;
        c.addAll(List.of("-m", mib + "M"));
        if (s.tuned() && hugepages) {
            c.addAll(List.of("-object", "memory-backend-memfd,id=mem0,size=" + mib + "M,hugetlb=on,hugetlbsize=2M,prealloc=on",
                    "-machine", "memory-backend=mem0"));
        }
        c.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"));
        c.addAll(List.of("-kernel", p.kernel().toString(), "-initrd", p.initrd().toString()));
        c.addAll(List.of("-append", kernelArgs(net, init) + timerArgs(s, accel, tsc)
                + (heapMib > 0 ? " " + InitScript.HEAP_ARG + "=" + heapMib + "m" : "")));
        c.addAll(drive("root", p.rootDisk(), s, null));
        if (p.dataDisk() != null) {
            c.addAll(drive("data", p.dataDisk(), s, InitScript.DATA_SERIAL));
        }
        if (net.tap() == null) {
            StringJoiner user = new StringJoiner(",");
            user.add("user").add("id=net0");
            net.forwards().forEach((host, inside) -> {
                user.add("hostfwd=tcp:127.0.0.1:" + host + "-:" + inside);
                user.add("hostfwd=udp:127.0.0.1:" + host + "-:" + inside);
            });
            c.addAll(List.of("-netdev", user.toString()));
        } else {
            // vhost-net moves the data path into the host kernel; it needs KVM's irqfd/ioeventfd
            c.addAll(List.of("-netdev", "tap,id=net0,ifname=" + net.tap().tap() + ",script=no,downscript=no"
                    + (accel == VmSettings.Accel.KVM ? ",vhost=on" : "")));
        }
        c.addAll(List.of("-device", virtio(s, "virtio-net") + ",netdev=net0,mac=" + net.mac()));
        c.addAll(List.of("-device", virtio(s, "virtio-serial") + ",id=vser0",
                "-chardev", "socket,id=agent,path=" + p.agentSocket() + ",server=on,wait=off",
                "-device", "virtserialport,bus=vser0.0,chardev=agent,name=" + InitScript.PORT_NAME));
        c.addAll(List.of("-serial", "file:" + p.console()));
        c.addAll(List.of("-qmp", "unix:" + p.qmpSocket() + ",server=on,wait=off"));
        // QMP serves one client (isobench); a human monitor beside it lets an operator (or a test) look into a
        // running guest, e.g. "sendkey alt-sysrq-t" to have the guest kernel list its tasks on the console
        c.addAll(List.of("-chardev", "socket,id=hmp,path=" + monitorSocket(p) + ",server=on,wait=off", "-mon", "chardev=hmp,mode=readline"));
        return c;
    }

    /** The human monitor's socket, beside QMP's in the instance's folder. */
    static Path monitorSocket(Paths p) {
        return p.qmpSocket().resolveSibling("monitor.sock");
    }

    /**
     * The guest kernel's command line: serial console, root disk, our init, network configuration.
     * Every magic SysRq function is enabled: they are reached only through the human monitor's
     * keyboard ({@link #monitorSocket}), where killing or listing the guest's tasks is what an
     * operator looking into a stuck guest wants. {@code no_timer_check}: the kernel's boot-time
     * check that the IO-APIC timer ticks counts ticks in a busy loop; under TCG on a busy host the
     * vCPU falls behind and the check panics the guest ("IO-APIC + timer doesn't work!"), as a
     * boot in a loop here showed. Guests of cloud images skip it for the same reason.
     */
    static String kernelArgs(Net net, String init) {
        return "console=ttyS0 root=/dev/vda rw init=" + init + " panic=-1 net.ifnames=0 no_timer_check sysrq_always_enabled isobench.net="
                + net.guestConfig();
    }

    /**
     * What a guest kernel is told about its clock under TCG ("" otherwise), the same for every
     * machine so that pc, q35 and microvm keep the same clock source and differ in the machine
     * alone. The microvm machine has no HPET and no ACPI PM timer, so a kernel whose PIT
     * calibration fails (a busy host) has nothing else to calibrate its TSC against and stops
     * booting ({@link HostTsc}). Under TCG the guest's TSC is the host's counter, so its rate is the
     * host's ({@code tsc_early_khz}), and it is one counter for every vCPU, monotonic, ticking at a
     * constant rate (the host's constant_tsc and nonstop_tsc, which {@link HostTsc} requires):
     * {@code tsc=reliable} skips the boot-time synchronization check and the watchdog, which a TSC
     * read by vCPUs that run in turn fails, so the guest keeps the TSC as its clock. Without it the
     * pc machine fell back to its HPET (an emulated device, each read a trip into QEMU) while the
     * microvm kept the TSC, and their comparison mixed the machine with the clock. Under KVM every
     * machine has kvm-clock; where the host's rate is unknown nothing is told.
     */
    static String timerArgs(VmSettings s, VmSettings.Accel accel, HostTsc tsc) {
        return accel == VmSettings.Accel.TCG && tsc.known() ? " tsc_early_khz=" + tsc.khz() + " tsc=reliable" : "";
    }

    private static List<String> drive(String id, Path file, VmSettings s, String serial) {
        String format = file.getFileName().toString().endsWith(".qcow2") ? "qcow2" : "raw";
        return List.of("-drive", "file=" + file + ",if=none,id=" + id + ",format=" + format + ",cache=" + s.cache().lower() + ",aio=" + s.aio().lower(),
                "-device", virtio(s, "virtio-blk") + ",drive=" + id + (serial == null ? "" : ",serial=" + serial));
    }

    /**
     * QEMU's machine option. pc and q35 are PCI machines with QEMU's SeaBIOS; microvm has no PCI
     * bus, no ACPI hardware beyond a generic event device, and minimal firmware (qboot), and boots
     * the kernel directly. Its virtio-mmio devices must be described to the guest: Debian's cloud
     * kernel cannot take them from its command line (CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES is off),
     * so they come from the machine's ACPI tables ({@code acpi=on}: the virtio_mmio driver matches
     * their LNRO0005 entries; the same tables power the guest off). Its legacy PIT, PIC and RTC
     * stay: under TCG the guest kernel calibrates its TSC against the PIT (without it, boot stops
     * at "Unable to calibrate against PIT"), and where that calibration fails it is given the rate
     * ({@link #timerArgs}).
     */
    static String machine(VmSettings s) {
        return s.microvm() ? "microvm,acpi=on" : s.machine().lower();
    }

    /** A virtio device of the machine's transport: PCI on pc and q35, MMIO on microvm ({@code virtio-blk-device}). */
    static String virtio(VmSettings s, String device) {
        return device + (s.microvm() ? "-device" : "-pci");
    }

    /** The QEMU binary on PATH (for messages and the probe's cache key). */
    static Path binary() {
        String path = System.getenv("PATH");
        for (String d : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            Path q = Path.of(d, QEMU);
            if (Files.isExecutable(q)) {
                return q;
            }
        }
        return Path.of("/usr/bin", QEMU);
    }

    /** The command line as one string a shell would accept. */
    static String quoted(List<String> cmd) {
        StringJoiner j = new StringJoiner(" ");
        for (String a : cmd) {
            j.add(a.matches("[A-Za-z0-9_./,:=@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return j.toString();
    }
}
