package io.isobench.env.vm;

import io.isobench.BadInputException;
import io.isobench.env.Variant;
import io.isobench.image.Flavor;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamType;
import java.util.List;
import java.util.Locale;

/**
 * The settings of a vm variant, typed: what users choose (see {@link #SPECS}) and the checks that
 * a combination can run, made before anything starts.
 *
 * @param accel       auto (kvm when the probe boot passes, else tcg), kvm or tcg
 * @param disk        raw or qcow2, for the root overlay and the data disk
 * @param cache       QEMU's cache mode of both disks
 * @param aio         QEMU's asynchronous I/O engine of both disks
 * @param network     user (slirp with forwards on 127.0.0.1) or tap (a tap device on a bridge of the run)
 * @param tuned       host CPU model and topology, pinned vCPUs, hugepage-backed memory; else QEMU's defaults
 * @param vcpus       virtual CPUs
 * @param memoryBytes guest memory
 * @param image       the guest image: full (Debian) or small (busybox)
 * @param dataBytes   size of the data disk (sparse: only what is written takes space)
 * @param machine     QEMU's machine type: pc (i440FX, PCI), q35 (PCIe) or microvm (virtio-mmio, no PCI)
 */
record VmSettings(Accel accel, String disk, String cache, String aio, Network network, boolean tuned, int vcpus,
                  long memoryBytes, Flavor image, long dataBytes, String machine) {

    /** The accelerator a variant asks for; a VM runs under {@link #KVM} or {@link #TCG}, never {@link #AUTO}. */
    enum Accel {
        /** KVM when the bounded probe boot passes, else TCG. */
        AUTO,
        /** Hardware virtualization. */
        KVM,
        /** QEMU's emulation: every output says EMULATED. */
        TCG;

        /** As users write it and the facts say it. */
        String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How the guest's network reaches the host. */
    enum Network {
        /** QEMU's slirp, a userland TCP/IP stack, with forwards on 127.0.0.1. */
        USER,
        /** A tap device on a bridge the run creates and removes (vhost-net under KVM). */
        TAP;

        /** As users write it and the facts say it. */
        String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String ACCEL = "accel";
    static final String DISK = "disk";
    static final String CACHE = "cache";
    static final String AIO = "aio";
    static final String NETWORK = "network";
    static final String TUNING = "tuning";
    static final String VCPUS = "vcpus";
    static final String MEMORY = "memory";
    static final String IMAGE = "image";
    static final String DATA_SIZE = "data_size";
    static final String MACHINE = "machine";
    /** QEMU's minimal machine: the Firecracker class of VM that QEMU offers. */
    static final String MICROVM = "microvm";

    /** The environment's settings, with their choices and defaults (the study's disk configuration). */
    static final List<ParamSpec> SPECS = List.of(
            ParamSpec.of(ACCEL, ParamType.CHOICE, "accelerator: kvm, tcg (emulation, labelled EMULATED everywhere), "
                    + "or auto = kvm when a bounded probe boot passes, else tcg").choices(lower(Accel.values())).defaultValue(Accel.AUTO.lower()).build(),
            ParamSpec.of(TUNING, ParamType.CHOICE, "untuned: QEMU's default CPU model (qemu64), no pinning; tuned: host CPU model and "
                    + "topology, each vCPU pinned to its own host CPU (under KVM; TCG runs every vCPU on one host thread), memory on "
                    + "hugepages when the host has free ones")
                    .choices("untuned", "tuned").defaultValue("untuned").build(),
            ParamSpec.of(DISK, ParamType.CHOICE, "format of the root overlay and the data disk (virtio-blk)")
                    .choices("raw", "qcow2").defaultValue("raw").build(),
            ParamSpec.of(CACHE, ParamType.CHOICE, "QEMU cache mode of the disks (the study used none)")
                    .choices("none", "writeback", "writethrough", "directsync", "unsafe").defaultValue("none").build(),
            ParamSpec.of(AIO, ParamType.CHOICE, "QEMU asynchronous I/O engine of the disks (the study used native; native needs "
                    + "cache=none or directsync)").choices("native", "threads", "io_uring").defaultValue("native").build(),
            ParamSpec.of(NETWORK, ParamType.CHOICE, "tap: a tap device on a bridge the run creates and removes (vhost-net under kvm; "
                    + "the study's network), needs root; user: QEMU's slirp, a userland TCP/IP stack, with forwards on 127.0.0.1")
                    .choices(lower(Network.values())).defaultFrom(h -> (tapAllowed() ? Network.TAP : Network.USER).lower(),
                            "tap where the host allows it (root, /dev/net/tun, ip), else user").build(),
            ParamSpec.of(MACHINE, ParamType.CHOICE, "QEMU machine type: pc = i440FX with PCI devices (QEMU's default), q35 = "
                    + "PCIe chipset, microvm = QEMU's minimal machine (virtio-mmio devices described by ACPI, no PCI bus, minimal "
                    + "firmware, direct kernel boot; the Firecracker class of VM); the same kernel, root disk, agent and workloads")
                    .choices("pc", "q35", MICROVM).defaultValue("pc").build(),
            ParamSpec.of(VCPUS, ParamType.INT, "virtual CPUs").range(1, 64).defaultValue(2).build(),
            ParamSpec.of(MEMORY, ParamType.SIZE, "guest memory").range(256L << 20, 1L << 40).unit("bytes").defaultValue(2L << 30).build(),
            ParamSpec.of(IMAGE, ParamType.CHOICE, "guest image: full (Debian with redis, mariadb, OpenBLAS: every workload) or "
                    + "small (busybox: JVM-only workloads, builds in seconds)").choices("full", "small").defaultValue("full").build(),
            ParamSpec.of(DATA_SIZE, ParamType.SIZE, "size of the data disk where workloads keep their files (sparse)")
                    .range(64L << 20, 1L << 42).unit("bytes").defaultValue(8L << 30).build());

    /**
     * Whether this host can give a VM a tap device on a bridge: root (creating devices needs it),
     * the tun device and iproute2. Decides the network default, so a VM reaches the study's path
     * wherever it can and falls back to slirp (network=user, named in the facts) elsewhere.
     */
    static boolean tapAllowed() {
        boolean root = false;
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    root = line.split("\\s+")[2].equals("0");
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
        return root && java.nio.file.Files.exists(java.nio.file.Path.of("/dev/net/tun"))
                && java.util.stream.Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")
                        .anyMatch(p -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(p)));
    }

    static VmSettings of(Variant v) {
        return new VmSettings(Accel.valueOf(v.setting(ACCEL).toUpperCase(Locale.ROOT)), v.setting(DISK), v.setting(CACHE), v.setting(AIO),
                Network.valueOf(v.setting(NETWORK).toUpperCase(Locale.ROOT)),
                v.setting(TUNING).equals("tuned"), Integer.parseInt(v.setting(VCPUS)), Long.parseLong(v.setting(MEMORY)),
                Flavor.valueOf(v.setting(IMAGE).toUpperCase(Locale.ROOT)), Long.parseLong(v.setting(DATA_SIZE)),
                v.setting(MACHINE) == null ? "pc" : v.setting(MACHINE));
    }

    /**
     * Checks the combination against QEMU's rules and this host.
     *
     * @param hostCpus   CPUs of this host (a tuned VM pins each vCPU to its own)
     * @param hostMemory bytes of memory of this host
     */
    void validate(int hostCpus, long hostMemory) {
        if (aio.equals("native") && !(cache.equals("none") || cache.equals("directsync"))) {
            throw new BadInputException("vm setting aio=native with cache=" + cache + ": QEMU's native AIO needs O_DIRECT, "
                    + "i.e. cache=none or cache=directsync; write cache=none (the study's choice) or aio=threads");
        }
        if (tuned && vcpus > hostCpus) {
            throw new BadInputException("vm setting vcpus=" + vcpus + " with tuning=tuned: tuned pins each vCPU to its own host CPU "
                    + "and this host has " + hostCpus + "; write vcpus=" + hostCpus + " or less, or tuning=untuned");
        }
        if (hostMemory > 0 && memoryBytes > hostMemory) {
            throw new BadInputException("vm setting memory=" + memoryBytes + " bytes is more than this host's " + hostMemory
                    + " bytes; write e.g. memory=" + Math.max(256, (hostMemory >> 20) / 2) + "M");
        }
    }

    /** The users' spelling of each constant, in declaration order (the settings' choices). */
    private static String[] lower(Enum<?>[] values) {
        return java.util.Arrays.stream(values).map(e -> e.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    /** Whether the machine has no PCI bus: its virtio devices sit on virtio-mmio. */
    boolean microvm() {
        return MICROVM.equals(machine);
    }
}
