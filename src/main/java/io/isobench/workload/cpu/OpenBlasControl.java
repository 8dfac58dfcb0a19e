package io.isobench.workload.cpu;

import io.isobench.core.Foreign;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>The API is reached through {@link Foreign} (reflection: a preview API in Java 21). Where it
 * is missing, or no OpenBLAS is loaded, {@link #find()} is empty and the caller records that the
 * thread count could not be set.
 */
final class OpenBlasControl {

    private final Foreign foreign;
    private final Path library;
    private final MethodHandle setNumThreads;
    private final MethodHandle getNumThreads;
    private final MethodHandle getConfig;
    private final MethodHandle getCorename;

    private OpenBlasControl(Foreign foreign, Path library, MethodHandle set, MethodHandle get, MethodHandle config, MethodHandle corename) {
        this.foreign = foreign;
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

    private String cString(MethodHandle h) {
        if (h == null) {
            return "unknown";
        }
        try {
            return foreign.cString(h.invokeWithArguments());
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
            Foreign f = Foreign.load();
            Object symbols = f.library(lib.get());
            Object javaInt = f.layout("JAVA_INT");
            Object address = f.layout("ADDRESS");
            Optional<MethodHandle> set = f.function(symbols, "openblas_set_num_threads", null, javaInt);
            Optional<MethodHandle> get = f.function(symbols, "openblas_get_num_threads", javaInt);
            if (set.isEmpty() || get.isEmpty()) {
                whyNot = lib.get() + " has no symbol openblas_set_num_threads or openblas_get_num_threads";
                return Optional.empty();
            }
            whyNot = "";
            return Optional.of(new OpenBlasControl(f, lib.get(), set.get(), get.get(),
                    f.function(symbols, "openblas_get_config", address).orElse(null),
                    f.function(symbols, "openblas_get_corename", address).orElse(null)));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            whyNot = "the foreign function API is not usable on Java " + Runtime.version().feature() + ": " + Foreign.cause(e);
            return Optional.empty();
        }
    }
}
