package io.isobench.workload.cpu;

import io.isobench.core.Foreign;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The system's liblzma (the library behind {@code xz} and PXZ, which the study ran), called
 * through the foreign function API: {@code lzma_easy_buffer_encode} compresses one block into one
 * complete .xz stream, exactly what {@code xz -T} does per block.
 *
 * <p>Why native: the pure-Java encoder (org.tukaani:xz) runs at about 0.8 of liblzma's speed on
 * the same preset, so a Java-only compress workload would measure the JIT as much as the
 * environment, and fall short of the reference it is meant to stand in for. The Java encoder stays
 * as the fallback where liblzma is missing (the busybox guest image) and is named in the facts.
 *
 * <p>The API is reached through {@link Foreign} (reflection: a preview API in Java 21). Each call copies its block into native memory, compresses, and copies the stream back:
 * the copies are a memcpy of a few MiB against seconds of compression.
 */
final class NativeLzma {

    /** liblzma's LZMA_CHECK_CRC64, xz's default check. */
    private static final int CHECK_CRC64 = 4;
    /** lzma_ret LZMA_OK. */
    private static final int LZMA_OK = 0;

    private final MethodHandle encode;
    private final String version;
    private final Reflected f;

    private NativeLzma(MethodHandle encode, String version, Reflected f) {
        this.encode = encode;
        this.version = version;
        this.f = f;
    }

    private static Optional<NativeLzma> found;
    private static String whyNot = "not looked up yet";

    /** liblzma, when it loads and the foreign function API is usable; else empty (see {@link #whyNot()}). */
    static synchronized Optional<NativeLzma> find() {
        if (found == null) {
            found = lookUp();
        }
        return found;
    }

    /** Why {@link #find()} came back empty. */
    static synchronized String whyNot() {
        return whyNot;
    }

    /** liblzma's version, e.g. "5.4.1". */
    String version() {
        return version;
    }

    /**
     * {@code input[off, off+len)} as one .xz stream at {@code preset} with a CRC64 check, as
     * {@code xz -PRESET} writes it.
     */
    byte[] compress(byte[] input, int off, int len, int preset) {
        // room for incompressible input: LZMA2 then stores the data with a few bytes of header per
        // 64 KiB chunk, plus the stream and block headers; a third more is far beyond that
        long bound = len + len / 3L + 4096;
        try (AutoCloseable arena = (AutoCloseable) f.arenaOfConfined.invoke(null)) {
            Object in = f.allocate.invoke(arena, (long) Math.max(len, 1));
            Object heap = f.ofArray.invoke(null, (Object) input);
            f.copyFrom.invoke(in, f.asSlice.invoke(heap, (long) off, (long) len));
            Object out = f.allocate.invoke(arena, bound);
            Object outPos = f.allocate.invoke(arena, 8L);
            f.setLong.invoke(outPos, f.javaLong, 0L, 0L);
            int ret = (Integer) encode.invokeWithArguments(preset, CHECK_CRC64, f.nullSegment, in, (long) len, out, outPos, bound);
            if (ret != LZMA_OK) {
                throw new IllegalStateException("liblzma lzma_easy_buffer_encode returned " + ret + " (preset " + preset + ", " + len + " bytes)");
            }
            long n = (Long) f.getLong.invoke(outPos, f.javaLong, 0L);
            return (byte[]) f.toArray.invoke(f.asSlice.invoke(out, 0L, n), f.javaByte);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable e) {
            Throwable cause = Foreign.cause(e);
            throw new IllegalStateException("liblzma call failed: " + cause, cause);
        }
    }

    /** The reflected pieces of java.lang.foreign that {@link #compress} uses. */
    private record Reflected(Method arenaOfConfined, Method allocate, Method ofArray, Method copyFrom, Method asSlice,
                             Method toArray, Method getLong, Method setLong, Object javaByte, Object javaLong, Object nullSegment) {
    }

    private static Optional<NativeLzma> lookUp() { // under find()'s lock
        try {
            Foreign f = Foreign.load();
            Object symbols;
            try {
                symbols = f.library("liblzma.so.5");
            } catch (IllegalArgumentException e) {
                whyNot = "liblzma.so.5 does not load (" + e.getMessage() + "): install liblzma5";
                return Optional.empty();
            }
            Object javaInt = f.layout("JAVA_INT");
            Object javaLong = f.layout("JAVA_LONG");
            Object address = f.layout("ADDRESS");
            // lzma_ret lzma_easy_buffer_encode(uint32_t preset, lzma_check check, const lzma_allocator *allocator,
            //         const uint8_t *in, size_t in_size, uint8_t *out, size_t *out_pos, size_t out_size)
            Optional<MethodHandle> encode = f.function(symbols, "lzma_easy_buffer_encode", javaInt,
                    javaInt, javaInt, address, address, javaLong, address, address, javaLong);
            Optional<MethodHandle> version = f.function(symbols, "lzma_version_string", address);
            if (encode.isEmpty() || version.isEmpty()) {
                whyNot = "liblzma.so.5 lacks lzma_easy_buffer_encode or lzma_version_string";
                return Optional.empty();
            }
            Class<?> segmentC = f.segmentClass;
            Class<?> arenaC = f.arenaClass;
            Class<?> ofByteC = Class.forName("java.lang.foreign.ValueLayout$OfByte");
            Class<?> ofLongC = Class.forName("java.lang.foreign.ValueLayout$OfLong");
            Reflected r = new Reflected(
                    arenaC.getMethod("ofConfined"),
                    arenaC.getMethod("allocate", long.class),
                    segmentC.getMethod("ofArray", byte[].class),
                    segmentC.getMethod("copyFrom", segmentC),
                    segmentC.getMethod("asSlice", long.class, long.class),
                    segmentC.getMethod("toArray", ofByteC),
                    segmentC.getMethod("get", ofLongC, long.class),
                    segmentC.getMethod("set", ofLongC, long.class, long.class),
                    f.layout("JAVA_BYTE"), javaLong, segmentC.getField("NULL").get(null));
            String v = f.cString(version.get().invokeWithArguments());
            whyNot = "";
            return Optional.of(new NativeLzma(encode.get(), v, r));
        } catch (Throwable e) {
            whyNot = "the foreign function API is not usable on Java " + Runtime.version().feature() + ": " + Foreign.cause(e);
            return Optional.empty();
        }
    }
}
