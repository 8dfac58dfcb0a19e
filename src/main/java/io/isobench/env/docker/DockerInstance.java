package io.isobench.env.docker;

import io.isobench.core.Console;
import io.isobench.core.Errors;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import io.isobench.BadInputException;
import io.isobench.agent.AgentClient;
import io.isobench.agent.AgentException;
import io.isobench.agent.CrashReport;
import io.isobench.agent.Protocol;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.AgentMemory;
import io.isobench.env.Cleanup;
import io.isobench.env.EnvironmentInstance;
import io.isobench.core.Files2;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.image.GuestImages;
import io.isobench.image.ImageCache;
import io.isobench.core.Endpoint;
import io.isobench.core.Transport;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One container running the agent. Started in this order, each step registered for removal
 * before it exists: the engine connection, the storage (volume or bind folder), the container
 * (created, attached, started), then the agent's hello with the storage's data directory.
 */
final class DockerInstance implements EnvironmentInstance {

    /** The fixed ports servers bind to inside (bridge and nat): the container has its own network namespace. */
    static final List<Integer> INSIDE_PORTS = List.of(17001, 17002);
    /** Where workloads keep files: in the container's union filesystem, or on the mounted volume or folder. */
    static final String OVERLAY_DATA_DIR = "/var/lib/isobench-data";
    static final String MOUNTED_DATA_DIR = "/data";
    /** Container, volume and bind folder names: isobench-<runId>-<variant>-<random>. */
    static final String NAME_PREFIX = "isobench-";
    /** Where bind folders go: {@code <root>/isobench-...} holds {@value #BIND_MARKER} and the mounted {@code data/}. */
    static final String BIND_ROOT = "/var/tmp";
    /** A file in each bind folder naming its run, so doctor can tell ours from anything else in /var/tmp. */
    static final String BIND_MARKER = "isobench-run-id";
    /** Where the agent's JVM writes a crash report inside the container (one agent per container). */
    static final String CRASH_REPORT = "/tmp/isobench-agent-hs_err.log";

    private final Variant variant;
    private final DockerSettings settings;
    private final DockerEngine engine;
    private final String containerId;
    private final AttachedStdio stdio;
    private final AgentClient agent;
    private final Map<String, Object> insideFacts;
    private final Map<String, Object> facts;
    private final List<Integer> ports;
    private final String containerIp;
    private final Ports publishedPorts;
    private final List<Cleanup.Handle> handles;
    private final DeathWatch watch;
    private volatile boolean paused;

    private DockerInstance(Variant variant, DockerSettings settings, DockerEngine engine, String containerId, AttachedStdio stdio,
                           AgentClient agent, Map<String, Object> insideFacts, Map<String, Object> facts, List<Integer> ports,
                           String containerIp, Ports publishedPorts, List<Cleanup.Handle> handles, DeathWatch watch) {
        this.variant = variant;
        this.settings = settings;
        this.engine = engine;
        this.containerId = containerId;
        this.stdio = stdio;
        this.agent = agent;
        // facts are built once, in start(), and read only from here on
        this.insideFacts = java.util.Collections.unmodifiableMap(insideFacts);
        this.facts = java.util.Collections.unmodifiableMap(facts);
        this.ports = ports;
        this.containerIp = containerIp;
        this.publishedPorts = publishedPorts;
        this.handles = handles;
        this.watch = watch;
    }

    static DockerInstance start(Variant variant, DockerSettings s, StartContext ctx) throws Exception {
        // handles in creation order; closed newest first
        List<Cleanup.Handle> handles = new ArrayList<>();
        DockerEngine engine = DockerEngine.connect();
        handles.add(ctx.cleanup().register("docker client", engine::close));
        AttachedStdio stdio = null;
        AgentClient agent = null;
        try {
            // where start-up time goes (for bench/startup.sh and the record): milliseconds per phase
            Map<String, Long> phases = new LinkedHashMap<>();
            long mark = System.nanoTime();
            DockerEngine.EngineInfo info = engine.info();
            mark = phase(phases, "engine_info", mark);
            s.check(info);
            DockerImages images = new DockerImages(engine, new GuestImages(ImageCache.standard(), DockerInstance::say), DockerInstance::say);
            DockerImages.GuestImage image = images.guest(s.image(), ctx.agent());
            mark = phase(phases, "image", mark);

            String unique = ctx.runId() + "-" + variant.slug() + "-" + randomHex();
            String name = NAME_PREFIX + unique;
            Map<String, String> labels = Map.of(DockerEngine.RUN_LABEL, ctx.runId(), DockerEngine.VARIANT_LABEL, variant.label(),
                    DockerEngine.INSTANCE_LABEL, name);
            String runId = ctx.runId();

            HostConfig hc = HostConfig.newHostConfig()
                    .withNetworkMode(s.network() == DockerSettings.Network.NAT || s.network() == DockerSettings.Network.PROXY
                            ? "bridge" : s.network().lower())
                    .withRuntime(s.engineRuntime());
            if (s.nanoCpus() > 0) {
                hc.withNanoCPUs(s.nanoCpus());
            }
            if (s.cpusetCpus() != null) {
                hc.withCpusetCpus(s.cpusetCpus());
            }
            if (s.memoryBytes() > 0) {
                // swap included: the limit is what the container gets, not twice that
                hc.withMemory(s.memoryBytes()).withMemorySwap(s.memoryBytes());
            }

            // storage: where the agent's data directory lives
            String dataDir = OVERLAY_DATA_DIR;
            String storageSource = "container filesystem (" + info.storageDriver() + ")";
            if (s.storage() == DockerSettings.Storage.VOLUME) {
                String volume = name;
                EngineCall creation = new EngineCall("volume " + volume);
                handles.add(ctx.cleanup().register("docker volume " + volume, () -> removeVolumes(runId, volume, creation)));
                creation.run(() -> engine.quick().createVolumeCmd().withName(volume).withLabels(labels).exec());
                stopIfInterrupted(creation);
                hc.withBinds(new Bind(volume, new Volume(MOUNTED_DATA_DIR)));
                dataDir = MOUNTED_DATA_DIR;
                storageSource = "volume " + volume;
            } else if (s.storage() == DockerSettings.Storage.BIND) {
                Path folder = Path.of(BIND_ROOT, name);
                handles.add(ctx.cleanup().register("folder " + folder, () -> Files2.deleteRecursively(folder)));
                Files.createDirectories(folder.resolve("data"));
                Files.writeString(folder.resolve(BIND_MARKER), ctx.runId() + "\n");
                hc.withBinds(new Bind(folder.resolve("data").toString(), new Volume(MOUNTED_DATA_DIR)));
                dataDir = MOUNTED_DATA_DIR;
                storageSource = "bind " + folder;
            }

            // ports: fixed inside a private network namespace, free host ports when sharing the host's
            List<Integer> ports = s.network() == DockerSettings.Network.HOST ? freePorts(INSIDE_PORTS.size()) : INSIDE_PORTS;
            List<ExposedPort> exposed = new ArrayList<>();
            String publishOn = publishAddress(s.network(), ctx.clientAddress());
            if (publishOn != null) {
                Ports bindings = new Ports();
                for (int p : ports) {
                    for (ExposedPort e : List.of(ExposedPort.tcp(p), ExposedPort.udp(p))) {
                        exposed.add(e);
                        bindings.bind(e, Ports.Binding.bindIp(publishOn));
                    }
                }
                hc.withPortBindings(bindings);
            }

            // a JVM crash report goes to a known file in the container, copied out into the run's logs when the agent dies
            List<String> jvm = new ArrayList<>(AgentLauncher.defaultJvmOptions());
            jvm.add("-XX:ErrorFile=" + CRASH_REPORT);
            if (s.memoryBytes() > 0) {
                // the heap leaves room, inside the limit, for what the workloads allocate outside it
                jvm.add(AgentMemory.heapOption(s.memoryBytes(), ctx.offHeap()));
            }
            List<String> command = GuestImages.agentCommand(jvm);
            CreateContainerCmd create = engine.quick().createContainerCmd(image.tag()).withName(name).withLabels(labels)
                    .withCmd(command).withEnv(ctx.agent().environment().assignments()).withAttachStdin(true).withAttachStdout(true).withAttachStderr(true).withStdinOpen(true)
                    .withStdInOnce(false).withTty(false).withHostConfig(hc);
            if (!exposed.isEmpty()) {
                create.withExposedPorts(exposed);
            }
            // registered before it exists: the removal waits for the create call to end, then removes
            // what carries this instance's labels, whether or not the answer reached us
            EngineCall creation = new EngineCall("container " + name);
            handles.add(ctx.cleanup().register("docker container " + name, () -> removeContainers(runId, name, creation, s.gvisor())));
            Thread starter = Thread.currentThread();
            String id = creation.run(() -> {
                String made = create.exec().getId();
                holdForTests(made, starter);
                return made;
            });
            stopIfInterrupted(creation);
            mark = phase(phases, "create", mark);

            Path log = ctx.logDir().resolve("agent-" + variant.slug() + ".log");
            stdio = AttachedStdio.attach(engine, id, log, Duration.ofSeconds(30));
            mark = phase(phases, "attach", mark);
            engine.quick().startContainerCmd(id).exec();
            mark = phase(phases, "start", mark);
            AttachedStdio io = stdio;
            DeathWatch watch = new DeathWatch(engine, id, io, log, ctx.logDir().resolve("agent-" + variant.slug() + "-hs_err.log"));
            agent = new AgentClient("agent in " + variant.label(), stdio.fromAgent(), stdio.toAgent(),
                    () -> diagnostics(engine, id, io, log), watch);

            Map<String, Object> inside = agent.call(new Protocol.Hello(dataDir), ctx.bootTimeout()).facts();
            mark = phase(phases, "agent_hello", mark);

            InspectContainerResponse c = engine.quick().inspectContainerCmd(id).exec();
            String ip = containerIp(c);
            Ports published = c.getNetworkSettings() == null ? null : c.getNetworkSettings().getPorts();
            if (s.network() == DockerSettings.Network.BRIDGE && ip == null) {
                throw new IOException("the engine reports no bridge address for container " + id);
            }
            phase(phases, "inspect", mark);
            Map<String, Object> facts = facts(c, s, image, info, name, dataDir, storageSource, ip, published, ports, command);
            if (publishOn != null) {
                facts.put("published_on", publishOn);
                facts.put("published_path", publishedPath(publishOn));
            }
            facts.put("start_phases_ms", phases);
            return new DockerInstance(variant, s, engine, id, stdio, agent, inside, facts, List.copyOf(ports), ip, published,
                    List.copyOf(handles), watch);
        } catch (Exception | Error e) {
            if (agent != null) {
                agent.close();
            }
            if (stdio != null) {
                stdio.close();
            }
            for (int i = handles.size() - 1; i >= 0; i--) {
                handles.get(i).close();
            }
            throw e;
        }
    }

    /**
     * Where ports are published: for nat on the host's address facing the load side (its traffic
     * then meets the kernel's DNAT in PREROUTING), or on 127.0.0.1 when the load runs on the host
     * itself (client=local: docker-proxy serves it); for proxy always on 127.0.0.1. Null when
     * nothing is published (host, bridge, none).
     */
    static String publishAddress(DockerSettings.Network network, String clientAddress) {
        return switch (network) {
            case NAT -> clientAddress == null ? LOOPBACK : clientAddress;
            case PROXY -> LOOPBACK;
            default -> null;
        };
    }

    static final String LOOPBACK = "127.0.0.1";

    /** What carries traffic to a published port, for the record. */
    static String publishedPath(String publishOn) {
        return LOOPBACK.equals(publishOn)
                ? "docker-proxy: the userland relay serving a port published on 127.0.0.1 to the host itself"
                : "kernel DNAT (iptables PREROUTING) of a port published on " + publishOn + ", the host's address facing the client";
    }

    private static long phase(Map<String, Long> phases, String name, long since) {
        long now = System.nanoTime();
        phases.put(name, (now - since) / 1_000_000);
        return now;
    }

    private static String randomHex() {
        byte[] b = new byte[2];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void say(String message) {
        Console.say("isobench: " + message);
    }

    /** The container's own address on its network, or null without one (host, none). */
    private static String containerIp(InspectContainerResponse c) {
        if (c.getNetworkSettings() == null || c.getNetworkSettings().getNetworks() == null) {
            return null;
        }
        for (ContainerNetwork n : c.getNetworkSettings().getNetworks().values()) {
            if (n.getIpAddress() != null && !n.getIpAddress().isBlank()) {
                return n.getIpAddress();
            }
        }
        return null;
    }

    private static Map<String, Object> facts(InspectContainerResponse c, DockerSettings s, DockerImages.GuestImage image,
                                             DockerEngine.EngineInfo info, String name, String dataDir, String storageSource,
                                             String ip, Ports published, List<Integer> ports, List<String> command) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("container_id", c.getId());
        f.put("container_name", name);
        f.put("image", image.tag());
        f.put("image_id", image.id());
        f.put("image_flavor", image.flavor().lower());
        f.put("network", s.network().lower());
        f.put("storage", s.storage().lower());
        f.put("storage_source", storageSource);
        f.put("data_dir", dataDir);
        f.putAll(io.isobench.env.DirectIoPath.facts(s.directIo(), s.directIoPath(info.storageDriver(),
                info.runtimeArgs().getOrDefault(s.engineRuntime(), List.of()))));
        if (s.gvisor()) {
            f.put("gvisor_network", s.gvisorNetworkFact());
            f.put("engine_runtime", s.engineRuntime());
        }
        f.put("container_ip", ip);
        f.put("server_ports", ports);
        HostConfig hc = c.getHostConfig();
        Map<String, Object> h = new LinkedHashMap<>();
        if (hc != null) {
            h.put("network_mode", hc.getNetworkMode());
            h.put("runtime", hc.getRuntime());
            h.put("nano_cpus", hc.getNanoCPUs());
            h.put("cpuset_cpus", hc.getCpusetCpus());
            h.put("memory", hc.getMemory());
            h.put("memory_swap", hc.getMemorySwap());
            h.put("binds", hc.getBinds() == null ? List.of() : java.util.Arrays.stream(hc.getBinds()).map(Bind::toString).toList());
        }
        List<String> mounts = new ArrayList<>();
        if (c.getMounts() != null) {
            for (InspectContainerResponse.Mount m : c.getMounts()) {
                mounts.add((m.getName() != null ? "volume " + m.getName() : "bind " + m.getSource()) + " -> "
                        + (m.getDestination() == null ? "?" : m.getDestination().getPath()));
            }
        }
        h.put("mounts", mounts);
        Map<String, String> bindings = new LinkedHashMap<>();
        if (published != null && published.getBindings() != null) {
            published.getBindings().forEach((port, b) -> {
                if (b != null && b.length > 0) {
                    bindings.put(port.toString(), b[0].getHostIp() + ":" + b[0].getHostPortSpec());
                }
            });
        }
        h.put("port_bindings", bindings);
        f.put("host_config", h);
        f.putAll(info.toMap());
        f.put("agent_command", String.join(" ", command));
        return f;
    }

    /** What to append to an agent failure: the container's state and the agent's stderr tail. */
    private static String diagnostics(DockerEngine engine, String id, AttachedStdio stdio, Path log) {
        String state;
        try {
            var st = engine.quick().inspectContainerCmd(id).exec().getState();
            state = "container " + id.substring(0, 12) + " " + st.getStatus() + (Boolean.TRUE.equals(st.getRunning()) ? ""
                    : " (exit " + st.getExitCodeLong() + (Boolean.TRUE.equals(st.getOOMKilled()) ? ", killed: out of memory" : "")
                    + (st.getError() == null || st.getError().isBlank() ? "" : ", " + st.getError()) + ")");
        } catch (RuntimeException e) {
            state = "container " + id.substring(0, 12) + ": " + Errors.describe(e);
        }
        return state + "; " + stdio.endReason() + "; stderr tail (" + log + "):\n" + Files2.tail(log, 2000);
    }

    /**
     * Tells that the agent died, and why. The agent is the container's only process, so its end
     * ends the attach stream (a flag: cheap to poll); only then is the engine asked for the
     * container's state (exit code, OOMKilled) and a crash report copied out of the stopped
     * container into the run's logs, before the container is removed.
     */
    static final class DeathWatch implements AgentClient.Watch {
        private final DockerEngine engine;
        private final String id;
        private final AttachedStdio stdio;
        private final Path log;
        private final Path crashCopy;
        private volatile AgentException.Death death;
        private long endSeenAt;

        DeathWatch(DockerEngine engine, String id, AttachedStdio stdio, Path log, Path crashCopy) {
            this.engine = engine;
            this.id = id;
            this.stdio = stdio;
            this.log = log;
            this.crashCopy = crashCopy;
        }

        @Override
        public synchronized AgentException.Death death() {
            if (death != null || !stdio.ended()) {
                return death;
            }
            InspectContainerResponse.ContainerState st;
            try {
                st = engine.quick().inspectContainerCmd(id).exec().getState();
            } catch (NotFoundException gone) {
                return death = new AgentException.Death("the container " + id.substring(0, 12) + " is gone (removed from outside)", log.toString());
            } catch (RuntimeException e) {
                return death = new AgentException.Death("the attach stream ended and the engine does not answer ("
                        + Errors.describe(e) + ")", log.toString());
            }
            if (Boolean.TRUE.equals(st.getRunning())) {
                // the engine may close the stream a moment before it records the exit: ask again shortly
                if (endSeenAt == 0) {
                    endSeenAt = System.nanoTime();
                }
                if (System.nanoTime() - endSeenAt < 3_000_000_000L) {
                    return null;
                }
                // the engine dropped the attach while the container runs: the agent may live but is unreachable
                return death = new AgentException.Death("the engine ended the attach stream while the container runs ("
                        + stdio.endReason() + ")", log.toString());
            }
            Long code = st.getExitCodeLong();
            String cause = "the container " + id.substring(0, 12) + " stopped: the agent "
                    + (code == null ? "ended (no exit code)" : AgentException.Death.exitStatus(code.intValue()));
            if (Boolean.TRUE.equals(st.getOOMKilled())) {
                cause = "OOM-killed: the container " + id.substring(0, 12) + " reached its memory limit (Docker's OOMKilled; "
                        + (code == null ? "" : AgentException.Death.exitStatus(code.intValue())) + ")";
            }
            String where = log.toString();
            if (copyCrashReport()) {
                String crash = CrashReport.describe(crashCopy);
                cause += crash == null ? "" : "; " + crash;
                where = crashCopy.toString();
            }
            return death = new AgentException.Death(cause, where);
        }

        /** Copies the container's crash report (if the JVM wrote one) into the run's logs; true when there was one. */
        private boolean copyCrashReport() {
            try (InputStream tar = engine.quick().copyArchiveFromContainerCmd(id, CRASH_REPORT).exec();
                 TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
                for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                    if (e.isFile()) {
                        Files.copy(in, crashCopy, StandardCopyOption.REPLACE_EXISTING);
                        return true;
                    }
                }
            } catch (NotFoundException none) {
                // no report: the JVM did not crash (killed, OOM, or a plain exit)
            } catch (IOException | RuntimeException e) {
                Console.say("isobench: could not copy the crash report out of container " + id.substring(0, 12) + ": "
                        + e.getMessage());
            }
            return false;
        }
    }

    /** Free host ports (TCP and UDP both free) for servers sharing the host's network namespace. */
    static List<Integer> freePorts(int n) throws IOException {
        return io.isobench.core.Ports.freeTcpAndUdp(n, null, INSIDE_PORTS);
    }

    /** How long a removal waits for the engine to answer the create call it removes after. */
    private static final Duration CREATE_WAIT = Duration.ofSeconds(60);

    /** Ctrl-C struck while the engine created something: it exists now, and its removal is registered. */
    private static void stopIfInterrupted(EngineCall creation) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while the engine created " + creation.what());
        }
    }

    /** The labels that pick one instance's containers and volumes out of everything on the engine: never another run's. */
    private static List<String> labelFilter(String runId, String instance) {
        return List.of(DockerEngine.RUN_LABEL + "=" + runId, DockerEngine.INSTANCE_LABEL + "=" + instance);
    }

    /**
     * Removes the containers labelled with this run and instance, once the create call has ended,
     * through a connection of its own: the instance's may be closed by then, or be the one the
     * interrupted call was on.
     */
    private static void removeContainers(String runId, String instance, EngineCall creation, boolean gvisor) throws IOException {
        boolean answered = creation.awaitEnd(CREATE_WAIT);
        try (DockerEngine engine = DockerEngine.connect()) {
            for (com.github.dockerjava.api.model.Container c : engine.quick().listContainersCmd().withShowAll(true)
                    .withFilter("label", labelFilter(runId, instance)).exec()) {
                try {
                    engine.quick().removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                } catch (NotFoundException gone) {
                    // removed meanwhile
                }
                if (gvisor) {
                    // a runsc that failed to start a sandbox leaves its shim, gofer and sandbox running after the removal
                    GvisorProbe.stopLeftProcesses(c.getId());
                }
            }
        }
        if (!answered) {
            throw new IOException("the engine had not answered the creation of " + creation.what() + " within " + CREATE_WAIT.toSeconds()
                    + " s; if it appears later, isobench doctor --clean removes it");
        }
    }

    /** Removes the volumes labelled with this run and instance, as {@link #removeContainers} does containers. */
    private static void removeVolumes(String runId, String instance, EngineCall creation) throws IOException, InterruptedException {
        boolean answered = creation.awaitEnd(CREATE_WAIT);
        try (DockerEngine engine = DockerEngine.connect()) {
            var found = engine.quick().listVolumesCmd().withFilter("label", labelFilter(runId, instance)).exec().getVolumes();
            for (var v : found == null ? List.<com.github.dockerjava.api.command.InspectVolumeResponse>of() : found) {
                // a volume is busy until its container is gone: the engine may still be tearing it down
                for (int i = 0; ; i++) {
                    try {
                        engine.quick().removeVolumeCmd(v.getName()).exec();
                        break;
                    } catch (NotFoundException gone) {
                        break;
                    } catch (com.github.dockerjava.api.exception.ConflictException busy) {
                        if (i >= 20) {
                            throw busy;
                        }
                        Thread.sleep(250);
                    }
                }
            }
        }
        if (!answered) {
            throw new IOException("the engine had not answered the creation of " + creation.what() + " within " + CREATE_WAIT.toSeconds()
                    + " s; if it appears later, isobench doctor --clean removes it");
        }
    }

    /**
     * For CreateInterruptIT only: with {@value #HOLD_PROPERTY} naming a file, the container's id
     * is written there once the engine has created it, and the answer is held back from the
     * start until the run is being stopped (its thread interrupted, or the JVM shutting down), at
     * most a minute: Ctrl-C then surely strikes while the container is being created. Never set
     * otherwise.
     */
    static final String HOLD_PROPERTY = "isobench.testHoldCreate";

    private static void holdForTests(String id, Thread starter) throws IOException {
        String file = System.getProperty(HOLD_PROPERTY);
        if (file == null) {
            return;
        }
        Files.writeString(Path.of(file), id + "\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !starter.isInterrupted() && !shuttingDown()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    @Override
    public Variant variant() {
        return variant;
    }

    @Override
    public AgentClient agent() {
        return agent;
    }

    @Override
    public Map<String, Object> insideFacts() {
        return insideFacts;
    }

    @Override
    public Map<String, Object> facts() {
        return facts;
    }

    @Override
    public List<Integer> serverPorts() {
        return ports;
    }

    String containerId() {
        return containerId;
    }

    @Override
    public Endpoint endpoint(int insidePort, Transport transport) {
        if (!ports.contains(insidePort)) {
            throw new IllegalArgumentException("port " + insidePort + " is not one of this container's server ports " + ports);
        }
        return switch (settings.network()) {
            case HOST -> new Endpoint("127.0.0.1", insidePort, "docker-host");
            case BRIDGE -> new Endpoint(containerIp, insidePort, "docker-bridge");
            case NAT, PROXY -> {
                String on = publishAddress(settings.network(), publishedOn());
                yield new Endpoint(on, publishedPort(insidePort, transport),
                        LOOPBACK.equals(on) ? "docker-proxy" : "docker-nat (kernel DNAT)");
            }
            case NONE -> throw new BadInputException(variant.label() + " has network=none: the host cannot reach a server inside; "
                    + "run server workloads with docker network=nat, proxy, bridge or host (with runtime=runsc: runsc_network=host where "
                    + "gVisor's own stack is refused)");
        };
    }

    /** The address the engine published this container's ports on (read back from its inspect). */
    private String publishedOn() {
        Object on = facts.get("published_on");
        return on == null ? null : on.toString();
    }

    /** The host port the engine published for an inside port, read from the container's inspect. */
    private int publishedPort(int insidePort, Transport transport) {
        ExposedPort key = new ExposedPort(insidePort, transport == Transport.UDP ? InternetProtocol.UDP : InternetProtocol.TCP);
        Ports.Binding[] b = publishedPorts == null || publishedPorts.getBindings() == null ? null : publishedPorts.getBindings().get(key);
        if (b == null || b.length == 0 || b[0].getHostPortSpec() == null) {
            throw new IllegalStateException("the engine published no host port for " + key + " of container " + containerId);
        }
        return Integer.parseInt(b[0].getHostPortSpec());
    }

    /**
     * Freezes the container. runc gives the freezer cgroup only a few milliseconds; a container
     * throttled by a CPU quota (cpus=0.5) may not settle in that time ("unable to freeze"), so
     * the pause is tried again for up to about two seconds.
     */
    @Override
    public void pause() throws InterruptedException {
        if (paused) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                engine.quick().pauseContainerCmd(containerId).exec();
                paused = true;
                return;
            } catch (com.github.dockerjava.api.exception.InternalServerErrorException e) {
                if (attempt >= 20 || e.getMessage() == null || !e.getMessage().contains("freeze")) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void resume() {
        if (paused) {
            engine.quick().unpauseContainerCmd(containerId).exec();
            paused = false;
        }
    }

    /**
     * The container's cgroup memory less its inactive page cache, as {@code docker stats} counts it
     * (cgroup v1 with the cgroupfs driver, or v2), -1 when the cgroup cannot be found.
     */
    @Override
    public long hostMemoryBytes() {
        for (java.nio.file.Path dir : List.of(java.nio.file.Path.of("/sys/fs/cgroup/memory/docker", containerId),
                java.nio.file.Path.of("/sys/fs/cgroup/docker", containerId),
                java.nio.file.Path.of("/sys/fs/cgroup/system.slice", "docker-" + containerId + ".scope"))) {
            var usage = io.isobench.host.HostFacts.SysFiles.firstLine(dir.resolve("memory.usage_in_bytes"))
                    .or(() -> io.isobench.host.HostFacts.SysFiles.firstLine(dir.resolve("memory.current")));
            if (usage.isEmpty()) {
                continue;
            }
            long inactive = 0;
            for (String l : io.isobench.host.HostFacts.SysFiles.lines(dir.resolve("memory.stat"))) {
                String[] kv = l.split("\\s+");
                if (kv.length == 2 && (kv[0].equals("total_inactive_file") || kv[0].equals("inactive_file"))) {
                    inactive = Long.parseLong(kv[1]);
                }
            }
            return Math.max(0, Long.parseLong(usage.get()) - inactive);
        }
        return -1;
    }

    @Override
    public boolean alive() {
        if (stdio.ended()) {
            return false;
        }
        try {
            return Boolean.TRUE.equals(engine.quick().inspectContainerCmd(containerId).exec().getState().getRunning());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            if (paused) {
                resume();
            }
            if (!agent.broken() && !stdio.ended()) {
                agent.call(new Protocol.Shutdown(), Duration.ofSeconds(5));
                // the agent exits after its goodbye; give the container a moment to stop by itself
                engine.quick().waitContainerCmd(containerId).start().awaitCompletion(5, TimeUnit.SECONDS);
            }
        } catch (Exception ignored) {
            // it is removed by force below
        }
        if (stdio.ended()) {
            // the agent ended without a goodbye, maybe between requests: its crash report, if any, goes with the run's logs first
            watch.death();
        }
        agent.close();
        stdio.close();
        for (int i = handles.size() - 1; i >= 0; i--) {
            handles.get(i).close();
        }
    }
}
