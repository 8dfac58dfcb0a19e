package io.isobench.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Debian package versions a system has installed, read from dpkg's status file: what defines
 * "the same software" for workloads that run a library or a server (OpenBLAS, liblzma, redis,
 * MariaDB, the C library). The agent reports them from inside; the guest image is built with the
 * host's versions.
 */
public final class PackageVersions {

    /** The packages whose versions the agent reports: the libraries and servers workloads run. */
    public static final List<String> REPORTED = List.of("libc6", "libopenblas0-pthread", "liblzma5", "redis-server", "mariadb-server");

    private static final Path STATUS = Path.of("/var/lib/dpkg/status");

    private PackageVersions() {
    }

    /** This system's installed versions of {@code names} (those not installed are left out). */
    public static Map<String, String> installed(Collection<String> names) {
        return installed(STATUS, names);
    }

    /** The installed versions of {@code names} in a dpkg status file (of this system or of a guest's root). */
    public static Map<String, String> installed(Path status, Collection<String> names) {
        Map<String, String> out = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(status);
        } catch (IOException e) {
            return out; // no dpkg here (the small image): nothing to report
        }
        String pkg = null;
        String version = null;
        boolean installed = false;
        lines = new ArrayList<>(lines);
        lines.add(""); // the last stanza ends too
        for (String l : lines) {
            if (l.isEmpty()) {
                if (pkg != null && installed && version != null && names.contains(pkg)) {
                    out.put(pkg, version);
                }
                pkg = null;
                version = null;
                installed = false;
            } else if (l.startsWith("Package: ")) {
                pkg = l.substring(9).trim();
            } else if (l.startsWith("Status: ")) {
                installed = l.endsWith(" installed");
            } else if (l.startsWith("Version: ")) {
                version = l.substring(9).trim();
            }
        }
        return out;
    }

    /**
     * The host's apt source files for Debian's own archives (the release, its updates and its
     * security suite), where the host's package versions come from.
     */
    public static List<Path> debianSources() {
        List<Path> out = new ArrayList<>();
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/etc/apt/sources.list")));
        try (var s = Files.list(Path.of("/etc/apt/sources.list.d"))) {
            s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list")).sorted().forEach(candidates::add);
        } catch (IOException e) {
            // no folder
        }
        for (Path p : candidates) {
            try {
                String text = Files.readString(p);
                if (text.lines().anyMatch(l -> !l.trim().startsWith("#") && l.contains("debian.org/debian"))) {
                    out.add(p);
                }
            } catch (IOException e) {
                // unreadable: not used
            }
        }
        return out;
    }
}
