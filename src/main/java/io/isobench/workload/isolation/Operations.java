package io.isobench.workload.isolation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A safe set of operations, each standing for the system calls it needs, tried inside the
 * environment to see what its filters (seccomp, capabilities, a sandbox kernel like gVisor)
 * allow. Each works only on files of its own under the data folder, on loopback, or in a private
 * mount namespace, and undoes what it did: nothing outside changes.
 */
final class Operations {

    @FunctionalInterface
    private interface Op {
        /** Returns normally when allowed; throws when refused. Returns false when it cannot be tried here. */
        boolean run(Path dir) throws Exception;
    }

    private record Named(String name, Op op) {
    }

    private static final List<Named> OPS = List.of(
            new Named("open/write/read/unlink", d -> {
                Path f = d.resolve("isolation-probe");
                Files.writeString(f, "x");
                Files.readString(f);
                Files.delete(f);
                return true;
            }),
            new Named("mkdir/rmdir", d -> {
                Path f = Files.createDirectory(d.resolve("isolation-dir"));
                Files.delete(f);
                return true;
            }),
            new Named("symlink/readlink", d -> {
                Path l = d.resolve("isolation-link");
                try {
                    Files.createSymbolicLink(l, Path.of("target"));
                    Files.readSymbolicLink(l);
                } finally {
                    Files.deleteIfExists(l);
                }
                return true;
            }),
            new Named("link", d -> {
                Path f = d.resolve("isolation-a");
                Path g = d.resolve("isolation-b");
                try {
                    Files.writeString(f, "x");
                    Files.createLink(g, f);
                } finally {
                    Files.deleteIfExists(g);
                    Files.deleteIfExists(f);
                }
                return true;
            }),
            new Named("chmod/chown/utimes", d -> {
                Path f = d.resolve("isolation-attr");
                try {
                    Files.writeString(f, "x");
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
                    Files.setOwner(f, Files.getOwner(f));
                    Files.setLastModifiedTime(f, FileTime.fromMillis(0));
                } finally {
                    Files.deleteIfExists(f);
                }
                return true;
            }),
            new Named("statfs", d -> Files.getFileStore(d).getTotalSpace() >= 0),
            new Named("mmap", d -> {
                Path f = d.resolve("isolation-map");
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ch.map(FileChannel.MapMode.READ_WRITE, 0, 4096).put(0, (byte) 1);
                } finally {
                    Files.deleteIfExists(f);
                }
                return true;
            }),
            new Named("tcp socket/bind/listen (loopback)", d -> {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    return s.getLocalPort() > 0;
                }
            }),
            new Named("udp socket/bind (loopback)", d -> {
                try (DatagramChannel c = DatagramChannel.open()) {
                    c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    return true;
                }
            }),
            new Named("unix socket/bind", d -> {
                Path sock = d.resolve("isolation.sock");
                try (ServerSocketChannel c = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    c.bind(UnixDomainSocketAddress.of(sock));
                    return true;
                } finally {
                    Files.deleteIfExists(sock);
                }
            }),
            new Named("fork/exec", d -> exec(List.of("/bin/true"))),
            new Named("unshare user namespace", d -> exec(List.of("unshare", "--user", "true"))),
            new Named("unshare mount namespace + mount tmpfs (private)", d -> {
                Path m = Files.createDirectories(d.resolve("isolation-mnt"));
                try {
                    return exec(List.of("unshare", "--mount", "--propagation", "private", "mount", "-t", "tmpfs", "none", m.toString()));
                } finally {
                    Files.deleteIfExists(m);
                }
            }),
            new Named("chroot", d -> exec(List.of("chroot", "/", "/bin/true"))));

    private Operations() {
    }

    /**
     * Tries every operation; appends "name: allowed|denied (why)|not tried (why)" to {@code report}.
     *
     * @return how many were allowed
     */
    static int tryAll(Path dir, List<String> report) throws IOException {
        Files.createDirectories(dir);
        int allowed = 0;
        for (Named n : OPS) {
            try {
                if (n.op().run(dir)) {
                    allowed++;
                    report.add(n.name() + ": allowed");
                } else {
                    report.add(n.name() + ": not tried (tool missing)");
                }
            } catch (Exception e) {
                report.add(n.name() + ": denied (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("")) + ")");
            }
        }
        return allowed;
    }

    /** Runs a command; false when the tool is not there, an exception when it is refused. */
    private static boolean exec(List<String> cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            if (cmd.get(0).startsWith("/bin/true")) {
                throw e; // fork/exec itself refused
            }
            return false;
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(out.isEmpty() ? "exit " + p.exitValue() : out);
        }
        return true;
    }
}
