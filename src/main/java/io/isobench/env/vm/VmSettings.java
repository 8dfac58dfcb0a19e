package io.isobench.env.vm;

import io.isobench.BadInputException;
import io.isobench.env.Variant;
import io.isobench.image.Flavor;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import java.util.List;

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
 *
 * <p>Every closed set of words is an enum, read from the variant through its key
 * ({@link Variant#get}): a word that is none of them is refused naming the setting and its words.
 */
record VmSettings(Accel accel, Disk disk, Cache cache, Aio aio, Network network, boolean tuned, int vcpus,
                  long memoryBytes, Flavor image, long dataBytes, Machine machine) {

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
            return ParamKey.word(this);
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
            return ParamKey.word(this);
        }
    }

    /** The format of the root overlay and the data disk. */
    enum Disk {
        RAW,
        QCOW2;

        /** As users, QEMU and qemu-img write it. */
        String lower() {
            return ParamKey.word(this);
        }
    }

    /** QEMU's cache mode of both disks. */
    enum Cache {
        NONE,
        WRITEBACK,
        WRITETHROUGH,
        DIRECTSYNC,
        UNSAFE;

        /** As users and QEMU write it. */
        String lower() {
            return ParamKey.word(this);
        }

        /** Whether QEMU opens the disks with O_DIRECT, as native AIO needs. */
        boolean direct() {
            return this == NONE || this == DIRECTSYNC;
        }
    }

    /** QEMU's asynchronous I/O engine of both disks. */
    enum Aio {
        NATIVE,
        THREADS,
        IO_URING;

        /** As users, QEMU and the facts write it. */
        String lower() {
            return ParamKey.word(this);
        }
    }

    /** QEMU's machine type. */
    enum Machine {
        /** i440FX with PCI devices (QEMU's default). */
        PC,
        /** The PCIe chipset. */
        Q35,
        /** QEMU's minimal machine: virtio-mmio, no PCI; the Firecracker class of VM that QEMU offers. */
        MICROVM;

        /** As users and QEMU write it. */
        String lower() {
            return ParamKey.word(this);
        }
    }

    /** Whether the VM is tuned (host CPU model, pinned vCPUs, hugepages) or runs QEMU's defaults. */
    enum Tuning {
        UNTUNED,
        TUNED
    }

    static final ParamKey<Accel> ACCEL = ParamKey.choice("accel", Accel.class, "accelerator: kvm, tcg (emulation, labelled EMULATED "
            + "everywhere), or auto = kvm when a bounded probe boot passes, else tcg").defaultValue(Accel.AUTO).build();
    static final ParamKey<Tuning> TUNING = ParamKey.choice("tuning", Tuning.class, "untuned: QEMU's default CPU model (qemu64), no "
            + "pinning; tuned: host CPU model and topology, each vCPU pinned to its own host CPU (under KVM; TCG runs every vCPU on one "
            + "host thread), memory on hugepages when the host has free ones").defaultValue(Tuning.UNTUNED).build();
    static final ParamKey<Disk> DISK = ParamKey.choice("disk", Disk.class, "format of the root overlay and the data disk (virtio-blk)")
            .defaultValue(Disk.RAW).build();
    static final ParamKey<Cache> CACHE = ParamKey.choice("cache", Cache.class, "QEMU cache mode of the disks (the study used none)")
            .defaultValue(Cache.NONE).build();
    static final ParamKey<Aio> AIO = ParamKey.choice("aio", Aio.class, "QEMU asynchronous I/O engine of the disks (the study used "
            + "native; native needs cache=none or directsync)").defaultValue(Aio.NATIVE).build();
    static final ParamKey<Network> NETWORK = ParamKey.choice("network", Network.class, "tap: a tap device on a bridge the run creates "
                    + "and removes (vhost-net under kvm; the study's network), needs root; user: QEMU's slirp, a userland TCP/IP stack, "
                    + "with forwards on 127.0.0.1")
            .defaultFrom(h -> tapAllowed() ? Network.TAP : Network.USER, "tap where the host allows it (root, /dev/net/tun, ip), else user")
            .build();
    static final ParamKey<Machine> MACHINE = ParamKey.choice("machine", Machine.class, "QEMU machine type: pc = i440FX with PCI devices "
                    + "(QEMU's default), q35 = PCIe chipset, microvm = QEMU's minimal machine (virtio-mmio devices described by ACPI, no "
                    + "PCI bus, minimal firmware, direct kernel boot; the Firecracker class of VM); the same kernel, root disk, agent and "
                    + "workloads")
            .defaultValue(Machine.PC).build();
    static final ParamKey<Integer> VCPUS = ParamKey.integer("vcpus", "virtual CPUs").range(1, 64).defaultValue(2).build();
    static final ParamKey<Long> MEMORY = ParamKey.size("memory", "guest memory").range(256L << 20, 1L << 40).unit("bytes")
            .defaultValue(2L << 30).build();
    static final ParamKey<Flavor> IMAGE = ParamKey.choice("image", Flavor.class, "guest image: full (Debian with redis, mariadb, "
            + "OpenBLAS: every workload) or small (busybox: JVM-only workloads, builds in seconds)").defaultValue(Flavor.FULL).build();
    static final ParamKey<Long> DATA_SIZE = ParamKey.size("data_size", "size of the data disk where workloads keep their files (sparse)")
            .range(64L << 20, 1L << 42).unit("bytes").defaultValue(8L << 30).build();

    /** The environment's settings, with their choices and defaults (the study's disk configuration). */
    static final List<ParamSpec> SPECS = ParamKey.specs(ACCEL, TUNING, DISK, CACHE, AIO, NETWORK, MACHINE, VCPUS, MEMORY, IMAGE, DATA_SIZE);

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
        return new VmSettings(v.get(ACCEL), v.get(DISK), v.get(CACHE), v.get(AIO), v.get(NETWORK), v.get(TUNING) == Tuning.TUNED,
                v.get(VCPUS), v.get(MEMORY), v.get(IMAGE), v.get(DATA_SIZE), v.get(MACHINE));
    }

    /**
     * Checks the combination against QEMU's rules and this host.
     *
     * @param hostCpus   CPUs of this host (a tuned VM pins each vCPU to its own)
     * @param hostMemory bytes of memory of this host
     */
    void validate(int hostCpus, long hostMemory) {
        if (aio == Aio.NATIVE && !cache.direct()) {
            throw new BadInputException("vm setting aio=native with cache=" + cache.lower() + ": QEMU's native AIO needs O_DIRECT, "
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

    /**
     * Whether the guest's O_DIRECT requests reach the host's file as O_DIRECT requests (see
     * {@link io.isobench.env.DirectIoPath}): QEMU opens the disk images with O_DIRECT under
     * cache=none and directsync; under writeback, writethrough and unsafe the host's page cache
     * sits below the guest's disk and answers what the guest meant to send to the device.
     */
    boolean directIo() {
        return cache.direct();
    }

    /** How the guest's data disk reaches the host's storage, in words, for the record. */
    String directIoPath() {
        String disk = "the data disk (" + this.disk.lower() + " image, virtio-blk, cache=" + cache.lower() + ", aio=" + aio.lower() + ")";
        if (directIo()) {
            return "the guest's O_DIRECT requests go through " + disk + " to the host's file as O_DIRECT requests: QEMU opens the image"
                    + " with O_DIRECT, so no host page cache is in between";
        }
        return "QEMU opens " + disk + " without O_DIRECT: the guest's O_DIRECT requests land in the host's page cache below the guest"
                + (cache == Cache.UNSAFE ? ", and the guest's flushes are ignored" : cache == Cache.WRITETHROUGH
                ? " (writes reach the device before they complete, reads are answered from the cache)" : "")
                + "; write cache=none to measure the storage";
    }

    /** Whether the machine has no PCI bus: its virtio devices sit on virtio-mmio. */
    boolean microvm() {
        return machine == Machine.MICROVM;
    }
}
