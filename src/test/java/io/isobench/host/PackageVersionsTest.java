package io.isobench.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installed versions as dpkg records them: installed packages only, the last stanza too. */
class PackageVersionsTest {

    @TempDir
    Path tmp;

    @Test
    void installedVersionsOfTheNamedPackagesOnly() throws Exception {
        Path status = tmp.resolve("status");
        Files.writeString(status, """
                Package: mariadb-server
                Status: install ok installed
                Architecture: amd64
                Version: 1:10.11.19-0+deb12u1

                Package: redis-server
                Status: deinstall ok config-files
                Version: 5:7.0.15-1~deb12u7

                Package: libc6
                Status: install ok installed
                Version: 2.36-9+deb12u10

                Package: liblzma5
                Status: install ok installed
                Version: 5.4.1-1""");
        assertThat(PackageVersions.installed(status, List.of("mariadb-server", "redis-server", "liblzma5", "zsh")))
                .containsOnly(java.util.Map.entry("mariadb-server", "1:10.11.19-0+deb12u1"), java.util.Map.entry("liblzma5", "5.4.1-1"));
    }

    @Test
    void noStatusFileNoVersions() {
        assertThat(PackageVersions.installed(tmp.resolve("none"), List.of("libc6"))).isEmpty();
    }
}
