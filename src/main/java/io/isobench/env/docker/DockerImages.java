package io.isobench.env.docker;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.Image;
import io.isobench.agent.AgentLauncher;
import io.isobench.core.ChildProcess;
import io.isobench.core.Files2;
import io.isobench.image.Flavor;
import io.isobench.image.GuestImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The guest image in the engine, built locally without any registry and cached by content hash:
 * <ol>
 *   <li>{@code isobench-base:<flavor>-<basehash>}: the cached root filesystem folder of
 *       {@link GuestImages#base}, streamed as a tar into the engine's image import
 *       ({@code POST /images/create?fromSrc=-}, through the API);</li>
 *   <li>{@code isobench-guest:<basehash>-<payloadhash>}: that base plus the payload (jlink-ed JRE
 *       and isobench jar) at {@value GuestImages#GUEST_HOME}, built through the API's
 *       {@code POST /build} from a generated Dockerfile ({@code FROM} the base, {@code COPY} the
 *       payload). The base layer is shared, so a new jar costs one payload layer.</li>
 * </ol>
 * (The import goes through docker-java's transport: see {@link DockerEngine#importImage}.)
 * Each is made only when no image of that tag exists: a hash that did not change rebuilds nothing.
 */
public final class DockerImages {

    public static final String BASE_REPO = "isobench-base";
    public static final String GUEST_REPO = "isobench-guest";
    /** Label on guest images: which base and payload they hold (for listing and pruning). */
    static final String BASE_LABEL = "isobench.base";
    static final String PAYLOAD_LABEL = "isobench.payload";
    static final String FLAVOR_LABEL = "isobench.flavor";

    /** Keeps two threads of one JVM from importing the same image (file locks guard other processes). */
    private static final Object BUILDING = new Object();

    /** A guest image ready to start containers from. */
    public record GuestImage(String tag, String id, Flavor flavor, String baseHash, String payloadHash) {
    }

    /** An isobench image the engine holds, for {@code isobench image list}. */
    public record EngineImage(String tag, String id, long sizeBytes, long created, Map<String, String> labels) {
    }

    private final DockerEngine engine;
    private final GuestImages images;
    private final Consumer<String> log;

    public DockerImages(DockerEngine engine, GuestImages images, Consumer<String> log) {
        this.engine = engine;
        this.images = images;
        this.log = log;
    }

    /** The guest image of {@code flavor} for this launcher's JRE and jar: built and imported now if missing. */
    public GuestImage guest(Flavor flavor, AgentLauncher launcher) throws IOException, InterruptedException {
        GuestImages.Base base = images.base(flavor);
        GuestImages.Payload payload = images.payload(launcher);
        String baseTag = baseTag(base);
        String tag = GUEST_REPO + ":" + base.hash() + "-" + payload.hash();
        String id = imageId(tag);
        if (id != null) {
            return new GuestImage(tag, id, flavor, base.hash(), payload.hash());
        }
        synchronized (BUILDING) {
            try (FileLock lock = images.cache().lock("docker-" + tag.replace(':', '-'))) {
                id = imageId(tag);
                if (id == null) {
                    importBase(base, baseTag);
                    build(tag, baseTag, base, payload);
                    id = imageId(tag);
                    pruneGuests(base.hash(), tag);
                }
            }
        }
        return new GuestImage(tag, id, flavor, base.hash(), payload.hash());
    }

    /**
     * The base image of {@code flavor} alone (no JRE, no jar), imported now if missing: enough for
     * a container that runs a shell command, such as a probe of a runtime.
     */
    String base(Flavor flavor) throws IOException, InterruptedException {
        GuestImages.Base base = images.base(flavor);
        String baseTag = baseTag(base);
        if (imageId(baseTag) == null) {
            synchronized (BUILDING) {
                importBase(base, baseTag);
            }
        }
        return baseTag;
    }

    static String baseTag(GuestImages.Base base) {
        return BASE_REPO + ":" + base.flavor().lower() + "-" + base.hash();
    }

    /** The engine's id of an image tag, or null when it has none. */
    String imageId(String tag) {
        try {
            return engine.quick().inspectImageCmd(tag).exec().getId();
        } catch (NotFoundException e) {
            return null;
        }
    }

    /**
     * Streams the root filesystem folder as a tar (GNU tar keeps devices, links and modes) into the
     * engine's import, under the base tag's own lock: two processes that build guest images of one
     * base with different payloads (each holding its guest tag's lock) import it once, not twice at
     * the same time. Called with {@link #BUILDING} held (a JVM may hold a file's lock once).
     */
    @SuppressWarnings("try") // the lock is held by the try block, not used in it
    private void importBase(GuestImages.Base base, String baseTag) throws IOException, InterruptedException {
        try (FileLock lock = images.cache().lock("docker-" + baseTag.replace(':', '-'))) {
            if (imageId(baseTag) == null) {
                streamBase(base, baseTag);
            }
        }
    }

    private void streamBase(GuestImages.Base base, String baseTag) throws IOException, InterruptedException {
        log.accept("importing " + base.rootfs() + " into the engine as " + baseTag);
        Process tar = ChildProcess.start(new ProcessBuilder("tar", "--numeric-owner", "--xattrs", "-C", base.rootfs().toString(), "-cf", "-", ".")
                .redirectError(ProcessBuilder.Redirect.PIPE));
        String tag = baseTag.substring(baseTag.indexOf(':') + 1);
        try (InputStream in = tar.getInputStream()) {
            engine.importImage(in, BASE_REPO, tag);
        } catch (RuntimeException | IOException e) {
            tar.destroyForcibly();
            throw e;
        }
        finish(tar, "tar of " + base.rootfs());
        if (imageId(baseTag) == null) {
            throw new IOException("the engine accepted the import of " + base.rootfs() + " but has no image " + baseTag);
        }
    }

    /** Builds base + payload from a generated Dockerfile; the build context is a tar stream, no copy of the payload. */
    private String build(String tag, String baseTag, GuestImages.Base base, GuestImages.Payload payload)
            throws IOException, InterruptedException {
        log.accept("building the docker image " + tag + " (" + baseTag + " + " + payload.dir() + ")");
        Path ctx = Files.createTempDirectory("isobench-docker-build-");
        try {
            String payloadName = payload.dir().getFileName().toString();
            Files.writeString(ctx.resolve("Dockerfile"), "FROM " + baseTag + "\n"
                    + "COPY " + payloadName + "/ " + GuestImages.GUEST_HOME + "/\n");
            Process tar = ChildProcess.start(new ProcessBuilder("tar", "--numeric-owner", "-cf", "-", "-C", ctx.toString(), "Dockerfile",
                    "-C", payload.dir().getParent().toString(), payloadName).redirectError(ProcessBuilder.Redirect.PIPE));
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(BASE_LABEL, base.hash());
            labels.put(PAYLOAD_LABEL, payload.hash());
            labels.put(FLAVOR_LABEL, base.flavor().lower());
            String id;
            StringBuilder buildLog = new StringBuilder();
            try (InputStream in = tar.getInputStream()) {
                BuildImageResultCallback cb = engine.streaming().buildImageCmd().withTarInputStream(in).withTags(Set.of(tag))
                        .withLabels(labels).withPull(false).withRemove(true).withForcerm(true)
                        .exec(new BuildImageResultCallback() {
                            @Override
                            public void onNext(BuildResponseItem item) {
                                if (item.getStream() != null) {
                                    buildLog.append(item.getStream());
                                }
                                super.onNext(item);
                            }
                        });
                try {
                    id = cb.awaitImageId(10, TimeUnit.MINUTES);
                } catch (RuntimeException e) {
                    throw new IOException("building " + tag + " failed: " + e.getMessage() + "\n" + buildLog.toString().strip(), e);
                }
            } catch (RuntimeException | IOException e) {
                tar.destroyForcibly();
                throw e;
            }
            finish(tar, "tar of the build context");
            return id;
        } finally {
            Files2.deleteRecursively(ctx);
        }
    }

    private static void finish(Process tar, String what) throws IOException, InterruptedException {
        if (!tar.waitFor(60, TimeUnit.SECONDS)) {
            tar.destroyForcibly();
            throw new IOException(what + " did not finish");
        }
        String err = new String(tar.getErrorStream().readAllBytes()).strip();
        if (tar.exitValue() != 0) {
            throw new IOException(what + " failed (exit " + tar.exitValue() + "): " + err);
        }
    }

    /**
     * Removes guest images of the same base whose payload the cache no longer holds (an older jar):
     * they can never be asked for again. Images in use by a container stay, and so do images built
     * within the last {@value #PRUNE_MIN_AGE_S} s: another cache sharing this engine (another user,
     * another host of a fleet on one machine) may have just built one for a container it is about
     * to create.
     */
    private void pruneGuests(String baseHash, String keep) {
        long recent = System.currentTimeMillis() / 1000 - PRUNE_MIN_AGE_S;
        for (EngineImage img : list()) {
            if (!img.tag().startsWith(GUEST_REPO + ":") || img.tag().equals(keep) || img.created() > recent) {
                continue;
            }
            String payloadHash = img.labels().get(PAYLOAD_LABEL);
            if (!baseHash.equals(img.labels().get(BASE_LABEL)) || payloadHash == null) {
                continue;
            }
            if (!Files.isDirectory(images.cache().images().resolve("payload-" + payloadHash))) {
                try {
                    engine.quick().removeImageCmd(img.tag()).exec();
                } catch (ConflictException | NotFoundException e) {
                    // still used by a container, or gone already
                }
            }
        }
    }

    /** How old a guest image of another payload must be before a build here removes it. */
    static final long PRUNE_MIN_AGE_S = 3600;

    /** Every isobench image the engine holds (bases and guests), one row per tag. */
    public List<EngineImage> list() {
        List<EngineImage> out = new ArrayList<>();
        for (String repo : List.of(BASE_REPO, GUEST_REPO)) {
            List<Image> found = engine.quick().listImagesCmd().withReferenceFilter(repo).exec();
            for (Image i : found) {
                String[] tags = i.getRepoTags() == null ? new String[0] : i.getRepoTags();
                for (String t : Arrays.stream(tags).filter(t -> t.startsWith(repo + ":")).toList()) {
                    out.add(new EngineImage(t, i.getId(), i.getSize() == null ? 0 : i.getSize(), i.getCreated() == null ? 0 : i.getCreated(),
                            i.getLabels() == null ? Map.of() : i.getLabels()));
                }
            }
        }
        return out;
    }

    /** Removes an isobench image by tag; guests first, so a base's children do not hold it. */
    public void remove(String tag) {
        engine.quick().removeImageCmd(tag).withForce(false).exec();
    }
}
