package io.isobench.image;

import io.isobench.BadInputException;
import io.isobench.agent.AgentLauncher;
import io.isobench.core.ChildProcess;
import io.isobench.core.Files2;
import io.isobench.host.HostFacts.SysFiles;
import io.isobench.host.PackageVersions;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Builds and caches the guest image's parts, so every environment runs the same bits:
 * <ul>
 *   <li>the <b>base</b>: a root filesystem folder (Debian via debootstrap for {@link Flavor#FULL},
 *       busybox plus the host's C library for {@link Flavor#SMALL}), cached by the hash of its
 *       inputs and rebuilt only when they change;</li>
 *   <li>the <b>payload</b>: a jlink-ed JRE made from the JDK isobench runs on (same JVM build as the
 *       native baseline) and the isobench jar, placed at {@value #GUEST_HOME} in a guest.</li>
 * </ul>
 * The Docker environment imports base + payload as an image; the VM environment turns them into
 * disks. Both treat the cached folders as read-only.
 */
public final class GuestImages {

    /** Where the payload lives inside a guest. */
    public static final String GUEST_HOME = "/opt/isobench";

    /** The JRE modules the agent and every workload need (jdeps of the jar, plus crypto and JMX). */
    public static final List<String> JRE_MODULES = List.of("java.base", "java.sql", "java.management", "java.naming",
            "jdk.unsupported", "java.net.http", "jdk.crypto.ec", "java.logging", "java.xml", "jdk.management",
            "java.desktop", "java.scripting", "java.security.jgss", "jdk.zipfs", "jdk.net");

    /** Bumped when the way a base is built changes, so old caches are not reused. */
    private static final String BUILDER_VERSION = "4";

    /** A root filesystem folder. */
    public record Base(Flavor flavor, String hash, Path rootfs) {
    }

    /** The JRE and jar for {@value #GUEST_HOME}: {@code dir/jre}, {@code dir/isobench.jar}. */
    public record Payload(String hash, Path dir) {
        public Path jre() {
            return dir.resolve("jre");
        }

        public Path jar() {
            return dir.resolve("isobench.jar");
        }
    }

    private final ImageCache cache;
    private final Consumer<String> log;

    public GuestImages(ImageCache cache, Consumer<String> log) {
        this.cache = cache;
        this.log = log;
    }

    public ImageCache cache() {
        return cache;
    }

    /** The agent's command line inside a guest that holds the payload at {@value #GUEST_HOME}. */
    public static List<String> agentCommand(List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(GUEST_HOME + "/jre/bin/java");
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", GUEST_HOME + "/isobench.jar", AgentLauncher.MAIN, "agent"));
        return cmd;
    }

    /** The base of {@code flavor}, built now if the cache lacks it. */
    public Base base(Flavor flavor) throws IOException, InterruptedException {
        String release = hostRelease();
        String mirror = flavor == Flavor.FULL ? mirror() : "";
        // the host's versions of the packages are part of the image's identity: a host that upgrades
        // MariaDB gets a guest image with the same MariaDB, not a stale one
        Map<String, String> versions = flavor == Flavor.FULL ? PackageVersions.installed(
                java.util.stream.Stream.concat(flavor.packages().stream(), PackageVersions.REPORTED.stream()).distinct().toList()) : Map.of();
        String hash = ImageCache.hash(BUILDER_VERSION, flavor, release, flavor.packages(), flavor == Flavor.SMALL ? busyboxPath() : "",
                versions);
        Path dir = cache.images().resolve("base-" + flavor.lower() + "-" + hash);
        Path rootfs = dir.resolve("rootfs");
        if (Files.isDirectory(rootfs)) {
            return new Base(flavor, hash, rootfs);
        }
        try (FileLock lock = cache.lock("base-" + flavor.lower() + "-" + hash)) {
            if (Files.isDirectory(rootfs)) {
                return new Base(flavor, hash, rootfs);
            }
            Path tmp = dir.resolve("rootfs.partial");
            Files2.deleteRecursively(tmp);
            Files.createDirectories(dir);
            try {
                if (flavor == Flavor.FULL) {
                    debootstrap(release, mirror, flavor.packages(), tmp);
                    matchHostVersions(tmp, versions);
                } else {
                    assembleSmall(tmp);
                }
                Files.move(tmp, rootfs, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files2.deleteRecursively(tmp);
            }
        }
        return new Base(flavor, hash, rootfs);
    }

    /** The payload for the JDK this process runs on and the given jar, built now if missing. */
    public Payload payload(AgentLauncher launcher) throws IOException, InterruptedException {
        Path jar = launcher.jar();
        Path jre = jre(launcher.javaHome());
        String hash = ImageCache.hash(jre.getFileName(), jar);
        Path dir = cache.images().resolve("payload-" + hash);
        if (Files.isRegularFile(dir.resolve("isobench.jar"))) {
            return new Payload(hash, dir);
        }
        try (FileLock lock = cache.lock("payload-" + hash)) {
            if (Files.isRegularFile(dir.resolve("isobench.jar"))) {
                return new Payload(hash, dir);
            }
            Path tmp = cache.images().resolve("payload-" + hash + ".partial");
            Files2.deleteRecursively(tmp);
            Files.createDirectories(tmp);
            linkTree(jre, tmp.resolve("jre"));
            Files.copy(jar, tmp.resolve("isobench.jar"));
            Files2.deleteRecursively(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        }
        prunePayloads(3);
        return new Payload(hash, dir);
    }

    /** A jlink-ed JRE from {@code javaHome}, cached by the JDK's identity. */
    Path jre(Path javaHome) throws IOException, InterruptedException {
        String release = String.join("\n", SysFiles.lines(javaHome.resolve("release")));
        String hash = ImageCache.hash(BUILDER_VERSION, javaHome.toRealPath(), release, JRE_MODULES);
        Path dir = cache.images().resolve("jre-" + hash);
        if (Files.isExecutable(dir.resolve("bin/java"))) {
            return dir;
        }
        try (FileLock lock = cache.lock("jre-" + hash)) {
            if (Files.isExecutable(dir.resolve("bin/java"))) {
                return dir;
            }
            Path jlink = javaHome.resolve("bin/jlink");
            Path tmp = cache.images().resolve("jre-" + hash + ".partial");
            Files2.deleteRecursively(tmp);
            if (Files.isExecutable(jlink)) {
                log.accept("building the guest JRE with jlink (" + javaHome + ")");
                ChildProcess.run(List.of(jlink.toString(), "--add-modules", String.join(",", JRE_MODULES), "--strip-debug", "--no-man-pages",
                        "--no-header-files", "--output", tmp.toString()), 300);
            } else {
                // a JRE without jlink: the same bits, whole
                log.accept("copying the JRE " + javaHome + " (no jlink in it)");
                copyTree(javaHome, tmp);
            }
            Files2.deleteRecursively(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        }
        return dir;
    }

    private void debootstrap(String release, String mirror, List<String> packages, Path target) throws IOException, InterruptedException {
        if (!isRoot()) {
            throw new BadInputException("building the full guest image runs debootstrap, which needs root: run isobench as root (sudo)");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/debootstrap"))) {
            throw new BadInputException("building the full guest image needs debootstrap: apt-get install debootstrap (or run scripts/setup-host.sh)");
        }
        log.accept("building the guest image base: debootstrap " + release + " from " + mirror + " with " + String.join(" ", packages)
                + " (about a minute, once)");
        List<String> cmd = List.of("/usr/sbin/debootstrap", "--variant=minbase", "--include=" + String.join(",", packages), release,
                target.toString(), mirror);
        Path logFile = cache.images().resolve("debootstrap.log");
        Process p = ChildProcess.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()));
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("debootstrap did not finish within 30 minutes; see " + logFile);
        }
        if (p.exitValue() != 0) {
            throw new IOException("debootstrap failed (exit " + p.exitValue() + "): " + Files2.tail(logFile, 1500).strip()
                    + "\nfull log: " + logFile + "; check that the mirror " + mirror + " is reachable (or set ISOBENCH_DEBIAN_MIRROR)");
        }
        // what a guest never needs: package caches and lists, docs, translations
        for (String junk : List.of("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/locale", "usr/share/man")) {
            Path j = target.resolve(junk);
            if (Files.isDirectory(j)) {
                try (var s = Files.list(j)) {
                    for (Path child : s.toList()) {
                        Files2.deleteRecursively(child);
                    }
                }
            }
        }
        Files.createDirectories(target.resolve(GUEST_HOME.substring(1)));
    }

    /**
     * Brings the packages the host has to the host's own versions. debootstrap takes one suite
     * (bookworm), while a host gets its servers from the security and updates suites too: a guest
     * built that way ran MariaDB 10.11.18 against the host's 10.11.19 and redis 7.0.15 deb12u7
     * against deb12u10, and every mysql comparison was confounded. The host's own Debian sources
     * go into the guest, apt installs exactly the host's versions, then the lists and caches go.
     */
    private void matchHostVersions(Path root, Map<String, String> versions) throws IOException, InterruptedException {
        if (versions.isEmpty()) {
            return;
        }
        Path sourcesDir = root.resolve("etc/apt/sources.list.d");
        Files.createDirectories(sourcesDir);
        int copied = 0;
        for (Path src : PackageVersions.debianSources()) {
            Files.copy(src, sourcesDir.resolve("host-" + src.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            copied++;
        }
        if (copied == 0) {
            log.accept("the host has no Debian apt sources to copy: the guest keeps debootstrap's versions (confounds will name any difference)");
            return;
        }
        Path policy = root.resolve("usr/sbin/policy-rc.d");
        Files.writeString(policy, "#!/bin/sh\nexit 101\n"); // no service starts inside the chroot
        policy.toFile().setExecutable(true);
        try {
            ChildProcess.run(List.of("chroot", root.toString(), "apt-get", "-q", "update"), 600);
            // one version the archive no longer serves (a host not upgraded since) would fail the whole
            // install and leave every package at debootstrap's version: pin only what is served
            List<String> madison = new ArrayList<>(List.of("chroot", root.toString(), "apt-cache", "madison"));
            madison.addAll(versions.keySet());
            Map<String, Set<String>> served = servedVersions(ChildProcess.run(madison, 120));
            List<String> pins = new ArrayList<>();
            Map<String, String> unserved = new java.util.TreeMap<>();
            versions.forEach((pkg, v) -> {
                if (served.getOrDefault(pkg, Set.of()).contains(v)) {
                    pins.add(pkg + "=" + v);
                } else {
                    unserved.put(pkg, v);
                    log.accept("the archive no longer serves the host's " + pkg + " " + v + " (it serves "
                            + String.join(", ", served.getOrDefault(pkg, Set.of())) + ")");
                }
            });
            if (!pins.isEmpty()) {
                log.accept("matching the guest's packages to the host's versions: " + String.join(" ", pins));
                List<String> install = new ArrayList<>(List.of("chroot", root.toString(), "env", "DEBIAN_FRONTEND=noninteractive",
                        "apt-get", "-q", "-y", "--no-install-recommends", "--allow-downgrades", "install"));
                install.addAll(pins);
                ChildProcess.run(install, 1200);
                ChildProcess.run(List.of("chroot", root.toString(), "apt-get", "clean"), 60);
            }
            repackFromHost(root, unserved);
        } catch (IOException e) {
            // a host whose versions the archive no longer serves (not upgraded since): the guest keeps
            // what debootstrap gave it, and the run's confounds name every difference
            log.accept("could not give the guest the host's package versions (" + e.getMessage().lines().findFirst().orElse("")
                    + "); upgrading the host's packages fixes it, and until then the confounds name what differs");
        } finally {
            Files.deleteIfExists(policy);
            try (var s = Files.list(sourcesDir)) {
                for (Path f : s.filter(f -> f.getFileName().toString().startsWith("host-")).toList()) {
                    Files.delete(f);
                }
            }
            Path lists = root.resolve("var/lib/apt/lists");
            if (Files.isDirectory(lists)) {
                try (var s = Files.list(lists)) {
                    for (Path child : s.toList()) {
                        Files2.deleteRecursively(child);
                    }
                }
            }
        }
        Map<String, String> got = PackageVersions.installed(root.resolve("var/lib/dpkg/status"), versions.keySet());
        List<String> differ = new ArrayList<>();
        versions.forEach((pkg, v) -> {
            if (!v.equals(got.get(pkg))) {
                differ.add(pkg + " " + got.getOrDefault(pkg, "(missing)") + " (host " + v + ")");
            }
        });
        if (!differ.isEmpty()) {
            log.accept("the guest image differs from the host in " + String.join(", ", differ)
                    + ": comparisons that run them are marked confounded");
        }
    }

    /**
     * Gives the guest the host's own build of packages the archive no longer serves: dpkg-repack
     * rebuilds a .deb from the files the host has installed, and dpkg installs it in the chroot.
     * Without it a host not upgraded since (liblzma5 5.4.1-1 against the archive's +deb12u1) ran
     * compress against another liblzma in every container and VM, a confound in every comparison.
     */
    private void repackFromHost(Path root, Map<String, String> unserved) throws IOException, InterruptedException {
        if (unserved.isEmpty()) {
            return;
        }
        if (!ChildProcess.onPath("dpkg-repack")) {
            log.accept("dpkg-repack is missing, so the guest keeps debootstrap's " + String.join(", ", unserved.keySet())
                    + ": apt-get install dpkg-repack (scripts/setup-host.sh does), or upgrade the host; until then the confounds name what differs");
            return;
        }
        Path work = Files.createDirectories(root.resolve("tmp/isobench-repack"));
        try {
            for (var e : unserved.entrySet()) {
                try {
                    ChildProcess.run(List.of("dpkg-repack", "--root=/", e.getKey()), work, 300);
                } catch (IOException failed) {
                    log.accept("dpkg-repack " + e.getKey() + " failed: " + failed.getMessage().strip().lines().reduce((a, b) -> b).orElse("")
                            + "; the guest keeps debootstrap's version");
                }
            }
            List<String> debs;
            try (var s = Files.list(work)) {
                debs = s.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".deb")).sorted().toList();
            }
            if (!debs.isEmpty()) {
                log.accept("installing the host's own build of " + String.join(", ", debs) + " (dpkg-repack)");
                List<String> install = new ArrayList<>(List.of("chroot", root.toString(), "env", "DEBIAN_FRONTEND=noninteractive", "dpkg", "-i"));
                debs.forEach(d -> install.add("/tmp/isobench-repack/" + d));
                ChildProcess.run(install, 600);
            }
        } finally {
            Files2.deleteRecursively(work);
        }
    }

    /**
     * The versions each package has in the archive, from {@code apt-cache madison} output (lines
     * "name | version | source Packages"; source-package lines are not installable and are skipped).
     */
    static Map<String, Set<String>> servedVersions(String madisonOutput) {
        Map<String, Set<String>> served = new java.util.TreeMap<>();
        for (String line : madisonOutput.split("\n")) {
            String[] f = line.split("\\|");
            if (f.length < 3 || !f[2].trim().endsWith("Packages")) {
                continue;
            }
            served.computeIfAbsent(f[0].trim(), k -> new java.util.LinkedHashSet<>()).add(f[1].trim());
        }
        return served;
    }

    /** Busybox (static) and the host's C library for the JRE: a root filesystem in seconds. */
    private void assembleSmall(Path target) throws IOException, InterruptedException {
        Path busybox = Path.of(busyboxPath());
        if (!Files.isExecutable(busybox)) {
            throw new BadInputException("the small guest image needs a static busybox: apt-get install busybox-static");
        }
        log.accept("assembling the small guest image (busybox + the host's C library)");
        for (String d : List.of("bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "run", "root", "var/tmp", "lib64",
                "lib/x86_64-linux-gnu", "usr/bin", "usr/sbin", GUEST_HOME.substring(1))) {
            Files.createDirectories(target.resolve(d));
        }
        Files.copy(busybox, target.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        String applets = ChildProcess.run(List.of(busybox.toString(), "--list-full"), 30);
        for (String a : applets.split("\n")) {
            String rel = a.trim();
            if (rel.isEmpty() || rel.equals("bin/busybox")) {
                continue;
            }
            Path link = target.resolve(rel);
            Files.createDirectories(link.getParent());
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("/bin/busybox"));
            }
        }
        // the C library the JRE links against, from the host (same Debian release)
        Set<String> libs = new LinkedHashSet<>();
        Path javaHome = Path.of(System.getProperty("java.home"));
        for (Path bin : List.of(javaHome.resolve("bin/java"), javaHome.resolve("lib/server/libjvm.so"),
                javaHome.resolve("lib/libjava.so"), javaHome.resolve("lib/libnet.so"), javaHome.resolve("lib/libnio.so"),
                javaHome.resolve("lib/libzip.so"), javaHome.resolve("lib/libjimage.so"), javaHome.resolve("lib/libextnet.so"))) {
            if (!Files.exists(bin)) {
                continue;
            }
            for (String line : ChildProcess.run(List.of("ldd", bin.toString()), 30).split("\n")) {
                int arrow = line.indexOf("=> /");
                String path = arrow >= 0 ? line.substring(arrow + 3).trim().split("\\s+")[0] : line.trim().split("\\s+")[0];
                if (path.startsWith("/") && !path.startsWith(javaHome.toString())) {
                    libs.add(path);
                }
            }
        }
        for (String lib : libs) {
            Path src = Path.of(lib);
            Path dst = target.resolve(lib.substring(1));
            Files.createDirectories(dst.getParent());
            Files.copy(src.toRealPath(), dst, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(target.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(target.resolve("etc/group"), "root:x:0:\n");
        Files.writeString(target.resolve("etc/hosts"), "127.0.0.1 localhost\n");
        Files.setPosixFilePermissions(target.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static String busyboxPath() {
        return Files.isExecutable(Path.of("/bin/busybox")) ? "/bin/busybox" : "/usr/bin/busybox";
    }

    /** The host's Debian release codename (the guest gets the same release). */
    static String hostRelease() {
        for (String l : SysFiles.lines(Path.of("/etc/os-release"))) {
            if (l.startsWith("VERSION_CODENAME=")) {
                return l.substring(l.indexOf('=') + 1).replace("\"", "").trim();
            }
        }
        return "bookworm";
    }

    /** The Debian mirror: $ISOBENCH_DEBIAN_MIRROR, else the host's own apt source, else deb.debian.org. */
    static String mirror() {
        String env = System.getenv("ISOBENCH_DEBIAN_MIRROR");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        List<Path> sources = new ArrayList<>(List.of(Path.of("/etc/apt/sources.list")));
        try (var s = Files.list(Path.of("/etc/apt/sources.list.d"))) {
            s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list")).sorted().forEach(sources::add);
        } catch (IOException ignored) {
            // no folder: only sources.list
        }
        for (Path src : sources) {
            for (String l : SysFiles.lines(src)) {
                String t = l.trim();
                if (t.startsWith("URIs:") && !t.contains("security")) {
                    return t.substring(5).trim().split("\\s+")[0];
                }
                if (t.startsWith("deb ") && !t.contains("security")) {
                    for (String part : t.split("\\s+")) {
                        if (part.startsWith("http")) {
                            return part;
                        }
                    }
                }
            }
        }
        return "http://deb.debian.org/debian";
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || SysFiles.lines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
    }

    /** Hard-links (or copies across file systems) every file of {@code src} into {@code dst}. */
    private static void linkTree(Path src, Path dst) throws IOException {
        walkInto(src, dst, true);
    }

    private static void copyTree(Path src, Path dst) throws IOException {
        walkInto(src, dst, false);
    }

    /** Recreates {@code src}'s folders under {@code dst} and links or copies its files; symlinks stay symlinks. */
    private static void walkInto(Path src, Path dst, boolean link) throws IOException {
        Files.walkFileTree(src, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(dst.resolve(src.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path to = dst.resolve(src.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(to, Files.readSymbolicLink(file));
                    return FileVisitResult.CONTINUE;
                }
                if (link) {
                    try {
                        Files.createLink(to, file);
                        return FileVisitResult.CONTINUE;
                    } catch (IOException | UnsupportedOperationException e) {
                        // another file system: copy below
                    }
                }
                Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Keeps the {@code keep} newest payloads; older ones belong to jars no longer in use. */
    private void prunePayloads(int keep) {
        try (var s = Files.list(cache.images())) {
            List<Path> payloads = s.filter(p -> p.getFileName().toString().startsWith("payload-") && Files.isDirectory(p)
                    && !p.getFileName().toString().endsWith(".partial")).sorted(Comparator.comparing((Path p) -> {
                        try {
                            return Files.getLastModifiedTime(p).toMillis();
                        } catch (IOException e) {
                            return 0L;
                        }
                    }).reversed()).toList();
            for (int i = keep; i < payloads.size(); i++) {
                Files2.deleteRecursively(payloads.get(i));
            }
        } catch (IOException ignored) {
            // pruning is housekeeping only
        }
    }
}
