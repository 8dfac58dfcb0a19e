package io.isobench.env.vm;

import io.isobench.core.Console;
import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.BadInputException;
import io.isobench.agent.AgentClient;
import io.isobench.agent.Protocol;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.AgentMemory;
import io.isobench.env.Availability;
import io.isobench.core.Ports;
import io.isobench.core.ChildProcess;
import io.isobench.env.Cleanup;
import io.isobench.env.Environment;
import io.isobench.env.EnvironmentInstance;
import io.isobench.core.Files2;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.image.GuestImages;
import io.isobench.image.ImageCache;
import io.isobench.core.ParamSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The vm environment: each instance a QEMU virtual machine booted from the guest image (the
 * guest kernel from the host's /boot, a root disk made from the same base and payload every
 * environment runs), controlled through QMP on a unix socket, with the agent on a virtio-serial
 * port and the serial console logged to the run's log folder.
 *
 * <p>KVM is used when a bounded probe boot shows it works ({@code accel=auto}); otherwise the VM
 * runs under TCG, which is emulation: {@link EnvironmentInstance#emulated()} is true and every
 * sample says so. See {@link VmSettings} for the variants.
 */
public final class VmEnvironment implements Environment {

    /** Inside ports servers may bind to; each is forwarded (user) or reachable on the guest's address (tap). */
    static final List<Integer> SERVER_PORTS = List.of(7101, 7102);
    static final String QEMU_FIX = "apt-get install qemu-system-x86 qemu-utils (or run scripts/setup-host.sh)";
    /** How long QEMU may take to create its sockets. */
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(30);

    private final ImageCache cache;
    private final Path workRoot;
    private final Consumer<String> log;
    private final String guestInit;

    /** The environment ServiceLoader finds: the standard image cache, instance folders under /var/tmp. */
    public VmEnvironment() {
        this(ImageCache.standard(), Path.of("/var/tmp"), msg -> Console.say("isobench: " + msg), InitScript.PATH);
    }

    /**
     * @param workRoot where each instance's folder (disks, sockets) goes: a real disk, since
     *                 cache=none opens the disks with O_DIRECT, which tmpfs refuses
     * @param guestInit the program the guest runs as PID 1: {@link InitScript#PATH}, or for tests a
     *                  path that does not exist, to see a guest that cannot boot fail cleanly
     */
    VmEnvironment(ImageCache cache, Path workRoot, Consumer<String> log, String guestInit) {
        this.cache = cache;
        this.workRoot = workRoot;
        this.log = log;
        this.guestInit = guestInit;
    }

    @Override
    public String name() {
        return "vm";
    }

    @Override
    public String description() {
        return "a QEMU virtual machine (KVM when it works, else TCG emulation, labelled EMULATED) booted from the guest image";
    }

    @Override
    public List<ParamSpec> settings() {
        return VmSettings.SPECS;
    }

    @Override
    public List<Map<String, String>> defaultVariants() {
        // one variant: under TCG a VM is slow to boot and run; suites ask for tuned explicitly
        return List.of(Map.of());
    }

    @Override
    public Map<String, String> shapedFacts(Map<String, String> settings) {
        boolean tuned = VmSettings.TUNING.from(settings, "vm setting") == VmSettings.Tuning.TUNED;
        String model = tuned
                ? "a tuned VM passes the host's CPU model through (QEMU's 'max' under TCG, which is not the host's)"
                : "an untuned VM presents QEMU's generic CPU model (qemu64: SSE3 and no wider), so native libraries pick older"
                + " kernels: the study's untuned-KVM effect";
        Map<String, String> m = new LinkedHashMap<>();
        m.put(io.isobench.core.IdentityFact.CPU_MODEL, model);
        m.put(io.isobench.core.IdentityFact.CPU_ISA, model);
        m.put(io.isobench.core.IdentityFact.CPUS, "the VM's vCPUs (vcpus=" + VmSettings.VCPUS.from(settings, "vm setting") + ")");
        String kernel = "the guest kernel manages the guest's memory";
        m.put("inside.page_size", kernel);
        m.put("inside.thp", kernel);
        VmSettings.Cache cache = VmSettings.CACHE.from(settings, "vm setting");
        if (!cache.direct()) {
            m.put(io.isobench.env.DirectIoPath.PATH, "QEMU's cache=" + cache.lower() + " opens the VM's disk images without O_DIRECT: the"
                    + " host's page cache sits below the guest's disk");
        }
        return m;
    }

    @Override
    public Availability probe(HostFacts host) {
        if (!Files.isExecutable(QemuCommand.binary())) {
            return Availability.no(QemuCommand.QEMU + " not found", QEMU_FIX);
        }
        for (String tool : List.of("qemu-img", "mkfs.ext4")) {
            if (!ChildProcess.onPath(tool)) {
                return Availability.no(tool + " not found", tool.equals("qemu-img") ? QEMU_FIX : "apt-get install e2fsprogs");
            }
        }
        var kernel = GuestKernel.find();
        if (kernel.isEmpty()) {
            return Availability.no("no guest kernel under /boot with its /lib/modules", GuestKernel.FIX);
        }
        KvmProbe.Result kvm = kvm(kernel.get());
        return Availability.yes(qemuVersion() + ", guest kernel " + kernel.get().release() + ", "
                + (kvm.works() ? "KVM works" : "KVM does not work here (" + kvm.detail() + "): VMs run under TCG, labelled EMULATED"));
    }

    /** A QEMU of a run: {@code -name guest=isobench-<run-id>-<instance>}. */
    private static final java.util.regex.Pattern QEMU_NAME =
            java.util.regex.Pattern.compile("-name guest=isobench-(\\d{8}-\\d{6}-[0-9a-z]+)-[0-9a-f]{6}");

    /**
     * QEMU processes, tap devices, bridges and instance folders of isobench runs that exist now:
     * those of another run still going, or left behind by one that was killed.
     */
    @Override
    public List<io.isobench.env.Leftover> leftovers() {
        List<io.isobench.env.Leftover> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            java.util.regex.Matcher m = QEMU_NAME.matcher(p.info().commandLine().orElse(""));
            if (m.find()) {
                found.add(new io.isobench.env.Leftover(m.group(1), "process", "QEMU pid " + p.pid(), -1, "running",
                        () -> io.isobench.env.HostLeftovers.stop(p)));
            }
        });
        try {
            for (String line : TapNetwork.ip("-o", "link", "show").split("\n")) {
                String[] f = line.split(":\\s+");
                if (f.length > 1 && f[1].startsWith("isb-")) {
                    String dev = f[1].replaceAll("@.*", "");
                    java.util.regex.Matcher alias = java.util.regex.Pattern.compile("alias " + TapNetwork.ALIAS + "(\\S+)").matcher(line);
                    found.add(new io.isobench.env.Leftover(alias.find() ? alias.group(1) : "?", "device", dev, -1, "",
                            () -> TapNetwork.ip("link", "del", dev)));
                }
            }
        } catch (IOException e) {
            // no ip tool: no devices of ours either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        found.addAll(io.isobench.env.HostLeftovers.folders(workRoot, "vm-[0-9a-f]{6}"));
        return found;
    }

    @Override
    public void validate(Variant variant) {
        VmSettings s = VmSettings.of(variant);
        s.validate(HostCpus.allowed().size(), HostFacts.SysFiles.memTotal());
        if (s.accel() == VmSettings.Accel.KVM) {
            accelerator(s, guestKernel()); // refuses accel=kvm where KVM does not work, before anything starts
        }
    }

    @Override
    public long memoryBytes(Variant variant) {
        return VmSettings.of(variant).memoryBytes();
    }

    @Override
    public boolean emulated(Variant variant) {
        Optional<GuestKernel> kernel = GuestKernel.find();
        if (kernel.isEmpty()) {
            return false; // it cannot start at all; start() says why
        }
        try {
            return accelerator(VmSettings.of(variant), kernel.get()).name() == VmSettings.Accel.TCG;
        } catch (BadInputException e) {
            return false; // accel=kvm where KVM does not work: validate() refuses it
        }
    }

    private KvmProbe.Result kvm(GuestKernel k) {
        return KvmProbe.cached(k, cache.root().resolve("vm"));
    }

    private static GuestKernel guestKernel() {
        return GuestKernel.find().orElseThrow(() -> new BadInputException(
                "vm: no guest kernel under /boot with its /lib/modules; fix: " + GuestKernel.FIX));
    }

    /** The accelerator a VM of these settings runs under, with the probe that decided it. */
    private record Accelerator(VmSettings.Accel name, KvmProbe.Result kvm) {
    }

    /**
     * The one place the accelerator is decided: accel=kvm where the bounded probe boot shows KVM
     * works (refused, with the fix, where it does not), tcg when asked, and for auto KVM when it
     * works, else TCG.
     */
    private Accelerator accelerator(VmSettings s, GuestKernel kernel) {
        KvmProbe.Result kvm = kvm(kernel);
        return switch (s.accel()) {
            case KVM -> {
                if (!kvm.works()) {
                    throw new BadInputException("vm setting accel=kvm: KVM does not work on this host (" + kvm.detail()
                            + "); write accel=tcg (emulation) or accel=auto");
                }
                yield new Accelerator(VmSettings.Accel.KVM, kvm);
            }
            case TCG -> new Accelerator(VmSettings.Accel.TCG, kvm);
            case AUTO -> new Accelerator(kvm.works() ? VmSettings.Accel.KVM : VmSettings.Accel.TCG, kvm);
        };
    }

    @Override
    public EnvironmentInstance start(Variant variant, StartContext ctx) throws Exception {
        VmSettings s = VmSettings.of(variant);
        s.validate(HostCpus.allowed().size(), HostFacts.SysFiles.memTotal());
        GuestKernel kernel = guestKernel();
        Accelerator accel = accelerator(s, kernel);

        // the disks' contents: the same base and payload every environment runs, plus our init
        GuestImages images = new GuestImages(cache, log);
        GuestImages.Base base = images.base(s.image());
        GuestImages.Payload payload = images.payload(ctx.agent());
        String init = InitScript.text(GuestImages.agentCommand(agentJvmOptions()), ctx.agent().environment().variables());
        Path rootImage = new Disks(cache, log).rootImage(base, payload, kernel, init);
        Path initrd = Initrd.cached(cache, kernel);
        // one boot: a guest that fails to start is started again by the runner, the one place that retries starts
        return boot(variant, ctx, s, accel.name(), accel.kvm(), kernel, base, payload, rootImage, initrd);
    }

    /**
     * The agent's JVM options in a guest: the common ones, its crash report on the data disk (the
     * init copies it to the console), and its responses on their own FIFO, never its stdout. The
     * heap comes from the kernel's command line ({@link InitScript#HEAP_ARG}).
     */
    static List<String> agentJvmOptions() {
        List<String> jvm = new ArrayList<>(AgentLauncher.defaultJvmOptions());
        jvm.add(InitScript.ERROR_FILE_OPTION);
        jvm.add("-D" + Protocol.CHANNEL_PROPERTY + "=" + InitScript.PROTOCOL_FIFO);
        return jvm;
    }

    private VmInstance boot(Variant variant, StartContext ctx, VmSettings s, VmSettings.Accel accel, KvmProbe.Result kvm, GuestKernel kernel,
                            GuestImages.Base base, GuestImages.Payload payload, Path rootImage, Path initrd) throws Exception {
        String id = HexFormat.of().formatHex(randomBytes(3));
        List<Cleanup.Handle> handles = new ArrayList<>();
        Path dir = workRoot.resolve("isobench-" + ctx.runId() + "-vm-" + id);
        handles.add(0, ctx.cleanup().register("VM folder " + dir, () -> Files2.deleteRecursively(dir)));
        Process qemu = null;
        QmpClient qmp = null;
        AgentClient agent = null;
        try {
            Files.createDirectories(dir);
            Path root = Disks.instanceRoot(rootImage, dir, s.disk());
            Path data = Disks.dataDisk(dir, s.disk(), s.dataBytes());

            TapNetwork tap = null;
            Map<Integer, Integer> forwards = new LinkedHashMap<>();
            if (s.network() == VmSettings.Network.TAP) {
                TapNetwork t = TapNetwork.plan(TapNetwork.baseName(ctx.runId() + "|" + variant.label() + "|" + id));
                handles.add(0, ctx.cleanup().register("tap " + t.tap() + " and bridge " + t.bridge(), t::remove));
                t.create(ctx.runId());
                tap = t;
            } else {
                // slirp forwards both TCP and UDP from 127.0.0.1 to each server port inside
                List<Integer> hostPorts = Ports.freeTcpAndUdp(SERVER_PORTS.size(), InetAddress.getLoopbackAddress(), List.of());
                for (int i = 0; i < SERVER_PORTS.size(); i++) {
                    forwards.put(hostPorts.get(i), SERVER_PORTS.get(i));
                }
            }
            long hugeFree = HostCpus.freeHugepages2M();
            boolean hugepages = s.tuned() && hugeFree * (2L << 20) >= s.memoryBytes();

            Files.createDirectories(ctx.logDir());
            Path console = unique(ctx.logDir(), "vm-" + variant.slug() + "-console", ".log");
            Path qemuLog = unique(ctx.logDir(), "vm-" + variant.slug() + "-qemu", ".log");
            String mac = "52:54:00:" + id.substring(0, 2) + ":" + id.substring(2, 4) + ":" + id.substring(4, 6);
            QemuCommand.Paths paths = new QemuCommand.Paths(kernel.kernel(), initrd, root, data, dir.resolve("qmp.sock"),
                    dir.resolve("agent.sock"), console);
            QemuCommand.Net net = new QemuCommand.Net(forwards, tap, mac);
            // the agent's heap leaves room in the guest's memory for what its workloads allocate outside it
            long heapMib = AgentMemory.heapBytes(s.memoryBytes(), ctx.offHeap()) >> 20;
            HostTsc tsc = HostTsc.read();
            List<String> cmd = QemuCommand.build(s, accel, hugepages, "isobench-" + ctx.runId() + "-" + id, paths, net, guestInit, heapMib,
                    tsc);

            // its removal registered with no moment between (a SIGTERM's hook may run on another thread meanwhile)
            Cleanup.Created<Process> started = ctx.cleanup().create("QEMU of guest isobench-" + ctx.runId() + "-" + id,
                    () -> ChildProcess.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(qemuLog.toFile())),
                    VmEnvironment::kill);
            qemu = started.value();
            Process q = qemu;
            handles.add(0, started.handle());

            SocketChannel agentChannel;
            try {
                qmp = QmpClient.connect(paths.qmpSocket(), SOCKET_WAIT, q::isAlive);
                agentChannel = UnixSockets.connect(paths.agentSocket(), SOCKET_WAIT, q::isAlive, "agent");
            } catch (IOException e) {
                // QEMU refused its command line or died at once: what it said is the reason
                q.waitFor(2, TimeUnit.SECONDS);
                throw new IOException(e.getMessage() + "; QEMU said: " + Files2.tail(qemuLog, 1500).strip() + "\ncommand: "
                        + QemuCommand.quoted(cmd), e);
            }
            ConsoleWatch watch = new ConsoleWatch(console, q::isAlive, ctx.logDir(),
                    console.getFileName().toString().replaceFirst("-console(-\\d+)?\\.log$", "-hs_err$1"));
            agent = new AgentClient("agent in " + variant.label(), UnixSockets.in(agentChannel), UnixSockets.out(agentChannel),
                    () -> diagnostics(q, qemuLog, console), watch);

            // pin before the guest boots: the vCPU threads exist as soon as QEMU has started
            JsonNode cpus = qmp.execute("query-cpus-fast", Map.of(), Duration.ofSeconds(10));
            List<Integer> hostCpus = HostCpus.allowed();
            // under TCG every vCPU runs on the one host thread (see QemuCommand): there is no vCPU thread to pin apart
            boolean pinned = s.tuned() && accel == VmSettings.Accel.KVM;
            if (pinned) {
                for (JsonNode c : cpus) {
                    int idx = c.path("cpu-index").asInt();
                    HostCpus.pin(c.path("thread-id").asLong(), hostCpus.get(idx % hostCpus.size()));
                }
            }

            Map<String, Object> inside = agent.call(new Protocol.Hello(InitScript.DATA_MOUNT + "/isobench"), ctx.bootTimeout()).facts();

            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("accel", accel.lower());
            facts.put("emulation", accel == VmSettings.Accel.TCG ? "EMULATED: TCG, vCPUs in turn on one host thread (no hardware virtualization; KVM: "
                    + kvm.detail() + ")"
                    : "none: KVM hardware virtualization");
            facts.put("qemu_version", qmp.version());
            facts.put("qemu_pid", q.pid());
            facts.put("qemu_command", QemuCommand.quoted(cmd));
            facts.put("guest_kernel", kernel.release());
            facts.put("image", base.flavor().lower() + " (base " + base.hash() + ", payload " + payload.hash() + ")");
            facts.put("root_image", rootImage.toString());
            facts.put("machine", QemuCommand.machine(s));
            facts.put("device_model", s.microvm() ? "virtio-mmio devices described by ACPI tables; no PCI bus; qboot firmware, direct kernel boot"
                    : "virtio-pci devices on the " + (s.machine() == VmSettings.Machine.Q35 ? "q35 PCIe" : "i440FX PCI") + " bus; SeaBIOS, direct kernel boot");
            Map<String, Integer> seen = guestDevices(console);
            if (seen != null) {
                facts.put("guest_devices", seen);
            }
            String clock = consoleValue(console, InitScript.CLOCKSOURCE);
            if (clock != null) {
                facts.put("guest_clocksource", clock);
            }
            if (!QemuCommand.timerArgs(s, accel, tsc).isEmpty()) {
                facts.put("guest_tsc", "the host's counter at " + tsc.khz() + " kHz, " + tsc.source()
                        + ", given to the kernel (tsc_early_khz, tsc=reliable) on every machine alike: a microvm has no HPET or ACPI PM timer"
                        + " to calibrate against, and pc and q35 keep the same clock source as it");
            } else if (accel == VmSettings.Accel.TCG) {
                facts.put("guest_tsc", "calibrated by the guest (the host's rate is " + tsc.source()
                        + "); a microvm calibrates against the PIT, which on a busy host can fail and stop the boot");
            }
            facts.put("tuning", s.tuned() ? "tuned" : "untuned");
            facts.put("cpu_model", s.tuned() ? (accel == VmSettings.Accel.KVM ? "host" : "max") : "qemu64 (QEMU default)");
            facts.put("vcpus", s.vcpus());
            facts.put("vcpu_threads", VmInstance.vcpuThreads(q.pid(), cpus));
            facts.put("vcpu_pinning", pinned ? "each vCPU thread on its own host CPU"
                    : accel == VmSettings.Accel.TCG ? "none: TCG runs every vCPU in turn on one host thread" : "none (untuned)");
            facts.put("memory_bytes", s.memoryBytes());
            facts.put("agent_max_heap_bytes", heapMib << 20);
            facts.put("agent_off_heap_allowance_bytes", ctx.offHeap());
            facts.put("hugepages", !s.tuned() ? "not requested (untuned)"
                    : hugepages ? "memfd hugetlb 2 MiB pages" : "no hugepages (the host has " + hugeFree + " free 2 MiB pages)");
            facts.put("block", VmInstance.blockDevices(qmp.execute("query-block", Map.of(), Duration.ofSeconds(10))));
            facts.put("aio", s.aio().lower());
            facts.putAll(io.isobench.env.DirectIoPath.facts(s.directIo(), s.directIoPath()));
            if (tap != null) {
                facts.put("network", VmSettings.Network.TAP.lower());
                facts.put("tap", tap.tap());
                facts.put("bridge", tap.bridge());
                facts.put("host_address", tap.hostIp());
                facts.put("guest_address", tap.guestIp());
                facts.put("vhost", accel == VmSettings.Accel.KVM);
            } else {
                facts.put("network", VmSettings.Network.USER.lower());
                facts.put("guest_address", "10.0.2.15");
                Map<String, Integer> fw = new LinkedHashMap<>();
                forwards.forEach((h, i) -> fw.put("127.0.0.1:" + h, i));
                facts.put("forwards", fw);
            }
            facts.put("console_log", console.toString());
            Map<Integer, Integer> hostByInside = new LinkedHashMap<>();
            forwards.forEach((h, i) -> hostByInside.put(i, h));
            return new VmInstance(variant, q, qmp, agent, inside, facts, accel == VmSettings.Accel.TCG, SERVER_PORTS, hostByInside, tap, handles, watch);
        } catch (Exception | Error e) {
            if (agent != null) {
                agent.close();
            }
            if (qmp != null) {
                qmp.close();
            }
            for (Cleanup.Handle h : handles) {
                h.close();
            }
            throw e;
        }
    }

    /** The rest of the guest init's console line that starts with {@code key}; null when there is none. */
    static String consoleValue(Path console, String key) {
        String prefix = InitScript.LOG_PREFIX + key;
        try {
            // bytes as Latin-1: a console may carry bytes that are not UTF-8
            for (String line : new String(Files.readAllBytes(console), java.nio.charset.StandardCharsets.ISO_8859_1).lines().toList()) {
                int at = line.indexOf(prefix);
                if (at >= 0) {
                    String v = line.substring(at + prefix.length()).strip();
                    return v.isEmpty() ? null : v;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /**
     * What the guest's init counted on its buses ({@link InitScript#DEVICES} on the console): PCI
     * devices, virtio devices on PCI and on MMIO. Null when the line is missing.
     */
    static Map<String, Integer> guestDevices(Path console) {
        String line = consoleValue(console, InitScript.DEVICES);
        if (line == null) {
            return null;
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String kv : line.split("\\s+")) {
            String[] f = kv.split("=", 2);
            if (f.length == 2 && f[1].matches("\\d+")) {
                out.put(f[0].replace('-', '_'), Integer.parseInt(f[1]));
            }
        }
        return out;
    }

    private static String diagnostics(Process q, Path qemuLog, Path console) {
        // the guest may still be writing why its agent failed (a JVM's crash report): let it finish
        long size = -1;
        for (int i = 0; i < 16 && q.isAlive(); i++) {
            long now = console.toFile().length();
            if (now == size) {
                break;
            }
            size = now;
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String qemuOut = Files2.tail(qemuLog, 1500).strip();
        return "QEMU " + (q.isAlive() ? "is running (pid " + q.pid() + ")" : "exited with " + q.exitValue())
                + (qemuOut.isEmpty() ? "" : "; QEMU said: " + qemuOut)
                + "\nguest console (" + console + "), last lines:\n" + Files2.tail(console, 3000);
    }

    private static void kill(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy(); // SIGTERM: QEMU exits at once
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Path unique(Path dir, String stem, String ext) {
        Path p = dir.resolve(stem + ext);
        for (int i = 2; Files.exists(p); i++) {
            p = dir.resolve(stem + "-" + i + ext);
        }
        return p;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static String qemuVersion() {
        try {
            String v = ChildProcess.run(List.of(QemuCommand.binary().toString(), "--version"), 10);
            return v.lines().findFirst().orElse("QEMU").replace("QEMU emulator version", "QEMU").trim();
        } catch (IOException e) {
            return "QEMU (version unknown)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "QEMU (version unknown)";
        }
    }
}
