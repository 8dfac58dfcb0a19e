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
import java.util.Optional;

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
 *   <li>{@code page_fault}: a fresh 4 KiB page touched (mmap'd anonymous memory with huge pages off for it,
 *   first write); also {@code page_fault_per_fault}, the same time over the minor faults the kernel counted</li>
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

    /** Page size and THP: page_fault turns huge pages off for its own memory, the fallback cannot (see {@link #pageFaults}). */
    @Override
    public List<io.isobench.core.IdentityFact> identityFacts() {
        return io.isobench.core.IdentityFact.MEMORY_PAGES;
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
        PageFaults faults = null;
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
                    case "page_fault" -> {
                        PageFaults pf = pageFaults(n);
                        faults = pf;
                        yield pf.usPerPage();
                    }
                    case "context_switch" -> contextSwitches(n);
                    default -> throw new IllegalArgumentException(name);
                };
                r.lower(name, us, "us/op");
                counts.put(name, n);
            }
            if (faults != null) {
                r.fact("page_fault", faults.facts());
                if (!Double.isNaN(faults.usPerFault())) {
                    r.lower("page_fault_per_fault", faults.usPerFault(), "us/fault");
                }
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

    /** What the page_fault operation measured: time, pages touched, faults the kernel counted, how. */
    record PageFaults(long nanos, long pages, long faultsCounted, String hugePages) {
        double usPerPage() {
            return nanos / 1e3 / pages;
        }

        /** Microseconds per fault the kernel counted, or NaN where it counted none (gVisor's /proc does not). */
        double usPerFault() {
            return faultsCounted > 0 ? nanos / 1e3 / faultsCounted : Double.NaN;
        }

        Map<String, Object> facts() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pages_touched", pages);
            // gVisor's /proc/self/stat keeps minflt at 0: no count there, so no per-fault figure either
            m.put("faults_counted", faultsCounted > 0 ? faultsCounted
                    : faultsCounted == 0 ? "none reported (this kernel's /proc/self/stat counts no minor faults, as gVisor's)" : "unknown");
            m.put("huge_pages", hugePages);
            return m;
        }
    }

    /**
     * The first write to each 4 KiB page of fresh anonymous memory, timed, and the minor faults the
     * kernel counted meanwhile (/proc/self/stat, read outside the timed part). The memory is mapped
     * with transparent huge pages off for it (MADV_NOHUGEPAGE), so a guest kernel whose THP setting
     * is "always" faults each 4 KiB page as the host's "madvise" does, instead of one 2 MiB page per
     * 512 (which made VMs look 3-4x cheaper per page than runc). Where the foreign function API is
     * missing, JDK direct buffers (zeroed on allocation) are the fallback, under the system's THP
     * setting, and the facts say so.
     */
    static PageFaults pageFaults(int n) {
        int pagesPerChunk = 16_384; // 64 MiB at a time keeps memory small whatever n is
        long pages = 0;
        long nanos = 0;
        long faults = 0;
        boolean counted = true;
        Optional<FreshPages> fresh = FreshPages.open();
        boolean allOff = true;
        List<ByteBuffer> keep = new ArrayList<>();
        while (pages < n) {
            int chunk = (int) Math.min(pagesPerChunk, n - pages);
            long f0 = minorFaults();
            long t0;
            long t1;
            if (fresh.isPresent()) {
                try (FreshPages.Region r = fresh.get().map((long) chunk * 4096)) {
                    ByteBuffer b = r.buffer;
                    allOff &= r.hugePagesOff;
                    t0 = System.nanoTime();
                    for (int i = 0; i < chunk; i++) {
                        b.put(i * 4096, (byte) 1);
                    }
                    t1 = System.nanoTime();
                }
            } else {
                t0 = System.nanoTime();
                ByteBuffer b = ByteBuffer.allocateDirect(chunk * 4096);
                t1 = System.nanoTime();
                keep.add(b);
                if (keep.size() > 2) {
                    keep.remove(0); // released by the GC; fresh buffers fault again
                }
            }
            long f1 = minorFaults();
            nanos += t1 - t0;
            pages += chunk;
            if (f0 < 0 || f1 < 0) {
                counted = false;
            } else {
                faults += f1 - f0;
            }
        }
        String thp = systemThp();
        String huge = fresh.isPresent()
                ? (allOff ? "off for the region (MADV_NOHUGEPAGE; system setting " + thp + ")" : "kernel refused MADV_NOHUGEPAGE (system setting " + thp + ")")
                : "system setting " + thp + " (JDK direct buffers: " + FreshPages.whyNot() + ")";
        return new PageFaults(nanos, pages, counted ? faults : -1, huge);
    }

    /** This process's minor faults so far (field 10 of /proc/self/stat), or -1 where unreadable. */
    static long minorFaults() {
        try {
            String s = Files.readString(Path.of("/proc/self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String systemThp() {
        try {
            String line = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).trim();
            int a = line.indexOf('[');
            int b = line.indexOf(']');
            return a >= 0 && b > a ? line.substring(a + 1, b) : line;
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
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
