package io.isobench.env.docker;

import io.isobench.core.Console;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import io.isobench.image.Flavor;
import io.isobench.image.GuestImages;
import io.isobench.image.ImageCache;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the engine can start a gVisor sandbox with a network mode, told by starting one: a
 * container of the small base image (busybox, no JRE) running {@code true} under the mode's
 * runtime on Docker's bridge, as a variant would. runsc sets the sandbox's network up before the
 * command runs, so a refusal shows at start, in runsc's own words ("cannot run with network
 * enabled in root network namespace" where the netstack is refused). The container is removed
 * and, since a runsc that fails to start leaves its shim, gofer and sandbox processes behind, so
 * are those (see {@link #stopLeftProcesses}). One probe per engine runtime and JVM.
 */
final class GvisorProbe {

    /** The run id the probe's container is labelled with, so doctor can tell it apart if it is ever left. */
    static final String PROBE_RUN = "gvisor-probe";
    private static final Map<String, Optional<String>> REFUSALS = new ConcurrentHashMap<>();
    /** runsc's message inside the engine's: "OCI runtime start failed: starting container: ...: unknown". */
    private static final Pattern RUNSC_WORDS = Pattern.compile("OCI runtime (?:create|start) failed: (.*?)(?:: unknown)?\\s*$", Pattern.DOTALL);

    private GvisorProbe() {
    }

    /**
     * Why {@code runtime} cannot start a sandbox with a network on this engine (runsc's words), or
     * null when it starts one.
     */
    static String refusal(DockerEngine engine, String runtime) throws Exception {
        String key = engine.host() + " " + runtime;
        Optional<String> seen = REFUSALS.get(key);
        if (seen != null) {
            return seen.orElse(null);
        }
        synchronized (GvisorProbe.class) {
            seen = REFUSALS.get(key);
            if (seen == null) {
                seen = Optional.ofNullable(probe(engine, runtime));
                REFUSALS.put(key, seen);
            }
        }
        return seen.orElse(null);
    }

    private static String probe(DockerEngine engine, String runtime) throws Exception {
        DockerImages images = new DockerImages(engine, new GuestImages(ImageCache.standard(), m -> Console.say("isobench: " + m)),
                m -> Console.say("isobench: " + m));
        String image = images.base(Flavor.SMALL);
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        String name = DockerInstance.NAME_PREFIX + PROBE_RUN + "-" + runtime + "-" + HexFormat.of().formatHex(r);
        String id = null;
        try {
            // not cut halfway by Ctrl-C: the container then exists, and the removal below finds it
            id = new EngineCall("container " + name).run(() -> engine.quick().createContainerCmd(image).withName(name)
                    .withLabels(Map.of(DockerEngine.RUN_LABEL, PROBE_RUN, DockerEngine.VARIANT_LABEL, "runtime " + runtime))
                    .withCmd(List.of("/bin/true")).withHostConfig(HostConfig.newHostConfig().withNetworkMode("bridge").withRuntime(runtime))
                    .exec().getId());
            try {
                engine.quick().startContainerCmd(id).exec();
            } catch (DockerException e) {
                return runscWords(e.getMessage());
            }
            engine.quick().waitContainerCmd(id).start().awaitCompletion(30, TimeUnit.SECONDS);
            return null;
        } finally {
            // an interrupt would close the removal's connection at once
            boolean interrupted = Thread.interrupted();
            try {
                engine.quick().removeContainerCmd(name).withForce(true).exec();
            } catch (NotFoundException gone) {
                // never created
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (id != null) {
                stopLeftProcesses(id);
            }
        }
    }

    /** runsc's part of the engine's error message (what follows "OCI runtime start failed: "), else the whole. */
    static String runscWords(String engineMessage) {
        String m = engineMessage == null ? "" : engineMessage.strip();
        // docker-java prefixes the HTTP status and wraps the engine's JSON: {"message":"..."}
        Matcher json = Pattern.compile("\"message\"\\s*:\\s*\"(.*)\"").matcher(m);
        if (json.find()) {
            m = json.group(1).replace("\\\"", "\"");
        }
        Matcher w = RUNSC_WORDS.matcher(m);
        return w.find() ? w.group(1).strip() : m;
    }

    /**
     * Ends the processes a gVisor container left after it was removed: runsc that failed to start
     * a sandbox leaves the container's containerd shim, its gofer and its sandbox running. They
     * are found by the container's full id on their command lines (which only processes of that
     * container carry), sandbox and gofer first, then the shim.
     *
     * @return how many were ended
     */
    static int stopLeftProcesses(String containerId) {
        if (containerId == null || containerId.length() < 64) {
            return 0; // only a full id is specific enough to find a container's processes by
        }
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(containerId)).orElse(false))
                .filter(p -> p.pid() != ProcessHandle.current().pid()).toList();
        int n = 0;
        for (boolean shims : new boolean[] {false, true}) {
            for (ProcessHandle p : left) {
                boolean shim = p.info().command().map(c -> c.contains("containerd-shim")).orElse(false);
                if (shim == shims && p.isAlive()) {
                    p.destroy();
                    n++;
                    try {
                        p.onExit().get(5, TimeUnit.SECONDS);
                    } catch (Exception stillThere) {
                        p.destroyForcibly();
                    }
                }
            }
        }
        return n;
    }
}
