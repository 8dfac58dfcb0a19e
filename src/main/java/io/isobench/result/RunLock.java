package io.isobench.result;

import io.isobench.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tells a run in progress from one that is not, by a lock rather than by guessing: a running
 * isobench holds an exclusive lock on {@code <root>/<run-id>.lock} for as long as it lives. The
 * kernel drops the lock when the process ends, however it ends (Ctrl-C, {@code kill -9}, a crash),
 * so {@code doctor --clean} can remove what a dead run left behind and keep what a live one uses,
 * and a second {@code --resume} of a run in progress is refused.
 *
 * <p>The root is {@code /run/isobench} (a tmpfs: stale files vanish at reboot), or
 * {@code $TMPDIR/isobench-locks} where /run is not writable; {@code -Disobench.locks=DIR} overrides
 * it (tests).
 */
public final class RunLock implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static Path root() {
        String override = System.getProperty("isobench.locks");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Path run = Path.of("/run/isobench");
        try {
            Files.createDirectories(run);
            if (Files.isWritable(run)) {
                return run;
            }
        } catch (IOException | SecurityException e) {
            // not root, or no /run: the temp folder below
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "isobench-locks");
    }

    private static Path file(String runId) {
        return root().resolve(runId + ".lock");
    }

    /**
     * Holds the run's lock until {@link #close()} or the process ends.
     *
     * @throws BadInputException when another isobench process holds it (the run is in progress)
     */
    public static RunLock acquire(String runId) throws IOException {
        Path f = file(runId);
        Files.createDirectories(f.getParent());
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // this very process holds it
        }
        if (l == null) {
            String holder = holder(ch);
            ch.close();
            throw new BadInputException("run " + runId + " is in progress" + (holder.isEmpty() ? "" : " (isobench pid " + holder + ")")
                    + ": wait for it to end, or stop that process first");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new RunLock(f, ch, l);
    }

    /** Whether a live isobench process holds the run's lock. */
    public static boolean live(String runId) {
        Path f = file(runId);
        if (!Files.exists(f)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this process
        } catch (IOException e) {
            return false;
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
