package io.isobench.remote;

import io.isobench.agent.AgentLauncher;
import io.isobench.core.Console;
import io.isobench.image.GuestImages;
import io.isobench.image.ImageCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * isobench brought to a host: the jar and a JRE (the jlink-ed one the guest image carries, made
 * from the JDK this process runs on) copied to {@code ${XDG_CACHE_HOME:-~/.cache}/isobench/remote/<hash>/}
 * there, with a {@code MANIFEST} of every file's SHA-256. A folder whose files all match its
 * manifest ({@code sha256sum -c}) is reused; anything else is copied again into a {@code .partial}
 * folder, checked, then moved into place. Nothing is installed: the folder is all there is.
 */
public final class RemoteIsobench {

    /** Subfolder of the host's cache folder that holds the copies and the runs. */
    public static final String REMOTE_DIR = "isobench/remote";

    private final SshSession session;
    private final String cacheRoot;
    private final String dir;
    private final boolean copied;

    private RemoteIsobench(SshSession session, String cacheRoot, String dir, boolean copied) {
        this.session = session;
        this.cacheRoot = cacheRoot;
        this.dir = dir;
        this.copied = copied;
    }

    /** The folder on the host that holds this jar and JRE. */
    public String dir() {
        return dir;
    }

    /** {@code .../isobench/remote} on the host: copies and runs. */
    public String root() {
        return cacheRoot;
    }

    /** Whether this contact copied the files (false: a checked copy was there already). */
    public boolean copied() {
        return copied;
    }

    public SshSession session() {
        return session;
    }

    /** The command that runs isobench there with these arguments. */
    public List<String> command(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(dir + "/jre/bin/java");
        argv.add("-XX:+UseSerialGC");
        argv.add("-jar");
        argv.add(dir + "/isobench.jar");
        argv.addAll(args);
        return argv;
    }

    /** Runs isobench there to its end. */
    public SshSession.Result run(List<String> args, Duration timeout) throws IOException {
        return session.exec(command(args), null, timeout);
    }

    /** The payload this controller brings: the guest image's jlink-ed JRE and the jar. */
    public static GuestImages.Payload localPayload() throws IOException {
        try {
            return new GuestImages(ImageCache.standard(), Console::say).payload(AgentLauncher.current());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preparing the JRE to copy", e);
        }
    }

    /** The machine name uname -m prints for this JVM's architecture. */
    static String localMachine() {
        String a = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> a;
        };
    }

    /**
     * Makes sure the host holds this jar and JRE, copying them on first contact (or when the copy
     * there is damaged), and returns where they are.
     */
    public static RemoteIsobench ensure(SshSession s) throws IOException {
        SshHost h = s.host();
        String machine = s.check(List.of("uname", "-m"), Duration.ofSeconds(30)).trim();
        if (!machine.equals(localMachine())) {
            throw new IOException(h + " is " + machine + " and this isobench brings a JRE for " + localMachine()
                    + ": run the controller on a " + machine + " machine, or isobench on " + h + " itself");
        }
        String cache = s.check(List.of("sh", "-c", "printf %s \"${XDG_CACHE_HOME:-$HOME/.cache}\""), Duration.ofSeconds(30)).trim();
        if (!cache.startsWith("/")) {
            throw new IOException(h + ": no cache folder (HOME is not set there)");
        }
        GuestImages.Payload payload = localPayload();
        String root = cache + "/" + REMOTE_DIR;
        String dir = root + "/" + payload.hash();
        SshSession.Result check = s.exec(List.of("sh", "-c", "cd \"$1\" 2>/dev/null && sha256sum -c --quiet --status MANIFEST", "sh", dir),
                null, Duration.ofMinutes(5));
        if (check.ok()) {
            prune(s, root, dir);
            return new RemoteIsobench(s, root, dir, false);
        }
        Console.say("isobench: copying isobench and its JRE to " + h + ":" + dir + " (once per version)");
        byte[] manifest = manifest(payload.dir());
        AtomicReference<Throwable> failed = new AtomicReference<>();
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream pout = new PipedOutputStream(in);
        Thread writer = Thread.ofVirtual().name("tar-to-" + h.name()).start(() -> {
            try (OutputStream o = pout) {
                tar(payload.dir(), manifest, o);
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        SshSession.Result r;
        try (InputStream stream = in) {
            // a folder of this copy's own: two controllers (or two names of one machine, or a home shared
            // over NFS) copying at once must not unpack into, or delete, each other's half-copied folder;
            // the copy that loses the rename keeps the winner's if that one checks out
            r = s.exec(List.of("sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && p=$(mktemp -d \"$1.partial.XXXXXX\") || exit 1; "
                    + "if tar -x -C \"$p\" && cd \"$p\" && sha256sum -c --quiet MANIFEST; then cd /; "
                    + "rm -rf \"$1.damaged.$$\"; [ -e \"$1\" ] && ! (cd \"$1\" && sha256sum -c --quiet --status MANIFEST) && mv -T \"$1\" \"$1.damaged.$$\"; "
                    + "mv -T \"$p\" \"$1\" 2>/dev/null || { rm -rf \"$p\"; cd \"$1\" && sha256sum -c --quiet --status MANIFEST; }; rc=$?; "
                    + "rm -rf \"$1.damaged.$$\"; exit $rc; else cd /; rm -rf \"$p\"; exit 1; fi", "sh", dir),
                    stream, Duration.ofMinutes(20));
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failed.get() != null) {
            throw new IOException("copying isobench to " + h + " failed: " + failed.get().getMessage(), failed.get());
        }
        if (!r.ok()) {
            throw new IOException("copying isobench to " + h + ":" + dir + " failed (exit " + r.exit() + "): " + r.stderr().strip()
                    + "; the host needs sh, tar and sha256sum (coreutils) and room in " + cache);
        }
        prune(s, root, dir);
        return new RemoteIsobench(s, root, dir, true);
    }

    /** How many copies (of as many isobench versions) a host keeps: the newest used. */
    public static final int KEEP_COPIES = 3;

    /** After how many days a run folder left there (a run that failed or was never resumed) is removed. */
    public static final int KEEP_RUN_DAYS = 30;

    /**
     * Keeps the host's cache folder from growing: marks {@code dir} as just used, then removes the
     * copies beyond the {@value #KEEP_COPIES} most recently used (a copy is marked each time a
     * controller brings or finds it, so one a run still uses is among the newest), half-made copies
     * older than a day (a copy that was cut off), and run folders not touched for
     * {@value #KEEP_RUN_DAYS} days (a finished host's run folder goes as soon as its samples are
     * back: {@link FleetRunner}). A failure here is said, never fatal.
     */
    static void prune(SshSession s, String root, String dir) {
        try {
            SshSession.Result r = s.exec(List.of("sh", "-c", "cd \"$1\" || exit 0; touch -- \"$2\"; "
                    + "ls -1dt -- */ 2>/dev/null | sed 's#/$##' | grep -E '^[0-9a-f]{16,}$' | tail -n +$(($3 + 1)) | "
                    + "while read -r d; do [ \"$1/$d\" = \"$2\" ] || rm -rf -- \"$d\"; done; "
                    + "find . -maxdepth 1 -name '*.partial.*' -mmin +1440 -exec rm -rf -- {} + 2>/dev/null; "
                    + "[ -d runs ] && find runs -mindepth 1 -maxdepth 1 -mtime +$4 -exec rm -rf -- {} + 2>/dev/null; exit 0",
                    "sh", root, dir, Integer.toString(KEEP_COPIES), Integer.toString(KEEP_RUN_DAYS)), null, Duration.ofMinutes(2));
            if (!r.ok()) {
                Console.say("isobench: " + s.host() + ": pruning " + root + " failed: " + r.stderr().strip());
            }
        } catch (IOException e) {
            Console.say("isobench: " + s.host() + ": pruning " + root + " failed: " + e.getMessage());
        }
    }

    /** Removes a run folder there (its samples are all back), and its controller run's folder when that is left empty. */
    public void removeRun(String runDir) throws IOException {
        if (!runDir.startsWith(cacheRoot + "/runs/") || runDir.contains("/../")) {
            throw new IOException("not a run folder of isobench's there: " + runDir);
        }
        SshSession.Result r = session.exec(List.of("sh", "-c", "rm -rf -- \"$1\" || exit 1; rmdir -- \"$(dirname -- \"$1\")\" 2>/dev/null; exit 0",
                "sh", runDir), null, Duration.ofMinutes(2));
        if (!r.ok()) {
            throw new IOException("cannot remove " + runDir + " there: " + r.stderr().strip());
        }
    }

    /** {@code <sha256>  ./path} for every regular file under {@code dir}, as sha256sum writes it. */
    static byte[] manifest(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                b.append(sha256(f)).append("  ./").append(dir.relativize(f)).append('\n');
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The folder as a tar stream (modes kept, symlinks as links) with the manifest added. */
    static void tar(Path dir, byte[] manifest, OutputStream out) throws IOException {
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out); Stream<Path> files = Files.walk(dir)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path f : files.sorted().toList()) {
                String name = dir.relativize(f).toString();
                if (name.isEmpty()) {
                    continue;
                }
                if (Files.isSymbolicLink(f)) {
                    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(f).toString());
                    t.putArchiveEntry(e);
                    t.closeArchiveEntry();
                } else if (Files.isDirectory(f)) {
                    TarArchiveEntry e = new TarArchiveEntry(f.toFile(), name + "/");
                    e.setMode(0755 | 040000);
                    t.putArchiveEntry(e);
                    t.closeArchiveEntry();
                } else {
                    TarArchiveEntry e = new TarArchiveEntry(f.toFile(), name);
                    Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
                    e.setMode((p.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644) | 0100000);
                    t.putArchiveEntry(e);
                    Files.copy(f, t);
                    t.closeArchiveEntry();
                }
            }
            TarArchiveEntry m = new TarArchiveEntry("MANIFEST");
            m.setSize(manifest.length);
            m.setMode(0644 | 0100000);
            t.putArchiveEntry(m);
            t.write(manifest);
            t.closeArchiveEntry();
        }
    }
}
