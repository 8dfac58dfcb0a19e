package io.isobench.workload.cpu;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Sets and reads OpenBLAS's thread count in this process, through the foreign function API
 * ({@code java.lang.foreign}).
 *
 * <p>Why: netlib's JNI wrapper loads the system's OpenBLAS, which reads
 * {@code OPENBLAS_NUM_THREADS} once, when it is loaded, and otherwise starts one thread per CPU it
 * may run on. The agent is one long-lived JVM, so an environment variable cannot change the
 * count per iteration; {@code openblas_set_num_threads} can. The library is found by the path it
 * is mapped from ({@code /proc/self/maps}), so opening it again returns the very instance netlib
 * loaded.
 *
 * <p>The API is reached by reflection because the project compiles for Java 21, where
 * {@code java.lang.foreign} is still a preview API; on Java 22 and later (the runtime isobench
 * uses) it is final. Where it is missing, or no OpenBLAS is loaded, {@link #find()} is empty and
 * the caller records that the thread count could not be set. The JVM may print one warning about
 * a restricted method to stderr (the agent's log) unless started with
 * {@code --enable-native-access=ALL-UNNAMED}.
 */
final class OpenBlasControl {

    private final Path library;
    private final MethodHandle setNumThreads;
    private final MethodHandle getNumThreads;
    private final MethodHandle getConfig;
    private final MethodHandle getCorename;

    private OpenBlasControl(Path library, MethodHandle set, MethodHandle get, MethodHandle config, MethodHandle corename) {
        this.library = library;
        this.setNumThreads = set;
        this.getNumThreads = get;
        this.getConfig = config;
        this.getCorename = corename;
    }

    private static volatile Optional<OpenBlasControl> found;
    private static volatile String whyNot = "not looked up yet";

    /** The OpenBLAS loaded in this process, once a native BLAS/LAPACK has been loaded; else empty. */
    static synchronized Optional<OpenBlasControl> find() {
        if (found == null || found.isEmpty()) {
            found = lookUp();
        }
        return found;
    }

    /** Why {@link #find()} came back empty. */
    static String whyNot() {
        return whyNot;
    }

    Path library() {
        return library;
    }

    void setThreads(int n) {
        try {
            setNumThreads.invokeWithArguments(n);
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_set_num_threads failed", e);
        }
    }

    int threads() {
        try {
            return (Integer) getNumThreads.invokeWithArguments();
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_get_num_threads failed", e);
        }
    }

    /** OpenBLAS's build configuration, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64". */
    String config() {
        return cString(getConfig);
    }

    /** The kernel set OpenBLAS chose for this CPU, e.g. "SkylakeX". */
    String corename() {
        return cString(getCorename);
    }

    private static String cString(MethodHandle h) {
        if (h == null) {
            return "unknown";
        }
        try {
            // through the public interface: the segment's own class is internal to java.base
            Class<?> segmentC = Class.forName("java.lang.foreign.MemorySegment");
            Object segment = h.invokeWithArguments();
            Object sized = segmentC.getMethod("reinterpret", long.class).invoke(segment, 4096L);
            for (String getter : List.of("getString", "getUtf8String")) {
                try {
                    return ((String) segmentC.getMethod(getter, long.class).invoke(sized, 0L)).trim();
                } catch (NoSuchMethodException e) {
                    // the other name, on older runtimes
                }
            }
            return "unknown";
        } catch (Throwable e) {
            return "unknown";
        }
    }

    /** The path of a mapped library whose file name starts with libopenblas, if any. */
    static Optional<Path> mappedOpenBlas() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                Path p = Path.of(line.substring(slash).trim());
                if (p.getFileName().toString().startsWith("libopenblas")) {
                    return Optional.of(p);
                }
            }
        } catch (Exception e) {
            // no procfs: no OpenBLAS we can find
        }
        return Optional.empty();
    }

    private static Optional<OpenBlasControl> lookUp() {
        Optional<Path> lib = mappedOpenBlas();
        if (lib.isEmpty()) {
            whyNot = "no libopenblas is loaded in this process";
            return Optional.empty();
        }
        try {
            Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
            Class<?> arenaC = Class.forName("java.lang.foreign.Arena");
            Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> segmentC = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descC = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> valueLayoutC = Class.forName("java.lang.foreign.ValueLayout");

            Object linker = linkerC.getMethod("nativeLinker").invoke(null);
            Object arena = arenaC.getMethod("global").invoke(null);
            Object lookup = lookupC.getMethod("libraryLookup", Path.class, arenaC).invoke(null, lib.get(), arena);
            Object javaInt = valueLayoutC.getField("JAVA_INT").get(null);
            Object address = valueLayoutC.getField("ADDRESS").get(null);
            Object noLayouts = Array.newInstance(layoutC, 0);
            Object oneInt = Array.newInstance(layoutC, 1);
            Array.set(oneInt, 0, javaInt);
            Object voidOfInt = descC.getMethod("ofVoid", oneInt.getClass()).invoke(null, oneInt);
            Object intOfVoid = descC.getMethod("of", layoutC, noLayouts.getClass()).invoke(null, javaInt, noLayouts);
            Object addressOfVoid = descC.getMethod("of", layoutC, noLayouts.getClass()).invoke(null, address, noLayouts);
            var downcall = linkerC.getMethod("downcallHandle", segmentC, descC, Array.newInstance(optionC, 0).getClass());
            var find = lookupC.getMethod("find", String.class);

            MethodHandle[] handles = new MethodHandle[4];
            String[] names = {"openblas_set_num_threads", "openblas_get_num_threads", "openblas_get_config", "openblas_get_corename"};
            Object[] descs = {voidOfInt, intOfVoid, addressOfVoid, addressOfVoid};
            for (int i = 0; i < names.length; i++) {
                Optional<?> symbol = (Optional<?>) find.invoke(lookup, names[i]);
                if (symbol.isPresent()) {
                    handles[i] = (MethodHandle) downcall.invoke(linker, symbol.get(), descs[i], Array.newInstance(optionC, 0));
                } else if (i < 2) {
                    whyNot = lib.get() + " has no symbol " + names[i];
                    return Optional.empty();
                }
            }
            whyNot = "";
            return Optional.of(new OpenBlasControl(lib.get(), handles[0], handles[1], handles[2], handles[3]));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            whyNot = "the foreign function API is not usable on Java " + Runtime.version().feature() + ": " + cause;
            return Optional.empty();
        }
    }
}
