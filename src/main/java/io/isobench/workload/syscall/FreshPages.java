package io.isobench.workload.syscall;

import io.isobench.core.Foreign;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Fresh anonymous memory in 4 KiB pages whatever the kernel's transparent huge page setting:
 * mmap(2) of a private anonymous region, madvise(MADV_NOHUGEPAGE) on it, seen as a ByteBuffer,
 * munmap(2) when done. With THP at "always" (Debian's guest kernels) a region of 2 MiB or more is
 * otherwise filled with huge pages, one fault per 512 pages, and "a page fault" would be another
 * thing there than under "madvise" (the host's default), where each 4 KiB page faults on its own.
 *
 * <p>Bound through {@link Foreign} (reflection: the project compiles for Java 21, where
 * {@code java.lang.foreign} is a preview). {@link #open()} is empty where it
 * cannot be bound, and {@link #whyNot()} says why.
 */
final class FreshPages {

    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    /** The same number on x86_64 and aarch64. */
    private static final int MADV_NOHUGEPAGE = 15;

    private static volatile String whyNot = "";

    private final MethodHandle mmap;
    private final MethodHandle madvise;
    private final MethodHandle munmap;
    private final Method ofAddress;
    private final Method reinterpret;
    private final Method asByteBuffer;

    private FreshPages(MethodHandle mmap, MethodHandle madvise, MethodHandle munmap, Method ofAddress, Method reinterpret,
                       Method asByteBuffer) {
        this.mmap = mmap;
        this.madvise = madvise;
        this.munmap = munmap;
        this.ofAddress = ofAddress;
        this.reinterpret = reinterpret;
        this.asByteBuffer = asByteBuffer;
    }

    /** The region maker, or empty where the foreign function API or libc's functions cannot be bound. */
    static Optional<FreshPages> open() {
        try {
            return Optional.of(bind());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable c = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            whyNot = "the foreign function API could not bind mmap/madvise/munmap (" + c + ")";
            return Optional.empty();
        }
    }

    /** Why {@link #open()} was empty, or "". */
    static String whyNot() {
        return whyNot;
    }

    /** A mapped region: its address, length and a view of it; unmapped by {@link #close()}. */
    final class Region implements AutoCloseable {
        final long address;
        final long length;
        final ByteBuffer buffer;
        /** Whether the kernel accepted MADV_NOHUGEPAGE (a kernel without THP refuses it: 4 KiB pages anyway). */
        final boolean hugePagesOff;

        private Region(long address, long length, ByteBuffer buffer, boolean hugePagesOff) {
            this.address = address;
            this.length = length;
            this.buffer = buffer;
            this.hugePagesOff = hugePagesOff;
        }

        @Override
        public void close() {
            try {
                int r = (int) munmap.invokeExact(address, length);
                if (r != 0) {
                    throw new IllegalStateException("munmap failed");
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@code length} bytes of fresh, untouched anonymous memory, huge pages off for it where the kernel has them. */
    Region map(long length) {
        try {
            long address = (long) mmap.invokeExact(0L, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (address == -1L) {
                throw new IllegalStateException("mmap of " + length + " bytes failed");
            }
            boolean off = (int) madvise.invokeExact(address, length, MADV_NOHUGEPAGE) == 0;
            Object segment = reinterpret.invoke(ofAddress.invoke(null, address), length);
            return new Region(address, length, (ByteBuffer) asByteBuffer.invoke(segment), off);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static FreshPages bind() throws ReflectiveOperationException {
        Foreign f = Foreign.load();
        Object libc = f.libc();
        Object jlong = f.layout("JAVA_LONG");
        Object jint = f.layout("JAVA_INT");
        // pointers and size_t/off_t as 64-bit integers: the same registers on x86_64 and aarch64
        MethodHandle mmap = f.required(libc, "mmap", jlong, jlong, jlong, jint, jint, jint, jlong)
                .asType(MethodType.methodType(long.class, long.class, long.class, int.class, int.class, int.class, long.class));
        MethodHandle madvise = f.required(libc, "madvise", jint, jlong, jlong, jint)
                .asType(MethodType.methodType(int.class, long.class, long.class, int.class));
        MethodHandle munmap = f.required(libc, "munmap", jint, jlong, jlong)
                .asType(MethodType.methodType(int.class, long.class, long.class));
        Class<?> segmentC = f.segmentClass;
        return new FreshPages(mmap, madvise, munmap, segmentC.getMethod("ofAddress", long.class),
                segmentC.getMethod("reinterpret", long.class), segmentC.getMethod("asByteBuffer"));
    }
}
