package io.isobench.env.docker;

import io.isobench.core.Errors;
import io.isobench.env.Availability;
import io.isobench.env.Environment;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.core.ParamSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Docker containers on the local Docker Engine, driven through its API (docker-java on the unix
 * socket). The agent runs as the container's command with its stdio attached; the variants are
 * the configurations the study found to matter (network path, storage, runtime) and resource
 * limits. Every container and volume carries the labels {@value DockerEngine#RUN_LABEL},
 * {@value DockerEngine#VARIANT_LABEL} and {@value DockerEngine#INSTANCE_LABEL} and is removed at the
 * end, on failure and on Ctrl-C (also one struck while the engine was creating it: see
 * {@link EngineCall}), by those labels only.
 */
public final class DockerEnvironment implements Environment {

    static final String SETUP_FIX = "scripts/setup-host.sh (installs docker.io and starts dockerd)";

    /** What the engine said when last asked; null until then (or while it does not answer). */
    private static volatile DockerEngine.EngineInfo lastSeen;

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public String description() {
        return "a Docker container on the local engine (network nat|proxy|bridge|host|none, storage overlay|volume|bind, runtime runc|runsc, "
                + "runsc_network sandbox|host, cpus/cpuset/memory limits)";
    }

    @Override
    public List<ParamSpec> settings() {
        return DockerSettings.specs();
    }

    /** The study's two network paths: Docker's default NAT through a published port, and the host's own network. */
    @Override
    public List<Map<String, String>> defaultVariants() {
        return List.of(Map.of(DockerSettings.NETWORK.name(), DockerSettings.Network.NAT.lower()),
                Map.of(DockerSettings.NETWORK.name(), DockerSettings.Network.HOST.lower()));
    }

    @Override
    public List<io.isobench.env.Leftover> leftovers() {
        List<io.isobench.env.Leftover> out = new java.util.ArrayList<>();
        try (DockerEngine engine = DockerEngine.connect(java.time.Duration.ofSeconds(5))) {
            DockerLeftovers finder = new DockerLeftovers(engine);
            for (DockerLeftovers.Leftover l : finder.find(null)) {
                long bytes = l.kind().equals("folder") ? io.isobench.core.Files2.diskUsage(java.nio.file.Path.of(l.name())) : -1;
                out.add(new io.isobench.env.Leftover(l.runId(), l.kind(), l.name(), bytes, l.state() == null ? "" : l.state(), () -> {
                    // a fresh connection: the one that found it is closed by then
                    try (DockerEngine e = DockerEngine.connect(java.time.Duration.ofSeconds(10))) {
                        List<String> failed = new DockerLeftovers(e).remove(List.of(l));
                        if (!failed.isEmpty()) {
                            throw new java.io.IOException(String.join("; ", failed));
                        }
                    }
                }));
            }
        } catch (RuntimeException e) {
            // no engine answers: nothing of docker's that could be seen
        }
        return out;
    }

    @Override
    public Map<String, String> shapedFacts(Map<String, String> settings) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        String cpus = DockerSettings.CPUS.from(settings, "docker setting");
        String cpuset = DockerSettings.CPUSET.from(settings, "docker setting");
        if (!cpus.equals(DockerSettings.NONE) || !cpuset.equals(DockerSettings.NONE)) {
            m.put(io.isobench.core.IdentityFact.CPUS, "the container's CPU limit (cpus=" + cpus + ", cpuset=" + cpuset + ")");
        }
        if (DockerSettings.GVISOR.equals(DockerSettings.RUNTIME.from(settings, "docker setting"))) {
            String why = "gVisor's kernel (the Sentry) manages the sandbox's memory itself";
            m.put("inside.page_size", why);
            m.put("inside.thp", why);
            // the Sentry writes its own /proc/cpuinfo, whose model name is "unknown"; the CPU and its
            // features (inside.cpu_isa, still compared) are the host's
            m.put(io.isobench.core.IdentityFact.CPU_MODEL, "gVisor's /proc/cpuinfo does not name the CPU model (the CPU is the host's; its features are compared)");
            m.put(io.isobench.env.DirectIoPath.PATH, "gVisor's gofer opens host files without O_DIRECT (google/gvisor#3626): the"
                    + " sandbox's O_DIRECT writes land in the host's page cache, on any storage (" + io.isobench.env.DirectIoPath.EVIDENCE + ")");
        }
        return m;
    }

    @Override
    public Availability probe(HostFacts host) {
        try (DockerEngine engine = DockerEngine.connect(Duration.ofSeconds(3))) {
            DockerEngine.EngineInfo info = engine.info();
            lastSeen = info;
            return Availability.yes(info.describe());
        } catch (RuntimeException e) {
            return Availability.no("no Docker Engine answers on " + DockerEngine.defaultHost() + " (" + Errors.describe(e) + ")", SETUP_FIX);
        }
    }

    @Override
    public void validate(Variant variant) {
        DockerSettings s = DockerSettings.of(variant);
        if (lastSeen == null) {
            probe(null);
        }
        if (lastSeen != null) {
            s.check(lastSeen);
        }
    }

    @Override
    public String unreachableReason(Variant variant) {
        return DockerSettings.of(variant).network() == DockerSettings.Network.NONE
                ? "network=none gives the host no path to a server inside" : null;
    }

    /**
     * gVisor's own network stack where runsc refuses it: told by starting one sandbox with it
     * ({@link GvisorProbe}), and said in runsc's words. Every other variant the engine's runtimes
     * allow can start (what they lack is bad input, refused by {@link #validate}). Null when no
     * engine answers: the run says so elsewhere.
     */
    @Override
    public String unavailableReason(Variant variant) {
        DockerSettings s = DockerSettings.of(variant);
        if (!s.gvisor() || s.network() == DockerSettings.Network.NONE || s.gvisorNetwork() != DockerSettings.GvisorNetwork.SANDBOX) {
            return null;
        }
        try (DockerEngine engine = DockerEngine.connect(Duration.ofSeconds(30))) {
            String refusal = GvisorProbe.refusal(engine, s.engineRuntime());
            return refusal == null ? null : "runsc refuses gVisor's own network stack (runsc_network=sandbox) on this host; runsc "
                    + "said: " + refusal + " (runsc_network=host, the host-network passthrough, runs)";
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null; // no engine, or the probe could not run: the start will say what is wrong
        }
    }

    @Override
    public long memoryBytes(Variant variant) {
        long m = DockerSettings.of(variant).memoryBytes();
        return m > 0 ? m : -1;
    }

    @Override
    public EnvironmentInstance start(Variant variant, StartContext ctx) throws Exception {
        return DockerInstance.start(variant, DockerSettings.of(variant), ctx);
    }
}
