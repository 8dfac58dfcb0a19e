package io.isobench.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.agent.AgentLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the small image for real and runs its JRE and jar rooted in it: the guest's bits work. */
@Tag("integration")
class GuestImagesIT {

    @TempDir
    Path cacheDir;

    @Test
    void smallImageRunsTheAgentJarOnItsOwnJre() throws Exception {
        List<String> said = new ArrayList<>();
        GuestImages images = new GuestImages(new ImageCache(cacheDir), said::add);
        GuestImages.Base base = images.base(Flavor.SMALL);
        assertThat(base.rootfs().resolve("bin/sh")).exists();
        GuestImages.Payload payload = images.payload(AgentLauncher.current());
        assertThat(payload.jar()).isRegularFile();

        // cached: asking again builds nothing and answers the same folders
        int messages = said.size();
        assertThat(images.base(Flavor.SMALL)).isEqualTo(base);
        assertThat(images.payload(AgentLauncher.current())).isEqualTo(payload);
        assertThat(said).hasSize(messages);

        // assemble a root like an environment would, and ask the jar for its version inside it
        Path root = cacheDir.resolve("root");
        Files.createDirectories(root);
        Process cp = new ProcessBuilder("cp", "-a", base.rootfs() + "/.", root.toString()).inheritIO().start();
        assertThat(cp.waitFor()).isZero();
        Process cp2 = new ProcessBuilder("cp", "-a", payload.dir() + "/.", root.resolve("opt/isobench").toString()).inheritIO().start();
        assertThat(cp2.waitFor()).isZero();
        // a private mount and pid namespace rooted in the image, with its own /proc (the JRE's
        // launcher finds its libraries through /proc/self/exe)
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--root=" + root, "--mount-proc"));
        cmd.addAll(GuestImages.agentCommand(List.of()).subList(0, 3));
        cmd.addAll(List.of("io.isobench.cli.Main", "--version"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).startsWith("isobench ");
    }

    /**
     * The full image carries the host's own versions of the packages whose versions are identity
     * facts (libc, OpenBLAS, liblzma, redis, MariaDB): pinned from the archive where it serves them,
     * the host's own build (dpkg-repack) where it does not. The standard cache: the container and VM
     * tests build the same image.
     */
    @Test
    void fullImageHasTheHostsPackageVersions() throws Exception {
        List<String> said = new ArrayList<>();
        GuestImages images = new GuestImages(ImageCache.standard(), said::add);
        GuestImages.Base base = images.base(Flavor.FULL);
        List<String> names = io.isobench.host.PackageVersions.REPORTED;
        java.util.Map<String, String> host = io.isobench.host.PackageVersions.installed(names);
        java.util.Map<String, String> guest = io.isobench.host.PackageVersions.installed(base.rootfs().resolve("var/lib/dpkg/status"), names);
        assertThat(host).as("the host has the packages the image is built to match").isNotEmpty();
        assertThat(guest).as("build log: " + said).isEqualTo(host);
    }
}
