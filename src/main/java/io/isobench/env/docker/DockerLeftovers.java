package io.isobench.env.docker;

import io.isobench.core.Errors;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.isobench.core.Files2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What runs left behind: containers and volumes labelled {@value DockerEngine#RUN_LABEL} (a run
 * killed with SIGKILL, a host that lost power) and bind folders {@code /var/tmp/isobench-*} that
 * no container uses. {@code isobench doctor} lists them, {@code isobench doctor --clean} removes
 * them. Images are a cache, not leftovers: {@code isobench image list|rm} handles those.
 */
public final class DockerLeftovers {

    /** One thing left behind: its kind (container, volume, folder), name, run id and state. */
    public record Leftover(String kind, String name, String runId, String state) {

        @Override
        public String toString() {
            return kind + " " + name + " (run " + runId + (state == null || state.isBlank() ? "" : ", " + state) + ")";
        }
    }

    private final DockerEngine engine;
    private final Path bindRoot;

    public DockerLeftovers(DockerEngine engine) {
        this(engine, Path.of(DockerInstance.BIND_ROOT));
    }

    DockerLeftovers(DockerEngine engine, Path bindRoot) {
        this.engine = engine;
        this.bindRoot = bindRoot;
    }

    /** Everything labelled with any run id; {@code runId} null means every run. */
    public List<Leftover> find(String runId) {
        String filter = runId == null ? DockerEngine.RUN_LABEL : DockerEngine.RUN_LABEL + "=" + runId;
        List<Leftover> out = new ArrayList<>();
        List<Container> containers = engine.quick().listContainersCmd().withShowAll(true)
                .withFilter("label", List.of(filter)).exec();
        List<String> boundFolders = new ArrayList<>();
        for (Container c : containers) {
            String name = c.getNames() != null && c.getNames().length > 0 ? c.getNames()[0].replaceFirst("^/", "") : c.getId();
            out.add(new Leftover("container", name, label(c.getLabels()), c.getState()));
            if (c.getMounts() != null) {
                c.getMounts().forEach(m -> {
                    if (m.getSource() != null && Path.of(m.getSource()).getParent() != null) {
                        boundFolders.add(Path.of(m.getSource()).getParent().toString());
                    }
                });
            }
        }
        List<InspectVolumeResponse> volumes = engine.quick().listVolumesCmd().withFilter("label", List.of(filter)).exec().getVolumes();
        if (volumes != null) {
            for (InspectVolumeResponse v : volumes) {
                out.add(new Leftover("volume", v.getName(), label(v.getLabels()), null));
            }
        }
        // bind folders: isobench-<runId>-<variant>-<random>, with a marker naming the run; those of a
        // running container are reported with it
        try (var s = Files.list(bindRoot)) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(DockerInstance.NAME_PREFIX) && (runId == null || n.startsWith(DockerInstance.NAME_PREFIX + runId + "-"))
                        && !boundFolders.contains(p.toString()) && Files.exists(p.resolve(DockerInstance.BIND_MARKER))) {
                    out.add(new Leftover("folder", p.toString(), Files.readString(p.resolve(DockerInstance.BIND_MARKER)).strip(), null));
                }
            }
        } catch (IOException e) {
            // no folder to look in
        }
        return out;
    }

    private static String label(Map<String, String> labels) {
        return labels == null ? "?" : labels.getOrDefault(DockerEngine.RUN_LABEL, "?");
    }

    /** Removes what {@link #find} found: containers first (they hold the volumes), then volumes and folders. */
    public List<String> remove(List<Leftover> leftovers) {
        List<String> failures = new ArrayList<>();
        for (String kind : List.of("container", "volume", "folder")) {
            for (Leftover l : leftovers) {
                if (!l.kind().equals(kind)) {
                    continue;
                }
                try {
                    switch (kind) {
                        case "container" -> engine.quick().removeContainerCmd(l.name()).withForce(true).withRemoveVolumes(true).exec();
                        case "volume" -> engine.quick().removeVolumeCmd(l.name()).exec();
                        default -> Files2.deleteRecursively(Path.of(l.name()));
                    }
                } catch (NotFoundException gone) {
                    // removed meanwhile
                } catch (RuntimeException | IOException e) {
                    failures.add(l + ": " + Errors.describe(e));
                }
            }
        }
        return failures;
    }
}
