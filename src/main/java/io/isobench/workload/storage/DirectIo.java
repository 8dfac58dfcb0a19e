package io.isobench.workload.storage;

import io.isobench.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * O_DIRECT file access for the storage workload: I/O that bypasses the page cache, so the
 * figures are the storage's and not memory's. Java offers it as
 * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} (module jdk.unsupported), which requires
 * every buffer address, file position and length to be a multiple of the file system's block
 * size; {@link #buffer} makes such buffers.
 *
 * <p>Where O_DIRECT cannot mean "the storage" the workload refuses to run rather than fall back
 * to cached I/O: a file system that rejects O_DIRECT, and a file system in memory (tmpfs accepts
 * O_DIRECT since Linux 6.6, but its "disk" is RAM).
 */
final class DirectIo {

    /** File systems whose contents live in memory. */
    static final Set<String> IN_MEMORY = Set.of("tmpfs", "ramfs", "devtmpfs", "hugetlbfs");

    static final String FIX = "choose a folder on a disk-backed file system (native: dir=/var/tmp; docker: the container"
            + " filesystem or a volume; vm: the guest's virtio disk)";

    private DirectIo() {
    }

    /**
     * The DIRECT open option, looked up by name: a trimmed runtime image without jdk.unsupported
     * then yields this clear message instead of a NoClassDefFoundError deep in a run.
     */
    static OpenOption direct() {
        try {
            return (OpenOption) Class.forName("com.sun.nio.file.ExtendedOpenOption").getField("DIRECT").get(null);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            throw new IllegalStateException("this Java runtime has no com.sun.nio.file.ExtendedOpenOption.DIRECT (module"
                    + " jdk.unsupported), so it cannot do O_DIRECT I/O: use a runtime image that includes jdk.unsupported", e);
        }
    }

    /** The file system type of {@code dir} as the kernel names it (ext4, xfs, overlay, tmpfs...). */
    static String type(Path dir) throws IOException {
        return Files.getFileStore(dir).type();
    }

    /** Refuses a folder whose file system cannot give page-cache-free storage figures. */
    static void checkFileSystem(String workload, Path dir) throws IOException {
        String type = type(dir);
        if (IN_MEMORY.contains(type)) {
            throw new BadInputException(workload + ": the data folder " + dir + " is on " + type
                    + ", a file system in memory: O_DIRECT there measures RAM, not storage; " + FIX);
        }
    }

    /** Refuses a file that does not fit, keeping {@code spare} bytes free for everyone else. */
    static void checkSpace(String workload, Path dir, long fileSize, long spare) throws IOException {
        FileStore store = Files.getFileStore(dir);
        long free = store.getUsableSpace();
        if (free < fileSize + spare) {
            throw new BadInputException(workload + ": file_size=" + mib(fileSize) + " does not fit in " + dir + " ("
                    + store.type() + ", " + mib(free) + " free, " + mib(spare) + " kept spare): choose a smaller file_size"
                    + " or a data folder on a larger disk");
        }
    }

    /** The alignment O_DIRECT needs here: the file system's block size, at least 4 KiB. */
    static int alignment(Path dir) throws IOException {
        long bs = Files.getFileStore(dir).getBlockSize();
        return (int) Math.max(4096, bs);
    }

    /** Opens {@code file} with O_DIRECT; a file system that refuses it gets a clear message. */
    static FileChannel open(String workload, Path file, OpenOption... more) throws IOException {
        OpenOption[] opts = new OpenOption[more.length + 3];
        opts[0] = StandardOpenOption.READ;
        opts[1] = StandardOpenOption.WRITE;
        opts[2] = direct();
        System.arraycopy(more, 0, opts, 3, more.length);
        try {
            return FileChannel.open(file, opts);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("Invalid argument")) {
                throw refused(workload, file, e);
            }
            throw e;
        }
    }

    /** The message for a file system that accepted the open but refuses O_DIRECT transfers. */
    static BadInputException refused(String workload, Path file, Exception e) {
        String type;
        try {
            type = type(file.getParent());
        } catch (IOException ignored) {
            type = "unknown file system";
        }
        return new BadInputException(workload + ": the file system of " + file.getParent() + " (" + type
                + ") refuses O_DIRECT (" + e.getMessage() + "), so page-cache-free I/O cannot be measured there; " + FIX, e);
    }

    /** A direct buffer of {@code size} bytes whose address is a multiple of {@code alignment}. */
    static ByteBuffer buffer(int size, int alignment) {
        ByteBuffer raw = ByteBuffer.allocateDirect(size + alignment);
        ByteBuffer aligned = raw.alignedSlice(alignment);
        return aligned.limit(size).slice();
    }

    /** A size as users write it: 1024T, 64M, 76.1G. */
    static String mib(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (4 - i));
            if (bytes >= unit) {
                return bytes % unit == 0 ? bytes / unit + units[i] : String.format(java.util.Locale.ROOT, "%.1f%s", (double) bytes / unit, units[i]);
            }
        }
        return String.valueOf(bytes);
    }
}
