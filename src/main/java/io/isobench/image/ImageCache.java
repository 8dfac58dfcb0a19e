package io.isobench.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where built images live: {@code $ISOBENCH_CACHE}, else {@code $XDG_CACHE_HOME/isobench}, else
 * {@code ~/.cache/isobench}. Each artefact sits in a folder named by the hash of its inputs and is
 * built once; a lock file keeps two concurrent runs from building the same thing twice.
 */
public final class ImageCache {

    private final Path root;

    public ImageCache(Path root) {
        this.root = root;
    }

    public static ImageCache standard() {
        String env = System.getenv("ISOBENCH_CACHE");
        if (env != null && !env.isBlank()) {
            return new ImageCache(Path.of(env));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new ImageCache(base.resolve("isobench"));
    }

    public Path root() {
        return root;
    }

    public Path images() {
        return root.resolve("images");
    }

    /** Holds an exclusive lock on {@code name} in the cache until closed. */
    public FileLock lock(String name) throws IOException {
        Files.createDirectories(images());
        FileChannel ch = FileChannel.open(images().resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return ch.lock();
    }

    /** A short content hash of the given parts (strings and files). */
    public static String hash(Object... parts) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Object p : parts) {
            if (p instanceof Path file && Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                    }
                }
            } else {
                md.update(String.valueOf(p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }
}
