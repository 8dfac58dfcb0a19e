package io.isobench.workload.syscall;

import io.isobench.workload.WorkloadFamily;

import io.isobench.BadInputException;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Params;
import io.isobench.workload.Workload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost of common system calls and process operations, where gVisor and VMs differ most from
 * containers. Each operation is timed over a fixed count after a warm-up and reported in
 * microseconds per operation (lower is better). The operations are reached through the JDK, so
 * each figure includes the same thin JVM layer in every environment; ratios between environments
 * are what matter.
 *
 * <ul>
 *   <li>{@code stat}: Files.readAttributes (stat/statx)</li>
 *   <li>{@code open_close}: FileChannel.open + close (openat, close)</li>
 *   <li>{@code read_4k}, {@code write_4k}: positional 4 KiB read/write on a cached file (pread64/pwrite64)</li>
 *   <li>{@code fork_exec}: start /bin/true and wait for it (vfork/posix_spawn, execve, wait4)</li>
 *   <li>{@code page_fault}: a fresh 4 KiB page touched (mmap'd anonymous memory, first write)</li>
 *   <li>{@code context_switch}: one byte each way between two threads over a pipe (a switch per hop)</li>
 * </ul>
 */
public final class SyscallWorkload implements Workload {

    static final List<String> OPS = List.of("stat", "open_close", "read_4k", "write_4k", "fork_exec", "page_fault", "context_switch");

    @Override
    public String name() {
        return "syscall";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.SYSCALL;
    }

    @Override
    public String description() {
        return "cost of system calls and process operations: stat, open/close, 4K read/write, fork+exec, page faults, context switches";
    }

    static final ParamKey<String> OPERATIONS = ParamKey.text("ops", "operations to time, comma-separated, from " + String.join(",", OPS))
            .defaultValue(String.join(",", OPS)).build();
    static final ParamKey<Integer> COUNT = ParamKey.integer("count", "operations timed per kind (fork_exec uses count/100, at least 20)")
            .defaultValue(20_000).range(100, 100_000_000).build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(OPERATIONS, COUNT);
    }

    @Override
    public void validate(Params p, io.isobench.host.HostFacts host) {
        for (String op : p.get(OPERATIONS).split(",")) {
            if (!OPS.contains(op.trim())) {
                throw new BadInputException("workload 'syscall' parameter 'ops' names '" + op.trim() + "'"
                        + io.isobench.Names.suggestion(op.trim(), OPS) + "; the operations are " + String.join(",", OPS));
            }
        }
    }

    @Override
    public Duration estimate(Params p) {
        return Duration.ofSeconds(2);
    }

    @Override
    public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
        int count = p.get(COUNT);
        Path dir = Files.createDirectories(ctx.dataDir().resolve("syscall-" + ProcessHandle.current().pid()));
        Path file = dir.resolve("file");
        WorkloadResult.Builder r = WorkloadResult.builder();
        Map<String, Object> counts = new LinkedHashMap<>();
        try {
            Files.write(file, new byte[1 << 20]);
            for (String op : p.get(OPERATIONS).split(",")) {
                String name = op.trim();
                int n = name.equals("fork_exec") ? Math.max(20, count / 100) : count;
                double us = switch (name) {
                    case "stat" -> time(n, () -> Files.readAttributes(file, BasicFileAttributes.class));
                    case "open_close" -> time(n, () -> FileChannel.open(file, StandardOpenOption.READ).close());
                    case "read_4k" -> readWrite(file, n, false);
                    case "write_4k" -> readWrite(file, n, true);
                    case "fork_exec" -> time(n, () -> {
                        Process pr = new ProcessBuilder("/bin/true").start();
                        if (pr.waitFor() != 0) {
                            throw new IOException("/bin/true failed");
                        }
                    });
                    case "page_fault" -> pageFaults(n);
                    case "context_switch" -> contextSwitches(n);
                    default -> throw new IllegalArgumentException(name);
                };
                r.lower(name, us, "us/op");
                counts.put(name, n);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        return r.fact("operations_timed", counts).build();
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** Microseconds per call over {@code n} calls, after {@code n/10} untimed ones. */
    private static double time(int n, Action a) throws Exception {
        for (int i = 0; i < Math.max(1, n / 10); i++) {
            a.run();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            a.run();
        }
        return (System.nanoTime() - t0) / 1e3 / n;
    }

    private static double readWrite(Path file, int n, boolean write) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            long blocks = ch.size() / 4096;
            long[] pos = {0};
            return time(n, () -> {
                buf.clear();
                long at = (pos[0]++ % blocks) * 4096;
                int done = write ? ch.write(buf, at) : ch.read(buf, at);
                if (done != 4096) {
                    throw new IOException("short " + (write ? "write" : "read") + ": " + done);
                }
            });
        }
    }

    /**
     * Microseconds per first touch of a 4 KiB page: direct buffers come from fresh anonymous memory,
     * and the JDK zeroes them on allocation, which faults every page in once.
     */
    private static double pageFaults(int n) {
        int pagesPerChunk = 16_384; // 64 MiB at a time keeps memory small whatever n is
        long pages = 0;
        long nanos = 0;
        List<ByteBuffer> keep = new ArrayList<>();
        while (pages < n) {
            int chunk = (int) Math.min(pagesPerChunk, n - pages);
            long t0 = System.nanoTime();
            ByteBuffer b = ByteBuffer.allocateDirect(chunk * 4096);
            nanos += System.nanoTime() - t0;
            keep.add(b);
            pages += chunk;
            if (keep.size() > 2) {
                keep.remove(0); // released by the GC; fresh buffers fault again
            }
        }
        return nanos / 1e3 / pages;
    }

    /** Microseconds per hop of a byte between two threads over two pipes. */
    private static double contextSwitches(int n) throws Exception {
        Pipe ping = Pipe.open();
        Pipe pong = Pipe.open();
        Thread echo = Thread.ofPlatform().daemon().start(() -> {
            ByteBuffer b = ByteBuffer.allocate(1);
            try {
                while (true) {
                    b.clear();
                    if (ping.source().read(b) < 0) {
                        return;
                    }
                    b.flip();
                    pong.sink().write(b);
                }
            } catch (IOException done) {
                // closed
            }
        });
        ByteBuffer b = ByteBuffer.allocate(1);
        try {
            double perRoundTrip = time(n, () -> {
                b.clear();
                ping.sink().write(b);
                b.clear();
                pong.source().read(b);
            });
            return perRoundTrip / 2;
        } finally {
            ping.sink().close();
            ping.source().close();
            pong.sink().close();
            pong.source().close();
            echo.join(1000);
        }
    }
}
