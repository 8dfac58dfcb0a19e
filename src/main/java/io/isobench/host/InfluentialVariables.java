package io.isobench.host;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Environment variables that change what a workload does: BLAS and OpenMP threading and kernel
 * choice, the JVM's own option variables, the dynamic linker, the C library's allocator and
 * tunables, and the locale and time zone (string handling, collation, date formatting). A shell
 * that sets {@code OPENBLAS_CORETYPE=Haswell} made a native agent run other BLAS kernels than the
 * containers and LINPACK in Docker came out 1.4x "faster" than native.
 */
public final class InfluentialVariables {

    private static final Pattern FAMILIES = Pattern.compile(
            "OPENBLAS_.*|GOTO_.*|OMP_.*|GOMP_.*|KMP_.*|MKL_.*|BLIS_.*|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS"
                    + "|LD_PRELOAD|LD_LIBRARY_PATH|LD_BIND_NOW|MALLOC_.*|GLIBC_TUNABLES|LANG|LANGUAGE|LC_.*|TZ");

    private InfluentialVariables() {
    }

    /** Whether a variable of this name changes what a workload does. */
    public static boolean influential(String name) {
        return FAMILIES.matcher(name).matches();
    }

    /** The influential ones of {@code env}, sorted by name. */
    public static Map<String, String> of(Map<String, String> env) {
        Map<String, String> m = new TreeMap<>();
        env.forEach((k, v) -> {
            if (influential(k)) {
                m.put(k, v);
            }
        });
        return m;
    }
}
