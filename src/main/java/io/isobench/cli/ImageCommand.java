package io.isobench.cli;

import io.isobench.core.Bytes;
import io.isobench.BadInputException;
import io.isobench.agent.AgentLauncher;
import io.isobench.core.Files2;
import io.isobench.env.docker.DockerEngine;
import io.isobench.env.docker.DockerImages;
import io.isobench.image.Flavor;
import io.isobench.image.GuestImages;
import io.isobench.image.ImageCache;
import io.isobench.report.TextTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code isobench image build|list|rm}: the guest image's parts in the cache (base root
 * filesystems, the JRE + jar payload, whatever else environments keep there such as VM disks)
 * and the images made from them in the Docker Engine.
 */
@Command(name = "image", description = "Build, list or remove the guest images (cache folders and Docker Engine images).",
        subcommands = {ImageCommand.Build.class, ImageCommand.ListImages.class, ImageCommand.Remove.class})
final class ImageCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The Docker Engine, or null with a note when none answers: the cache folders work without it. */
    static DockerEngine engineOrNull(PrintWriter out) {
        DockerEngine engine = DockerEngine.connect(Duration.ofSeconds(5));
        try {
            engine.info();
            return engine;
        } catch (RuntimeException e) {
            engine.close();
            out.println("(no Docker Engine answers on " + engine.host() + ": engine images are not shown; fix: scripts/setup-host.sh)");
            return null;
        }
    }

    /** {@code isobench image build}: base, payload and the Docker image, each only if its hash changed. */
    @Command(name = "build", description = "Build the guest image parts and import them into the Docker Engine (only what changed).")
    static final class Build implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--flavor", paramLabel = "full|small|all", defaultValue = "full",
                description = "which base: full (Debian with redis, mariadb, OpenBLAS), small (busybox), or all (default: ${DEFAULT-VALUE})")
        String flavor;

        @Option(names = "--no-docker", description = "only the cache folders; do not import into the Docker Engine")
        boolean noDocker;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<Flavor> flavors = switch (flavor.toLowerCase(Locale.ROOT)) {
                case "all" -> List.of(Flavor.values());
                case "full" -> List.of(Flavor.FULL);
                case "small" -> List.of(Flavor.SMALL);
                default -> throw new BadInputException("image build --flavor " + flavor + ": say full, small or all");
            };
            GuestImages images = new GuestImages(ImageCache.standard(), m -> {
                out.println("  " + m);
                out.flush();
            });
            AgentLauncher launcher = AgentLauncher.current();
            DockerEngine engine = noDocker ? null : engineOrNull(out);
            try {
                for (Flavor f : flavors) {
                    GuestImages.Base base = images.base(f);
                    out.println("base " + f.lower() + ":  " + base.rootfs());
                    GuestImages.Payload payload = images.payload(launcher);
                    out.println("payload:     " + payload.dir());
                    if (engine != null) {
                        DockerImages.GuestImage g = new DockerImages(engine, images, m -> {
                            out.println("  " + m);
                            out.flush();
                        }).guest(f, launcher);
                        out.println("docker:      " + g.tag() + " (" + shortId(g.id()) + ")");
                    }
                }
            } finally {
                if (engine != null) {
                    engine.close();
                }
            }
            out.flush();
            return 0;
        }
    }

    /** {@code isobench image list}: cache folders with sizes, and engine images. */
    @Command(name = "list", description = "List cached image folders (with sizes and hashes) and isobench images in the Docker Engine.")
    static final class ListImages implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            ImageCache cache = ImageCache.standard();
            out.println("cache " + cache.images() + ":");
            TextTable folders = new TextTable(List.of("name", "kind", "hash", "size", "modified"), false, false, false, true);
            for (Path p : cacheEntries(cache)) {
                String n = p.getFileName().toString();
                int dash = n.lastIndexOf('-');
                String hash = dash > 0 ? n.substring(dash + 1).replaceFirst("\\..*$", "") : "";
                folders.add(List.of(n, kind(n), hash, Bytes.human(size(p)), time(Files.getLastModifiedTime(p).toInstant())));
            }
            out.print(folders.isEmpty() ? "  (empty)\n" : folders.render());
            DockerEngine engine = engineOrNull(out);
            if (engine != null) {
                try (engine) {
                    out.println();
                    out.println("docker engine " + engine.host() + ":");
                    TextTable t = new TextTable(List.of("tag", "id", "size", "created"), false, false, true);
                    for (DockerImages.EngineImage i : new DockerImages(engine, null, m -> { }).list()) {
                        t.add(List.of(i.tag(), shortId(i.id()), Bytes.human(i.sizeBytes()), time(Instant.ofEpochSecond(i.created()))));
                    }
                    out.print(t.isEmpty() ? "  (none)\n" : t.render());
                }
            }
            out.flush();
            return 0;
        }
    }

    /** {@code isobench image rm}: folders and engine images by the names {@code list} shows. */
    @Command(name = "rm", description = "Remove cached image folders and engine images by name (as 'image list' shows them), or all of them.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "NAME", description = "folder names or engine image tags (isobench-guest:..., isobench-base:...)")
        List<String> names = new ArrayList<>();

        @Option(names = "--all", description = "remove every cached folder and every isobench engine image")
        boolean all;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (names.isEmpty() && !all) {
                throw new BadInputException("image rm: name what to remove (see: isobench image list), or say --all");
            }
            ImageCache cache = ImageCache.standard();
            List<String> left = new ArrayList<>(names);
            int failures = 0;
            DockerEngine engine = engineOrNull(out);
            try {
                if (engine != null) {
                    DockerImages images = new DockerImages(engine, null, m -> { });
                    // guests before bases: a base cannot go while an image built on it exists
                    List<DockerImages.EngineImage> engineImages = new ArrayList<>(images.list());
                    engineImages.sort((a, b) -> Boolean.compare(a.tag().startsWith(DockerImages.BASE_REPO), b.tag().startsWith(DockerImages.BASE_REPO)));
                    for (DockerImages.EngineImage i : engineImages) {
                        if (all || left.remove(i.tag())) {
                            try {
                                images.remove(i.tag());
                                out.println("removed " + i.tag());
                            } catch (RuntimeException e) {
                                failures++;
                                out.println("could not remove " + i.tag() + ": " + e.getMessage());
                            }
                        }
                    }
                }
            } finally {
                if (engine != null) {
                    engine.close();
                }
            }
            for (Path p : cacheEntries(cache)) {
                String n = p.getFileName().toString();
                if (all || left.remove(n)) {
                    Files2.deleteRecursively(p);
                    Files.deleteIfExists(cache.images().resolve(n + ".lock"));
                    out.println("removed " + p);
                }
            }
            if (!left.isEmpty()) {
                throw new BadInputException("image rm: no cached folder or engine image named " + String.join(", ", left)
                        + " (see: isobench image list)");
            }
            out.flush();
            return failures == 0 ? 0 : 1;
        }
    }

    /** The cache's artefact folders and files, less locks, logs and half-built ones. */
    static List<Path> cacheEntries(ImageCache cache) throws IOException {
        if (!Files.isDirectory(cache.images())) {
            return List.of();
        }
        try (var s = Files.list(cache.images())) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return !n.endsWith(".lock") && !n.endsWith(".partial") && !n.endsWith(".log");
            }).sorted().toList();
        }
    }

    static String kind(String name) {
        if (name.startsWith("base-")) {
            return "root filesystem (" + name.split("-")[1] + ")";
        }
        if (name.startsWith("payload-")) {
            return "JRE + isobench jar";
        }
        if (name.startsWith("jre-")) {
            return "jlink-ed JRE";
        }
        int dash = name.indexOf('-');
        return dash > 0 ? name.substring(0, dash) : "";
    }

    /** Bytes on disk, each hard-linked file counted once (payloads link the JRE's files). */
    static long size(Path root) throws IOException {
        Set<Object> seen = new HashSet<>();
        long[] total = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Object key = attrs.fileKey();
                if (attrs.isRegularFile() && (key == null || seen.add(key))) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private static String time(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(t);
    }

    static String shortId(String id) {
        String s = id.startsWith("sha256:") ? id.substring(7) : id;
        return s.length() > 12 ? s.substring(0, 12) : s;
    }
}
