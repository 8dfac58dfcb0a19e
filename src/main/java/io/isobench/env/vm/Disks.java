package io.isobench.env.vm;

import io.isobench.core.ChildProcess;
import io.isobench.core.Files2;
import io.isobench.image.GuestImages;
import io.isobench.image.ImageCache;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Consumer;

/**
 * The VM's disks.
 * <ul>
 *   <li>The <b>root image</b>: the guest image's base and payload, the guest kernel's virtio
 *       modules and our init script, turned into a raw ext4 image by {@code mkfs.ext4 -d} (no
 *       mounting). Cached in the image cache by the hash of all those inputs and never written:
 *       each VM boots from its own qcow2 overlay of it, or from a raw copy for {@code disk=raw}.</li>
 *   <li>The <b>data disk</b>, one per VM: an empty ext4 file system in the variant's format,
 *       where workloads keep their files (the storage under test).</li>
 * </ul>
 */
final class Disks {

    /** Bumped when the way the root image is assembled changes. */
    private static final String BUILDER_VERSION = "3";

    private final ImageCache cache;
    private final Consumer<String> log;

    Disks(ImageCache cache, Consumer<String> log) {
        this.cache = cache;
        this.log = log;
    }

    /** The cached raw root image for this base, payload, kernel and init script, built now if missing. */
    @SuppressWarnings("try") // the lock is held by the try block, not used in it
    Path rootImage(GuestImages.Base base, GuestImages.Payload payload, GuestKernel kernel, String init)
            throws IOException, InterruptedException {
        List<String> modules = Initrd.loadOrder(kernel.modules(), InitScript.MODULES); // the modules and what they need
        String hash = ImageCache.hash(BUILDER_VERSION, base.hash(), payload.hash(), kernel.release(),
                kernel.modules().resolve("modules.dep"), String.join(",", modules), init);
        Path image = cache.images().resolve("vm-root-" + base.flavor().lower() + "-" + hash + ".raw");
        if (Files.isRegularFile(image)) {
            return image;
        }
        try (FileLock lock = cache.lock("vm-root-" + hash)) {
            if (Files.isRegularFile(image)) {
                return image;
            }
            Path stage = cache.images().resolve("vm-root-" + hash + ".stage");
            Path partial = cache.images().resolve("vm-root-" + hash + ".partial");
            Files2.deleteRecursively(stage);
            Files.deleteIfExists(partial);
            try {
                log.accept("assembling the VM root disk (" + base.flavor().lower() + " image, kernel " + kernel.release() + ")");
                // hard links: nothing in the base or payload is copied, and nothing in them is written
                ChildProcess.run(List.of("cp", "-al", base.rootfs().toString(), stage.toString()), 600);
                Path home = stage.resolve(GuestImages.GUEST_HOME.substring(1));
                Files.createDirectories(home);
                ChildProcess.run(List.of("cp", "-al", payload.dir() + "/.", home.toString()), 600);
                // The jlink-ed JRE has no class-data-sharing archive; the JDK the native baseline runs
                // on has one. Dumping it here (a new file: nothing linked is written) gives the guest's
                // JVM the same start-up path. It is dumped with the agent's module options: a JVM
                // refuses an archive dumped without the --enable-native-access it runs with
                // ("Mismatched values for property jdk.module.enable.native.access", seen with
                // -Xlog:cds), and guests then started without one.
                Path jre = home.resolve("jre");
                Path jsa = jre.resolve("lib/server/classes.jsa");
                if (Files.isExecutable(jre.resolve("bin/java")) && !Files.exists(jsa)) {
                    try {
                        List<String> dump = new java.util.ArrayList<>(List.of(jre.resolve("bin/java").toString(), "-Xshare:dump",
                                "-XX:SharedArchiveFile=" + jsa));
                        dump.addAll(io.isobench.agent.AgentLauncher.defaultJvmOptions().stream().filter(o -> o.startsWith("--enable-native-access"))
                                .toList());
                        ChildProcess.run(dump, 300);
                    } catch (IOException e) {
                        log.accept("no class-data-sharing archive for the guest JRE (" + e.getMessage() + ")");
                        Files.deleteIfExists(jsa);
                    }
                }
                Path modDir = stage.resolve("lib/modules").resolve(kernel.release());
                Files2.deleteRecursively(modDir);
                Files.createDirectories(modDir);
                try (var s = Files.list(kernel.modules())) {
                    for (Path f : s.filter(p -> p.getFileName().toString().startsWith("modules.") && Files.isRegularFile(p)).toList()) {
                        Files.copy(f, modDir.resolve(f.getFileName().toString()));
                    }
                }
                for (String m : modules) {
                    Path to = modDir.resolve(m);
                    Files.createDirectories(to.getParent());
                    Files.copy(kernel.modules().resolve(m), to);
                }
                Path initFile = stage.resolve(InitScript.PATH.substring(1));
                Files.createDirectories(initFile.getParent());
                Files.deleteIfExists(initFile); // a hard link into the base must not be written through
                Files.writeString(initFile, init, StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(initFile, PosixFilePermissions.fromString("rwxr-xr-x"));
                long mib = (sizeOf(stage) >> 20) * 13 / 10 + 256;
                ChildProcess.run(List.of("mkfs.ext4", "-q", "-F", "-L", "isobench-root", "-d", stage.toString(), partial.toString(), mib + "M"), 600);
                Files.move(partial, image, StandardCopyOption.ATOMIC_MOVE);
                image.toFile().setReadOnly();
            } finally {
                Files2.deleteRecursively(stage);
                Files.deleteIfExists(partial);
            }
        }
        pruneRootImages(image, 3);
        return image;
    }

    /**
     * The instance's own root disk in {@code format}: a qcow2 overlay backed by the cached image,
     * or a sparse raw copy of it. The cached image is never written.
     */
    static Path instanceRoot(Path image, Path dir, VmSettings.Disk format) throws IOException, InterruptedException {
        Path disk = dir.resolve("root." + format.lower());
        if (format == VmSettings.Disk.QCOW2) {
            ChildProcess.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", image.toString(), disk.toString()), 60);
        } else {
            ChildProcess.run(List.of("cp", "--sparse=always", image.toString(), disk.toString()), 600);
            disk.toFile().setWritable(true, true);
        }
        return disk;
    }

    /** An empty ext4 data disk of {@code bytes} in {@code format}, made sparse on the host. */
    static Path dataDisk(Path dir, VmSettings.Disk format, long bytes) throws IOException, InterruptedException {
        Path raw = dir.resolve("data.raw");
        try (var f = new java.io.RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(bytes);
        }
        // an empty sparse file reads as zeros: inode tables need no zeroing now, and no lazy
        // initialisation runs in the guest while it is measured
        ChildProcess.run(List.of("mkfs.ext4", "-q", "-F", "-L", "isobench-data", "-E", "lazy_itable_init=0,lazy_journal_init=0",
                raw.toString()), 300);
        if (format == VmSettings.Disk.RAW) {
            return raw;
        }
        Path q = dir.resolve("data.qcow2");
        ChildProcess.run(List.of("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), q.toString()), 300);
        Files.delete(raw);
        return q;
    }

    /** "kernel/drivers/net/virtio_net.ko.xz" -> "virtio_net". */
    static String moduleName(String path) {
        String f = path.substring(path.lastIndexOf('/') + 1);
        int ko = f.indexOf(".ko");
        return (ko > 0 ? f.substring(0, ko) : f).replace('-', '_');
    }

    private static long sizeOf(Path root) throws IOException {
        long[] total = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                total[0] += attrs.size() + 4096;
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    /** Keeps the {@code keep} newest root images; older ones belong to jars or kernels no longer in use. */
    private void pruneRootImages(Path current, int keep) {
        try (var s = Files.list(cache.images())) {
            List<Path> images = s.filter(p -> p.getFileName().toString().startsWith("vm-root-") && p.toString().endsWith(".raw"))
                    .sorted((a, b) -> Long.compare(b.toFile().lastModified(), a.toFile().lastModified())).toList();
            for (int i = keep; i < images.size(); i++) {
                if (!images.get(i).equals(current)) {
                    String name = images.get(i).getFileName().toString(); // vm-root-FLAVOR-HASH.raw
                    String hash = name.substring(name.lastIndexOf('-') + 1, name.length() - ".raw".length());
                    Files.deleteIfExists(images.get(i));
                    Files.deleteIfExists(cache.images().resolve("vm-root-" + hash + ".lock"));
                }
            }
        } catch (IOException ignored) {
            // pruning is housekeeping only
        }
    }
}
