package io.isobench.core;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** File helpers environments share: the tail of a log for error messages, recursive removal. */
public final class Files2 {

    private Files2() {
    }

    /** The last {@code maxBytes} of a file as text, or "" when it cannot be read. */
    public static String tail(Path file, int maxBytes) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - maxBytes);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            String s = new String(buf, StandardCharsets.UTF_8);
            return from > 0 ? "..." + s.substring(Math.min(s.length(), Math.max(0, s.indexOf('\n') + 1))) : s;
        } catch (IOException e) {
            return "";
        }
    }

    /** Removes a file or a folder with everything in it; a missing path is fine. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Bytes a file or folder takes on disk, as {@code du} counts them (allocated blocks: a sparse
     * VM disk counts what it holds, not its size); -1 when it cannot be measured.
     */
    public static long diskUsage(Path root) {
        try {
            Process p = ChildProcess.start(new ProcessBuilder("du", "-s", "-B1", root.toString()).redirectErrorStream(true));
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return -1;
            }
            return Long.parseLong(out.strip().split("\\s+")[0]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
