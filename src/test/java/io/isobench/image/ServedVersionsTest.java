package io.isobench.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The guest image pins only versions the archive serves: one the archive dropped (a host not
 * upgraded since) failed the whole install and left every package at debootstrap's version.
 */
class ServedVersionsTest {

    @Test
    void readsEveryServedVersionOfEveryPackage() {
        // apt-cache madison as printed on a Debian 12 host with bookworm and bookworm-security
        String out = """
                mariadb-server | 1:10.11.19-0+deb12u1 | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
                mariadb-server | 1:10.11.18-0+deb12u1 | http://deb.debian.org/debian bookworm/main amd64 Packages
                  liblzma5 | 5.4.1-1+deb12u2 | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
                  liblzma5 | 5.4.1-1+deb12u1 | http://deb.debian.org/debian bookworm/main amd64 Packages
                """;
        Map<String, Set<String>> served = GuestImages.servedVersions(out);
        assertEquals(Map.of("mariadb-server", Set.of("1:10.11.19-0+deb12u1", "1:10.11.18-0+deb12u1"),
                "liblzma5", Set.of("5.4.1-1+deb12u2", "5.4.1-1+deb12u1")), served);
        // a host still on liblzma5 5.4.1-1 cannot have it pinned; the rest still can
        assertTrue(!served.get("liblzma5").contains("5.4.1-1"));
    }

    @Test
    void skipsSourcePackagesWarningsAndBlankLines() {
        String out = """
                W: Unable to read /etc/apt/apt.conf.d/ - DirectoryExists (2: No such file or directory)
                     redis |  5:7.0.15-1~deb12u6 | http://deb.debian.org/debian-security bookworm-security/main Sources
                redis-server | 5:7.0.15-1~deb12u6 | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages

                """;
        assertEquals(Map.of("redis-server", Set.of("5:7.0.15-1~deb12u6")), GuestImages.servedVersions(out));
    }

    @Test
    void theHostsOwnAptCacheParses() throws Exception {
        // where apt is present (the Debian hosts isobench builds images on), its real output parses
        // to the packages asked for, each with at least one version
        if (!new java.io.File("/usr/bin/apt-cache").canExecute()) {
            return;
        }
        String out = io.isobench.core.ChildProcess.run(List.of("apt-cache", "madison", "libc6", "bash"), 60);
        Map<String, Set<String>> served = GuestImages.servedVersions(out);
        assertTrue(served.keySet().containsAll(Set.of("libc6", "bash")) || served.isEmpty(), served.toString());
        served.values().forEach(v -> assertTrue(!v.isEmpty() && v.stream().noneMatch(String::isBlank), v.toString()));
    }
}
