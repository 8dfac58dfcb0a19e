package io.isobench.image;

import java.util.List;

/**
 * What a guest image holds besides the JRE and the isobench jar.
 * <ul>
 *   <li>{@link #FULL}: Debian (the host's release, debootstrap minbase) with redis-server,
 *       mariadb-server and OpenBLAS: every workload runs in it. Needs the Debian mirror once.</li>
 *   <li>{@link #SMALL}: busybox only, assembled from the host's files in seconds with no
 *       network: enough for the JVM-only workloads and for tests.</li>
 * </ul>
 */
public enum Flavor {
    FULL(List.of("redis-server", "mariadb-server", "libopenblas0-pthread", "procps", "iproute2", "kmod", "busybox-static",
            "util-linux")),
    SMALL(List.of());

    private final List<String> packages;

    Flavor(List<String> packages) {
        this.packages = packages;
    }

    /** Debian packages added to the minimal base (FULL only). */
    public List<String> packages() {
        return packages;
    }

    public String lower() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
