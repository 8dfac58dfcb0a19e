package io.isobench.workload.storage;

import io.isobench.core.Foreign;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Linux's kernel asynchronous I/O (the system calls io_setup, io_submit, io_getevents and
 * io_destroy), what fio's libaio engine and InnoDB's native AIO run on: libaio is a thin wrapper
 * that makes these very calls. They are reached through the C library's {@code syscall} with the
 * foreign function API, so no library beyond libc is needed in a container or guest image, and
 * every call passes only integers (addresses as {@code long}s): the downcall handle has the type
 * {@code (Object, long...)long} and is invoked exactly, with no boxing on the I/O path.
 *
 * <p>Why reflection for the setup: the project compiles for Java 21, where
 * {@code java.lang.foreign} is a preview API (bound through {@code core.Foreign}); the runtime
 * isobench ships is 22 or later, where it is final. Reflection is used only to build the handle
 * and to allocate native memory, never per request.
 *
 * <p>The ABI used is the kernel's, fixed since 2.6: {@code struct iocb} is 64 bytes,
 * {@code struct io_event} 32 bytes (see {@link Context}). System call numbers are known for
 * x86_64 and aarch64; elsewhere the engine is unavailable and says so.
 */
final class LinuxAio {

    /** iocb opcodes. */
    static final int IOCB_CMD_PREAD = 0;
    static final int IOCB_CMD_PWRITE = 1;
    static final int IOCB_SIZE = 64;
    static final int EVENT_SIZE = 32;

    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EINVAL = 22;
    private static final long AT_FDCWD = -100;
    private static final long O_RDWR = 2;
    private static final long O_CLOEXEC = 0x80000;

    /** mmap/madvise flags: the same numbers on x86_64 and aarch64. */
    private static final long PROT_READ_WRITE = 0x1 | 0x2;
    private static final long MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final long MAP_HUGETLB = 0x40000;
    private static final long MADV_HUGEPAGE = 14;
    private static final long MADV_NOHUGEPAGE = 15;
    /** The PMD huge page size of x86_64 and of aarch64 with 4 KiB pages. */
    static final long HUGE_PAGE = 2L << 20;

    /** System call numbers and O_DIRECT of one architecture. */
    private record Abi(long openat, long close, long ioSetup, long ioDestroy, long ioGetevents, long ioSubmit, long oDirect,
                       long mmap, long munmap, long madvise) {
        static Optional<Abi> of(String arch) {
            return switch (arch) {
                case "amd64", "x86_64" -> Optional.of(new Abi(257, 3, 206, 207, 208, 209, 0x4000, 9, 11, 28));
                case "aarch64", "arm64" -> Optional.of(new Abi(56, 57, 0, 1, 4, 2, 0x10000, 222, 215, 233));
                default -> Optional.empty();
            };
        }
    }

    private final Abi abi;
    /** {@code long syscall(long number, ...)} with errno captured: (Object captureState, long nr, long a1..a6) long. */
    private final MethodHandle syscall;
    private final long errnoOffset;
    private final long captureSize;
    private final Method arenaOfShared;
    private final Method allocate;
    private final Method address;
    private final Method asByteBuffer;

    private final Method ofAddress;
    private final Method reinterpret;

    private LinuxAio(Abi abi, MethodHandle syscall, long errnoOffset, long captureSize, Method arenaOfShared, Method allocate,
                     Method address, Method asByteBuffer, Method ofAddress, Method reinterpret) {
        this.ofAddress = ofAddress;
        this.reinterpret = reinterpret;
        this.abi = abi;
        this.syscall = syscall;
        this.errnoOffset = errnoOffset;
        this.captureSize = captureSize;
        this.arenaOfShared = arenaOfShared;
        this.allocate = allocate;
        this.address = address;
        this.asByteBuffer = asByteBuffer;
    }

    private static Optional<LinuxAio> found;
    private static String whyNot = "not looked up yet";

    /**
     * The engine when the foreign function API works, the architecture is known and the kernel
     * accepts io_setup (gVisor implements it; a kernel built without CONFIG_AIO, a seccomp
     * profile that denies it, or an exhausted fs.aio-max-nr do not); else empty, see {@link #whyNot()}.
     */
    static synchronized Optional<LinuxAio> find() {
        if (found == null) {
            found = lookUp();
        }
        return found;
    }

    /** Why {@link #find()} came back empty. */
    static synchronized String whyNot() {
        return whyNot;
    }

    private static Optional<LinuxAio> lookUp() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        Optional<Abi> abi = Abi.of(arch);
        if (abi.isEmpty()) {
            whyNot = "kernel AIO system call numbers are known for x86_64 and aarch64 only, this is " + arch;
            return Optional.empty();
        }
        LinuxAio aio;
        try {
            aio = bind(abi.get());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable c = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            whyNot = "the foreign function API could not bind libc's syscall (" + c + ")";
            return Optional.empty();
        }
        try (Context probe = aio.context(1)) {
            whyNot = "";
            return Optional.of(aio);
        } catch (java.io.IOException e) {
            whyNot = e.getMessage();
            return Optional.empty();
        }
    }

    private static LinuxAio bind(Abi abi) throws ReflectiveOperationException {
        Foreign f = Foreign.load();
        Object jlong = f.layout("JAVA_LONG");
        MethodHandle raw = f.variadicWithErrno(f.libc(), "syscall", 1, jlong, jlong, jlong, jlong, jlong, jlong, jlong, jlong);
        MethodHandle syscall = raw.asType(MethodType.methodType(long.class, Object.class, long.class, long.class, long.class, long.class,
                long.class, long.class, long.class));
        Class<?> segmentC = f.segmentClass;
        Class<?> arenaC = f.arenaClass;
        return new LinuxAio(abi, syscall, f.errnoOffset(), f.errnoBlockSize(), arenaC.getMethod("ofShared"),
                arenaC.getMethod("allocate", long.class, long.class), segmentC.getMethod("address"), segmentC.getMethod("asByteBuffer"),
                segmentC.getMethod("ofAddress", long.class), segmentC.getMethod("reinterpret", long.class));
    }

    /**
     * Native memory of one job: freed together when closed. Its segments are seen as
     * {@link ByteBuffer}s and raw addresses, so the I/O path needs no foreign API type.
     */
    final class Memory implements AutoCloseable {
        private final AutoCloseable arena;

        Memory() throws java.io.IOException {
            try {
                arena = (AutoCloseable) arenaOfShared.invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new java.io.IOException("could not create a native memory arena: " + e, e);
            }
        }

        /** {@code size} zeroed bytes at an address that is a multiple of {@code alignment}. */
        Block allocate(long size, long alignment) {
            try {
                Object segment = allocate.invoke(arena, size, alignment);
                return new Block(segment, (Long) address.invoke(segment), (ByteBuffer) asByteBuffer.invoke(segment));
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                arena.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not free native memory: " + e, e);
            }
        }
    }

    /** A native block: the segment, its address and a view of it (big-endian, as ByteBuffers start). */
    record Block(Object segment, long address, ByteBuffer buffer) {
    }

    /**
     * The kind of memory the I/O buffers are made of. It matters for large requests: the block
     * layer needs one segment per physically contiguous piece of a buffer, and a disk takes a
     * bounded number per request (virtio-blk: max_segments, 254 here), so a 1 MiB buffer of 256
     * scattered 4 KiB pages is split into two device requests, one inside a huge page is not.
     * How contiguous ordinary (malloc'd) pages happen to be differs between processes and
     * environments; huge pages make it the same for every tool and environment.
     */
    enum Buffers {
        /** Anonymous mmap, 2 MiB aligned, madvise(MADV_HUGEPAGE): transparent huge pages (THP "madvise" or "always"). */
        THP,
        /** Anonymous mmap with MAP_HUGETLB: pages from the kernel's reserved pool (vm.nr_hugepages), fio's --mem=mmaphuge. */
        HUGETLB,
        /** Anonymous mmap, madvise(MADV_NOHUGEPAGE): 4 KiB pages, physically as contiguous as the allocator makes them. */
        SMALL;

        String label() {
            return this == SMALL ? "4k" : name().toLowerCase(Locale.ROOT);
        }

        static Buffers parse(String s) {
            return s.equals("4k") ? SMALL : valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * Mapped I/O buffer memory: {@code address} (2 MiB aligned for thp and hugetlb) and a view of
     * {@code length} bytes there; {@code advised}: whether the kernel accepted the madvise (a
     * kernel without THP refuses it). Unmapped when its context closes.
     */
    record Mapped(long address, long length, ByteBuffer buffer, boolean advised) {
    }

    /**
     * Bytes of {@code [address, address + length)} backed by huge pages, from the kernel's
     * /proc/self/smaps (AnonHugePages for THP, Private_Hugetlb and Shared_Hugetlb for hugetlb, of
     * the mappings inside the range); -1 where smaps cannot be read (a sandbox without it).
     */
    static long hugeBytes(long address, long length) {
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(Path.of("/proc/self/smaps"));
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return hugeBytes(lines, address, length);
    }

    /** {@link #hugeBytes(long, long)} over the given smaps text. */
    static long hugeBytes(List<String> smaps, long address, long length) {
        long end = address + length;
        long total = 0;
        long from = 0;
        long to = 0;
        for (String line : smaps) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                from = Long.parseUnsignedLong(line.substring(0, dash), 16);
                to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                continue;
            }
            if (from >= end || to <= address) {
                continue;
            }
            if (line.startsWith("AnonHugePages:") || line.startsWith("Private_Hugetlb:") || line.startsWith("Shared_Hugetlb:")) {
                String[] f = line.trim().split("\\s+");
                long kb = Long.parseLong(f[1]);
                total += Math.min(kb * 1024, Math.min(to, end) - Math.max(from, address));
            }
        }
        return total;
    }

    /**
     * One system call; a negative errno on failure (the kernel's convention), so callers need no
     * thread-local state. {@code errno} is this thread's capture block.
     */
    private long call(Object errno, ByteBuffer errnoView, long nr, long a, long b, long c, long d, long e) {
        return call(errno, errnoView, nr, a, b, c, d, e, 0);
    }

    private long call(Object errno, ByteBuffer errnoView, long nr, long a, long b, long c, long d, long e, long f) {
        long r;
        try {
            r = (long) syscall.invokeExact(errno, nr, a, b, c, d, e, f);
        } catch (RuntimeException | Error x) {
            throw x;
        } catch (Throwable x) {
            throw new IllegalStateException(x);
        }
        return r == -1 ? -errnoView.getInt((int) errnoOffset) : r;
    }

    /** strerror for the few errnos these calls return, with the number for the rest. */
    static String errnoName(long negative) {
        return Foreign.errnoName(negative);
    }

    static boolean invalidArgument(long negative) {
        return negative == -EINVAL;
    }

    /** An AIO context with room for {@code depth} requests in flight, and its own native memory. */
    Context context(int depth) throws java.io.IOException {
        return new Context(depth);
    }

    /**
     * One io_setup context, used by one thread: its iocbs, the pointer array io_submit reads, the
     * event array io_getevents fills, and the errno capture block.
     */
    final class Context implements AutoCloseable {
        final int depth;
        private final Memory memory;
        private final Object capture;
        private final ByteBuffer captureView;
        private final long ctx;
        private final long iocbs;
        private final ByteBuffer iocbView;
        private final long pointers;
        private final ByteBuffer pointerView;
        private final long events;
        private final ByteBuffer eventView;
        private final long timeout;
        private boolean destroyed;
        /** Regions {@link #map} made: address and length, unmapped on close. */
        private final java.util.List<long[]> unmaps = new java.util.ArrayList<>();
        /** io_submit calls that took requests, io_getevents calls that returned events: the submission policy as it ran. */
        long submitCalls;
        long reapCalls;

        private Context(int depth) throws java.io.IOException {
            this.depth = depth;
            memory = new Memory();
            try {
                Block cap = memory.allocate(Math.max(captureSize, 8), 8);
                capture = cap.segment();
                captureView = cap.buffer().order(ByteOrder.nativeOrder());
                Block c = memory.allocate(8, 8);
                Block io = memory.allocate((long) IOCB_SIZE * depth, 64);
                iocbs = io.address();
                iocbView = io.buffer().order(ByteOrder.nativeOrder());
                Block p = memory.allocate(8L * depth, 8);
                pointers = p.address();
                pointerView = p.buffer().order(ByteOrder.nativeOrder());
                Block ev = memory.allocate((long) EVENT_SIZE * depth, 8);
                events = ev.address();
                eventView = ev.buffer().order(ByteOrder.nativeOrder());
                Block ts = memory.allocate(16, 8);
                ts.buffer().order(ByteOrder.nativeOrder()).putLong(0, 1).putLong(8, 0); // 1 s: a lost completion cannot hang a run
                timeout = ts.address();
                long r = call(capture, captureView, abi.ioSetup(), depth, c.address(), 0, 0, 0);
                if (r < 0) {
                    throw new java.io.IOException("the kernel refused io_setup(" + depth + "): " + errnoName(r)
                            + (r == -EAGAIN ? ", fs.aio-max-nr is exhausted" : r == -38 ? ", no kernel AIO here" : ""));
                }
                ctx = c.buffer().order(ByteOrder.nativeOrder()).getLong(0);
            } catch (java.io.IOException | RuntimeException e) {
                memory.close();
                throw e;
            }
            for (int i = 0; i < depth; i++) {
                pointerView.putLong(8 * i, iocbs + (long) IOCB_SIZE * i);
            }
        }

        /** Native memory that lives as long as this context. */
        Block allocate(long size, long alignment) {
            return memory.allocate(size, alignment);
        }

        /**
         * {@code size} bytes of I/O buffer memory of the given kind, untouched (the caller's first
         * write faults it in: with THP, one 2 MiB page per fault), unmapped when this context
         * closes, after io_destroy. An IOException says why the kernel refused (hugetlb: no
         * reserved huge pages free).
         */
        Mapped map(long size, Buffers kind) throws java.io.IOException {
            long length = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
            long span = kind == Buffers.THP ? length + HUGE_PAGE : length; // room to align a THP region to 2 MiB
            long flags = MAP_PRIVATE_ANONYMOUS | (kind == Buffers.HUGETLB ? MAP_HUGETLB : 0);
            long raw = call(capture, captureView, abi.mmap(), 0, span, PROT_READ_WRITE, flags, -1, 0);
            if (raw < 0 && raw > -4096) {
                throw new java.io.IOException("mmap of " + span + " bytes of " + kind.label() + " buffer memory failed: " + errnoName(raw)
                        + (kind == Buffers.HUGETLB ? " (buffers=hugetlb needs free huge pages reserved: vm.nr_hugepages, see"
                                + " /proc/meminfo HugePages_Free; or use buffers=thp)" : ""));
            }
            unmaps.add(new long[] {raw, span});
            long address = kind == Buffers.THP ? (raw + HUGE_PAGE - 1) & -HUGE_PAGE : raw;
            boolean advised = true;
            if (kind != Buffers.HUGETLB) {
                advised = call(capture, captureView, abi.madvise(), address, length, kind == Buffers.THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE,
                        0, 0) == 0;
            }
            try {
                Object segment = reinterpret.invoke(ofAddress.invoke(null, address), length);
                return new Mapped(address, length, (ByteBuffer) asByteBuffer.invoke(segment), advised);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Opens {@code file} read-write with O_DIRECT; returns the fd or a negative errno. */
        long openDirect(Path file) {
            byte[] name = file.toString().getBytes(StandardCharsets.UTF_8);
            Block b = memory.allocate(name.length + 1, 1);
            b.buffer().put(0, name).put(name.length, (byte) 0);
            return call(capture, captureView, abi.openat(), AT_FDCWD, b.address(), O_RDWR | O_CLOEXEC | abi.oDirect(), 0, 0);
        }

        void closeFd(long fd) {
            call(capture, captureView, abi.close(), fd, 0, 0, 0, 0);
        }

        /** Fills iocb {@code slot}: its user data is the slot number, so the event names it. */
        void prepare(int slot, int opcode, long fd, long buffer, long length, long offset) {
            int o = IOCB_SIZE * slot;
            iocbView.putLong(o, slot);          // aio_data
            iocbView.putInt(o + 8, 0);          // aio_key
            iocbView.putInt(o + 12, 0);         // aio_rw_flags
            iocbView.putShort(o + 16, (short) opcode); // aio_lio_opcode
            iocbView.putShort(o + 18, (short) 0);      // aio_reqprio
            iocbView.putInt(o + 20, (int) fd);  // aio_fildes
            iocbView.putLong(o + 24, buffer);   // aio_buf
            iocbView.putLong(o + 32, length);   // aio_nbytes
            iocbView.putLong(o + 40, offset);   // aio_offset
            iocbView.putLong(o + 48, 0);        // aio_reserved2
            iocbView.putInt(o + 56, 0);         // aio_flags
            iocbView.putInt(o + 60, 0);         // aio_resfd
        }

        /**
         * Submits the prepared slots listed in {@code slots[0..n)}, all of them (io_submit may take
         * fewer at a time). Returns 0, or a negative errno.
         */
        long submit(int[] slots, int n) {
            for (int i = 0; i < n; i++) {
                pointerView.putLong(8 * i, iocbs + (long) IOCB_SIZE * slots[i]);
            }
            int done = 0;
            while (done < n) {
                long r = call(capture, captureView, abi.ioSubmit(), ctx, n - done, pointers + 8L * done, 0, 0);
                if (r == -EINTR || r == -EAGAIN) {
                    continue;
                }
                if (r < 0) {
                    return r;
                }
                if (r > 0) {
                    submitCalls++;
                }
                done += (int) r;
            }
            return 0;
        }

        /**
         * Waits for at least one completion and takes at most {@code max} (1 to depth); returns how
         * many events are in the event array (0 after a one-second timeout), or a negative errno.
         */
        int reap(int max) {
            if (max < 1 || max > depth) {
                throw new IllegalArgumentException("reap at most " + max + " of a context of depth " + depth);
            }
            while (true) {
                long r = call(capture, captureView, abi.ioGetevents(), ctx, 1, max, events, timeout);
                if (r == -EINTR) {
                    continue;
                }
                if (r > 0) {
                    reapCalls++;
                }
                return (int) r;
            }
        }

        /** The slot of event {@code i} of the last {@link #reap(int)}. */
        int eventSlot(int i) {
            return (int) eventView.getLong(EVENT_SIZE * i);
        }

        /** The result of event {@code i}: bytes transferred, or a negative errno. */
        long eventResult(int i) {
            return eventView.getLong(EVENT_SIZE * i + 16);
        }

        @Override
        public void close() {
            try {
                if (!destroyed) {
                    destroyed = true;
                    // io_destroy waits for requests still in flight, so their buffers are not freed under them
                    call(capture, captureView, abi.ioDestroy(), ctx, 0, 0, 0, 0);
                }
            } finally {
                for (long[] m : unmaps) {
                    call(capture, captureView, abi.munmap(), m[0], m[1], 0, 0, 0);
                }
                unmaps.clear();
                memory.close();
            }
        }
    }
}
