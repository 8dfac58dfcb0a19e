package io.isobench.env.docker;

import io.isobench.BadInputException;
import io.isobench.env.Variant;
import io.isobench.image.Flavor;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.ParamType;
import java.util.List;

/**
 * A docker variant's settings, parsed and checked: which network path the host uses to reach the
 * container, where workloads keep their files, which OCI runtime runs it (and, for gVisor, which
 * network stack serves it), its resource limits and which guest image it starts from.
 *
 * <p>Limits are kept as the text the user wrote ({@code memory=512M}, {@code cpus=1.5}) so variant
 * labels read as typed; {@link #nanoCpus()} and {@link #memoryBytes()} give the engine's units.
 *
 * @param gvisorNetwork which network stack serves a gVisor sandbox (see {@link GvisorNetwork});
 *                      meaningful with {@code runtime=runsc} only
 * @param cpusetCpus    {@code null} when not pinned
 * @param nanoCpus      {@code 0} when not limited
 * @param memoryBytes   {@code 0} when not limited
 */
public record DockerSettings(Network network, Storage storage, String runtime, GvisorNetwork gvisorNetwork, long nanoCpus,
                             String cpusetCpus, long memoryBytes, Flavor image) {

    static final String NONE = "none";

    /** The gVisor runtime as users name it; the engine knows it under one name per network mode ({@link #engineRuntime}). */
    static final String GVISOR = "runsc";
    /** The runtime argument that makes gVisor run without a network stack of its own. */
    static final String GVISOR_NO_NETWORK = "--network=none";
    /** What {@code scripts/setup-host.sh} does for every gVisor registration. */
    static final String GVISOR_FIX = "scripts/setup-host.sh registers runsc, runsc-host and runsc-sandbox in /etc/docker/daemon.json "
            + "and reloads dockerd";

    /** How the host reaches a server inside the container (in the order the setting lists its words). */
    public enum Network {
        /**
         * The bridge plus a port published on the host's address facing the load side (the client
         * namespace's veth), reached from outside the host's stack: the kernel's DNAT in PREROUTING
         * carries it, as it carried the study's client on a second machine. With {@code client=local}
         * there is no such address: the port is published on 127.0.0.1 and docker-proxy serves it.
         */
        NAT,
        /**
         * The bridge plus a port published on 127.0.0.1, reached from the host itself: Docker's
         * userland docker-proxy relays every connection (loopback traffic never passes PREROUTING,
         * and the OUTPUT rule skips 127.0.0.0/8). The load runs on the host's own stack.
         */
        PROXY,
        /** Docker's bridge, the host talking to the container's own address on docker0. */
        BRIDGE,
        /** The host's own network namespace: no isolation of the network at all. */
        HOST,
        /** No network: only loopback inside; no server workload can be reached from the host. */
        NONE;

        public String lower() {
            return ParamKey.word(this);
        }
    }

    /**
     * Which network stack serves a gVisor sandbox. runsc takes it as a flag of the runtime
     * ({@code --network=...}), not of a container, so each mode is an engine runtime of its own,
     * registered by the host setup.
     */
    public enum GvisorNetwork {
        /**
         * gVisor's own TCP/IP stack (netstack) inside the Sentry: the sandbox's sockets never reach
         * the host kernel's stack (runsc's default, the isolating one). Some hosts refuse it
         * ("cannot run with network enabled in root network namespace"); isobench then reports the
         * variant unavailable with runsc's words. With {@code network=none} it serves loopback only.
         */
        SANDBOX("runsc-sandbox", "--network=sandbox"),
        /**
         * runsc's host-network passthrough: the Sentry hands the sandbox's sockets to the host
         * kernel's stack, in the container's own network namespace. Faster, and less isolated: the
         * host kernel's network code is reachable from the sandbox.
         */
        HOST("runsc-host", "--network=host");

        /** The engine runtime registered for this mode, and the argument it must carry. */
        final String engineRuntime;
        final String runtimeArg;

        GvisorNetwork(String engineRuntime, String runtimeArg) {
            this.engineRuntime = engineRuntime;
            this.runtimeArg = runtimeArg;
        }

        public String lower() {
            return ParamKey.word(this);
        }
    }

    /** Where a workload's data directory lives. */
    public enum Storage {
        /** The container's own union filesystem (overlay2; the study's AUFS case). */
        OVERLAY,
        /** A named docker volume, labelled with the run id and removed at the end. */
        VOLUME,
        /** A host folder under /var/tmp bind-mounted in, removed at the end. */
        BIND;

        public String lower() {
            return ParamKey.word(this);
        }
    }

    static final ParamKey<Network> NETWORK = ParamKey.choice("network", Network.class, "how the load reaches servers inside: nat = a "
                    + "published port carried by the kernel's DNAT from a client outside the host's stack (the study's NAT), proxy = a "
                    + "port published on 127.0.0.1 reached from the host itself, relayed by docker-proxy, bridge = the container's own "
                    + "address on docker0, host = the host's network namespace, none = no network (no server workloads)")
            .defaultValue(Network.NAT).build();
    static final ParamKey<Storage> STORAGE = ParamKey.choice("storage", Storage.class, "where workloads keep files: overlay = the "
                    + "container's union filesystem, volume = a named docker volume, bind = a host folder under /var/tmp")
            .defaultValue(Storage.OVERLAY).build();
    static final ParamKey<String> RUNTIME = ParamKey.choice("runtime", "OCI runtime: runc, or runsc (gVisor: a kernel of its own in "
                    + "user space; its network stack is runsc_network)", "runc", GVISOR)
            .defaultValue("runc").build();
    static final ParamKey<GvisorNetwork> RUNSC_NETWORK = ParamKey.choice("runsc_network", GvisorNetwork.class, "with runtime=runsc, "
                    + "which network stack serves the sandbox: sandbox = gVisor's own (netstack; unavailable on hosts where runsc refuses "
                    + "it, said with runsc's words), host = runsc's host-network passthrough (the host kernel's stack in the container's "
                    + "namespace: faster, less isolated)")
            .defaultValue(GvisorNetwork.SANDBOX).build();
    static final ParamKey<String> CPUS = ParamKey.text("cpus", "CPU quota in CPUs, e.g. 1.5 (docker --cpus); 'none' for no limit")
            .defaultValue(NONE).build();
    static final ParamKey<String> CPUSET = ParamKey.text("cpuset", "CPUs the container may use, e.g. 0 or 0-1 (docker --cpuset-cpus); "
            + "'none' for all").defaultValue(NONE).build();
    static final ParamKey<String> MEMORY = ParamKey.text("memory", "memory limit, e.g. 512M or 2G (docker --memory, swap included); "
            + "'none' for no limit").defaultValue(NONE).build();
    static final ParamKey<Flavor> IMAGE = ParamKey.choice("image", Flavor.class, "guest image: full = Debian with redis, mariadb and "
            + "OpenBLAS (every workload); small = busybox + JRE (JVM-only workloads, tests; builds in seconds)")
            .defaultValue(Flavor.FULL).build();

    /** The settings {@code isobench list environments} shows, with choices and defaults. */
    static List<ParamSpec> specs() {
        return ParamKey.specs(NETWORK, STORAGE, RUNTIME, RUNSC_NETWORK, CPUS, CPUSET, MEMORY, IMAGE);
    }

    /**
     * Parses a resolved variant's settings; the engine's runtimes are checked later, by
     * {@link #check}. Throws {@link BadInputException} naming the setting, the value and the fix.
     */
    public static DockerSettings of(Variant v) {
        Network network = v.get(NETWORK);
        Storage storage = v.get(STORAGE);
        String runtime = v.get(RUNTIME);
        GvisorNetwork gvisor = v.get(RUNSC_NETWORK);
        long nano = parseCpus(v.get(CPUS));
        String cpuset = parseCpuset(v.get(CPUSET));
        long mem = parseMemory(v.get(MEMORY));
        Flavor image = v.get(IMAGE);
        DockerSettings s = new DockerSettings(network, storage, runtime, gvisor, nano, cpuset, mem, image);
        s.checkCombination();
        return s;
    }

    /** Whether gVisor runs this variant. */
    public boolean gvisor() {
        return runtime.equals(GVISOR);
    }

    /**
     * The runtime the engine is asked for: runc; gVisor without a network ({@code runsc}, registered
     * with {@code --network=none}); gVisor with its own stack or the passthrough (one registration
     * per mode, see {@link GvisorNetwork}).
     */
    public String engineRuntime() {
        if (!gvisor()) {
            return runtime;
        }
        return network == Network.NONE ? GVISOR : gvisorNetwork.engineRuntime;
    }

    /** The argument the engine's registration of {@link #engineRuntime()} must carry, null for runc. */
    String engineRuntimeArg() {
        if (!gvisor()) {
            return null;
        }
        return network == Network.NONE ? GVISOR_NO_NETWORK : gvisorNetwork.runtimeArg;
    }

    /**
     * What gVisor's network mode means for this variant, for the record and the report (null for runc).
     */
    public String gvisorNetworkFact() {
        if (!gvisor()) {
            return null;
        }
        if (network == Network.NONE) {
            return "none: gVisor's own stack with loopback only (runsc --network=none)";
        }
        return gvisorNetwork == GvisorNetwork.HOST
                ? "host: runsc's host-network passthrough (--network=host): the host kernel's TCP/IP stack serves the sandbox's "
                + "sockets, in the container's " + (network == Network.HOST ? "(the host's)" : "own") + " network namespace"
                : "sandbox: gVisor's own TCP/IP stack (netstack, --network=sandbox) inside the Sentry";
    }

    /**
     * Whether the container's O_DIRECT requests reach the host's file as O_DIRECT requests (see
     * {@link io.isobench.env.DirectIoPath}): under runc the program's own system calls reach the
     * host's file system (overlayfs passes O_DIRECT to the upper layer; a volume or bind is a host
     * folder); under gVisor they never do, whatever the storage (measured in
     * {@value io.isobench.env.DirectIoPath#EVIDENCE}).
     */
    public boolean directIo() {
        return !gvisor();
    }

    /** The runtime arguments that keep a gVisor sandbox's root file system (or every mount) in memory, null when none does. */
    static String memoryOverlayArg(List<String> runtimeArgs) {
        for (String a : runtimeArgs) {
            // --overlay (deprecated: all mounts in memory), --overlay2=root:memory or all:memory
            if (a.equals("--overlay") || a.equals("--overlay=true") || a.matches("--overlay2=(root|all):memory")) {
                return a;
            }
        }
        return null;
    }

    /**
     * How the data folder's writes reach the host's storage, in words, for the record.
     *
     * @param storageDriver the engine's storage driver (overlay2)
     * @param runtimeArgs   the arguments the engine's runtime of this variant is registered with
     */
    public String directIoPath(String storageDriver, List<String> runtimeArgs) {
        String where = switch (storage) {
            case OVERLAY -> "the container's root file system (" + storageDriver + ")";
            case VOLUME -> "a docker volume (a folder of the host's file system)";
            case BIND -> "a bind-mounted host folder";
        };
        if (!gvisor()) {
            return "O_DIRECT requests go from the program to " + where + " and on to the host's file as O_DIRECT requests"
                    + (storage == Storage.OVERLAY ? " (overlayfs passes O_DIRECT to its upper layer)" : "");
        }
        String memory = memoryOverlayArg(runtimeArgs);
        boolean inMemory = memory != null && (storage == Storage.OVERLAY || !memory.startsWith("--overlay2=root"));
        return "gVisor serves " + where + " through its gofer, which opens the host file without O_DIRECT (it passes no open flag but"
                + " O_TRUNC on: google/gvisor#3626): the sandbox's O_DIRECT writes land in the host's page cache and reach the device"
                + " at writeback, on the root file system, volumes and binds alike (" + io.isobench.env.DirectIoPath.EVIDENCE + ")"
                + (inMemory ? "; and the runtime is registered with " + memory + ": the sandbox keeps these files' upper layer in its"
                + " own memory, so they do not reach a host file at all"
                : storage == Storage.OVERLAY ? "; runsc releases from 2023 on keep the root file system's upper layer in memory by"
                + " default (--overlay2=root:memory, later root:self), where a volume or bind still reaches a host file" : "");
    }

    /** Combinations that cannot run anywhere, refused with the fix. */
    private void checkCombination() {
        boolean modeGiven = gvisorNetwork != GvisorNetwork.SANDBOX;
        if (!gvisor() && modeGiven) {
            throw new BadInputException("docker setting runsc_network=" + gvisorNetwork.lower() + " applies to runtime=runsc only; "
                    + "add runtime=runsc, or drop runsc_network");
        }
        if (gvisor() && network == Network.NONE && modeGiven) {
            throw new BadInputException("docker setting runsc_network=" + gvisorNetwork.lower() + " with network=none: there is no "
                    + "network to serve; write network=nat (or bridge, proxy, host) to run gVisor with a network, or drop runsc_network");
        }
        if (gvisor() && network == Network.HOST && gvisorNetwork == GvisorNetwork.SANDBOX) {
            throw new BadInputException("docker setting runtime=runsc with network=host: gVisor's own network stack cannot serve "
                    + "the host's network namespace (runsc refuses it by design: \"cannot run with network enabled in root network "
                    + "namespace\"); write runsc_network=host (the passthrough), or network=nat");
        }
    }

    /**
     * Checks the runtime against the engine: it must list the runtime this variant needs, registered
     * with the network argument of its mode. Without {@code --network=none} the gVisor of Debian 12
     * sets up a network even for {@code --network none} and, on kernels that give every namespace
     * its own {@code net.core.rmem_default}, takes the container's namespace for the root one and
     * refuses to start - leaving its shim and sandbox processes behind.
     */
    void check(DockerEngine.EngineInfo engine) {
        List<String> runtimes = engine.runtimes();
        String wanted = engineRuntime();
        if (!runtimes.isEmpty() && !runtimes.contains(wanted)) {
            throw new BadInputException("docker setting runtime=" + runtime + (gvisor() && network != Network.NONE
                    ? " with runsc_network=" + gvisorNetwork.lower() : "") + " needs the engine runtime '" + wanted
                    + "', which the engine does not list (it lists " + String.join(", ", runtimes) + ")" + (gvisor()
                    ? "; install gVisor and register it (" + GVISOR_FIX + "), or use runtime=runc"
                    : "; choose one of those"));
        }
        String arg = engineRuntimeArg();
        List<String> args = engine.runtimeArgs().getOrDefault(wanted, List.of());
        // gVisor's default network mode is its own stack: a registration without --network serves that mode
        boolean registered = arg == null || args.contains(arg)
                || (gvisorNetwork == GvisorNetwork.SANDBOX && network != Network.NONE && args.stream().noneMatch(a -> a.startsWith("--network")));
        if (!registered) {
            throw new BadInputException("docker setting runtime=runsc" + (network == Network.NONE ? " with network=none"
                    : " with runsc_network=" + gvisorNetwork.lower()) + ": the engine's runtime '" + wanted + "' is registered with "
                    + (args.isEmpty() ? "no arguments" : String.join(" ", args)) + ", not " + arg + (network == Network.NONE
                    ? " (without it gVisor sets up a network of its own, which fails to start here: \"cannot run with network "
                    + "enabled in root network namespace\")" : "") + "; register it with \"runtimeArgs\": [\"" + arg
                    + "\"] in /etc/docker/daemon.json and reload dockerd (kill -HUP $(pidof dockerd)), or run " + GVISOR_FIX
                    + ", or use runtime=runc");
        }
    }

    static long parseCpus(String text) {
        if (text == null || text.equalsIgnoreCase(NONE)) {
            return 0;
        }
        double cpus;
        try {
            cpus = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new BadInputException("docker setting cpus='" + text + "' is not a number of CPUs: write e.g. cpus=1.5, or cpus=none");
        }
        int host = Runtime.getRuntime().availableProcessors();
        if (!(cpus >= 0.01) || cpus > host) {
            throw new BadInputException("docker setting cpus=" + text + " is out of range: allowed 0.01 to " + host
                    + " (this host's CPUs), or cpus=none");
        }
        return Math.round(cpus * 1e9);
    }

    static String parseCpuset(String text) {
        if (text == null || text.equalsIgnoreCase(NONE)) {
            return null;
        }
        String t = text.trim();
        if (!t.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")) {
            throw new BadInputException("docker setting cpuset='" + text + "' is not a CPU list: write e.g. cpuset=0 or cpuset=0-1, or cpuset=none");
        }
        int host = Runtime.getRuntime().availableProcessors();
        for (String part : t.split("[,-]")) {
            if (Integer.parseInt(part) >= host) {
                throw new BadInputException("docker setting cpuset=" + text + " names CPU " + part + " but this host has CPUs 0-" + (host - 1));
            }
        }
        return t;
    }

    static long parseMemory(String text) {
        if (text == null || text.equalsIgnoreCase(NONE)) {
            return 0;
        }
        long bytes;
        try {
            bytes = (Long) ParamType.SIZE.parse(text);
        } catch (RuntimeException e) {
            throw new BadInputException("docker setting memory='" + text + "' is not a size: write e.g. memory=512M or memory=2G, or memory=none");
        }
        // the engine refuses less than 6 MiB; a JVM needs far more
        if (bytes < (64L << 20)) {
            throw new BadInputException("docker setting memory=" + text + " is too small: the agent's JVM needs at least 64M; write e.g. memory=512M");
        }
        return bytes;
    }

    /** Whether the host can reach a server inside at all. */
    public boolean reachable() {
        return network != Network.NONE;
    }
}
