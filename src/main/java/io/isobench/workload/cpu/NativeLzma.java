package io.isobench.workload.cpu;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
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
 * <p>The API is reached by reflection because the project compiles for Java 21, where
 * {@code java.lang.foreign} is a preview API; on Java 22 and later (the runtime isobench uses) it
 * is final. Each call copies its block into native memory, compresses, and copies the stream back:
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
        // lzma_stream_buffer_bound: the worst case for incompressible input, plus headers
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
            Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            throw new IllegalStateException("liblzma call failed: " + cause, cause);
        }
    }

    /** The reflected pieces of java.lang.foreign that {@link #compress} uses. */
    private record Reflected(Method arenaOfConfined, Method allocate, Method ofArray, Method copyFrom, Method asSlice,
                             Method toArray, Method getLong, Method setLong, Object javaByte, Object javaLong, Object nullSegment) {
    }

    private static synchronized Optional<NativeLzma> lookUp() {
        try {
            Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
            Class<?> arenaC = Class.forName("java.lang.foreign.Arena");
            Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> segmentC = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descC = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> valueLayoutC = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> ofByteC = Class.forName("java.lang.foreign.ValueLayout$OfByte");
            Class<?> ofLongC = Class.forName("java.lang.foreign.ValueLayout$OfLong");

            Object linker = linkerC.getMethod("nativeLinker").invoke(null);
            Object lookup;
            try {
                lookup = lookupC.getMethod("libraryLookup", String.class, arenaC)
                        .invoke(null, "liblzma.so.5", arenaC.getMethod("global").invoke(null));
            } catch (InvocationTargetException e) {
                whyNot = "liblzma.so.5 does not load (" + e.getCause().getMessage() + "): install liblzma5";
                return Optional.empty();
            }
            Object javaInt = valueLayoutC.getField("JAVA_INT").get(null);
            Object javaLong = valueLayoutC.getField("JAVA_LONG").get(null);
            Object javaByte = valueLayoutC.getField("JAVA_BYTE").get(null);
            Object address = valueLayoutC.getField("ADDRESS").get(null);
            Method descOf = descC.getMethod("of", layoutC, Array.newInstance(layoutC, 0).getClass());
            Method downcall = linkerC.getMethod("downcallHandle", segmentC, descC, Array.newInstance(optionC, 0).getClass());
            Method find = lookupC.getMethod("find", String.class);

            // lzma_ret lzma_easy_buffer_encode(uint32_t preset, lzma_check check, const lzma_allocator *allocator,
            //         const uint8_t *in, size_t in_size, uint8_t *out, size_t *out_pos, size_t out_size)
            Object args = Array.newInstance(layoutC, 8);
            Object[] argLayouts = {javaInt, javaInt, address, address, javaLong, address, address, javaLong};
            for (int i = 0; i < argLayouts.length; i++) {
                Array.set(args, i, argLayouts[i]);
            }
            Object encodeDesc = descOf.invoke(null, javaInt, args);
            Object versionDesc = descOf.invoke(null, address, Array.newInstance(layoutC, 0));
            Optional<?> encodeSym = (Optional<?>) find.invoke(lookup, "lzma_easy_buffer_encode");
            Optional<?> versionSym = (Optional<?>) find.invoke(lookup, "lzma_version_string");
            if (encodeSym.isEmpty() || versionSym.isEmpty()) {
                whyNot = "liblzma.so.5 lacks lzma_easy_buffer_encode or lzma_version_string";
                return Optional.empty();
            }
            Object noOptions = Array.newInstance(optionC, 0);
            MethodHandle encode = (MethodHandle) downcall.invoke(linker, encodeSym.get(), encodeDesc, noOptions);
            MethodHandle versionString = (MethodHandle) downcall.invoke(linker, versionSym.get(), versionDesc, noOptions);

            Object versionSegment = segmentC.getMethod("reinterpret", long.class).invoke(versionString.invokeWithArguments(), 64L);
            String version = "unknown";
            for (String getter : new String[] {"getString", "getUtf8String"}) {
                try {
                    version = (String) segmentC.getMethod(getter, long.class).invoke(versionSegment, 0L);
                    break;
                } catch (NoSuchMethodException e) {
                    // the other name, on older runtimes
                }
            }
            Reflected f = new Reflected(
                    arenaC.getMethod("ofConfined"),
                    arenaC.getMethod("allocate", long.class),
                    segmentC.getMethod("ofArray", byte[].class),
                    segmentC.getMethod("copyFrom", segmentC),
                    segmentC.getMethod("asSlice", long.class, long.class),
                    segmentC.getMethod("toArray", ofByteC),
                    segmentC.getMethod("get", ofLongC, long.class),
                    segmentC.getMethod("set", ofLongC, long.class, long.class),
                    javaByte, javaLong, segmentC.getField("NULL").get(null));
            whyNot = "";
            return Optional.of(new NativeLzma(encode, version, f));
        } catch (Throwable e) {
            Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            whyNot = "the foreign function API is not usable on Java " + Runtime.version().feature() + ": " + cause;
            return Optional.empty();
        }
    }
}
