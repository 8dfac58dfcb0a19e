package io.isobench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.isobench.remote.SshdHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * isobench brings itself to a host (a real sshd in a namespace of its own): on first contact its jar
 * and JRE land in the host's cache folder by content hash, a later contact reuses them after
 * checking every file's hash, a damaged copy is replaced; doctor runs there and says what the host
 * can run and what runs left behind. A host whose key differs from known_hosts is refused.
 */
@Tag("integration")
class HostsIT {

    static Path dir;
    static SshdHosts hosts;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(SshdHosts.unavailableReason()).isNull();
        dir = Files.createTempDirectory("isobench-hosts-it");
        hosts = SshdHosts.start(dir, 2222);
    }

    @AfterAll
    static void stop() throws Exception {
        if (hosts != null) {
            hosts.close();
            assertThat(hosts.leftovers()).isEmpty();
        }
        if (dir != null) {
            io.isobench.core.Files2.deleteRecursively(dir);
        }
    }

    private static String target() {
        SshdHosts.Node n = hosts.nodes().get(0);
        return "root@" + n.address() + ":" + n.port();
    }

    private static Cli doctor(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("hosts", "doctor", "--host", target(), "--ssh-key", hosts.clientKey().toString(),
                "--known-hosts", hosts.knownHosts().toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void bringsItselfOnceChecksItAndRunsDoctorThere() throws Exception {
        Cli first = doctor();
        assertThat(first.exit()).as(first.all()).isZero();
        assertThat(first.out()).contains("copied its jar and JRE to " + hosts.nodes().get(0).cache() + "/isobench/remote/");
        // doctor ran there: the environments it can run and what runs left behind
        assertThat(first.out()).containsPattern("native\\s+ok").contains("leftovers:");
        Path copy;
        try (var s = Files.list(hosts.nodes().get(0).cache().resolve("isobench/remote"))) {
            copy = s.filter(p -> p.getFileName().toString().matches("[0-9a-f]+")).findFirst().orElseThrow();
        }
        assertThat(copy.resolve("isobench.jar")).exists();
        assertThat(copy.resolve("jre/bin/java")).isExecutable();
        assertThat(copy.resolve("MANIFEST")).content().contains("./isobench.jar").contains("./jre/bin/java");

        Cli second = doctor();
        assertThat(second.exit()).as(second.all()).isZero();
        assertThat(second.out()).contains("its jar and JRE are there (checked by hash)").doesNotContain("copied its jar");

        // a damaged copy fails its check and is copied again
        Files.writeString(copy.resolve("isobench.jar"), "x", StandardOpenOption.APPEND);
        Cli third = doctor();
        assertThat(third.exit()).as(third.all()).isZero();
        assertThat(third.out()).contains("copied its jar and JRE to " + copy);

        // isobench doctor --host is the same doctor
        Cli viaDoctor = Cli.run("doctor", "--host", target(), "--ssh-key", hosts.clientKey().toString(), "--known-hosts",
                hosts.knownHosts().toString());
        assertThat(viaDoctor.exit()).as(viaDoctor.all()).isZero();
        assertThat(viaDoctor.out()).contains("leftovers:").containsPattern("native\\s+ok");
    }

    @Test
    void aHostWithAnotherKeyIsRefusedAndNothingIsCopied() throws Exception {
        Path kh = dir.resolve("known_hosts_other");
        Path other = dir.resolve("other_host_key");
        SshdHosts.run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", other.toString());
        SshdHosts.Node n = hosts.nodes().get(0);
        String pub = Files.readString(Path.of(other + ".pub")).trim();
        Files.writeString(kh, "[" + n.address() + "]:" + n.port() + " " + pub.split("\\s+")[0] + " " + pub.split("\\s+")[1] + "\n");
        Cli c = Cli.run("hosts", "doctor", "--host", target(), "--ssh-key", hosts.clientKey().toString(), "--known-hosts", kh.toString());
        assertThat(c.exit()).as(c.all()).isNotZero();
        assertThat(c.out()).contains("HOST KEY MISMATCH").contains(n.address()).contains(kh.toString());
    }

    /**
     * {@code isobench hosts setup} copies the script to the host and runs it there by its path, with
     * --remote and nothing on its standard input, shows its output, passes its failure on, and
     * removes the copy. A stand-in script plays the setup script: the real one installs packages
     * with apt-get onto this very machine (the test's hosts are namespaces sharing its files), needs
     * the Debian mirrors (the test's bridge has no route out) and may start dockerd.
     */
    @Test
    void setupCopiesTheScriptThereAndRunsItByPath() throws Exception {
        Path seen = dir.resolve("setup-seen");
        Path stand = dir.resolve("stand-in-setup.sh");
        Files.writeString(stand, "#!/usr/bin/env bash\nset -eu\n"
                + "{ echo \"script=$0\"; echo \"args=$*\"; echo \"stdin=$(head -c 64 || true)\"; echo \"netns=$(ip -o -4 addr show | grep -c "
                + hosts.nodes().get(0).address() + ")\"; } > " + seen + "\n"
                + "echo 'stand-in setup: done'\nexit \"${SETUP_EXIT:-0}\"\n");
        Cli c = Cli.run("hosts", "setup", "--host", target(), "--ssh-key", hosts.clientKey().toString(), "--known-hosts",
                hosts.knownHosts().toString(), "--script", stand.toString());
        assertThat(c.exit()).as(c.all()).isZero();
        assertThat(c.out()).contains("stand-in setup: done").contains("exit 0");
        java.util.Map<String, String> got = new java.util.HashMap<>();
        for (String l : Files.readAllLines(seen)) {
            got.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
        }
        // run by its path (a copy of its own there, not fed to bash -s), with --remote, nothing on stdin, in the host's namespace
        assertThat(got.get("script")).matches("/.*/isobench-setup\\.[A-Za-z0-9]+");
        assertThat(got.get("args")).isEqualTo("--remote");
        assertThat(got.get("stdin")).isEmpty();
        assertThat(got.get("netns")).isEqualTo("1");
        // the copy is removed afterwards
        assertThat(Path.of(got.get("script"))).doesNotExist();

        // a script that fails makes hosts setup fail
        Files.writeString(stand, "#!/usr/bin/env bash\necho 'stand-in setup: broken' >&2\nexit 3\n");
        Cli failed = Cli.run("hosts", "setup", "--host", target(), "--ssh-key", hosts.clientKey().toString(), "--known-hosts",
                hosts.knownHosts().toString(), "--script", stand.toString());
        assertThat(failed.exit()).as(failed.all()).isNotZero();
        assertThat(failed.out()).contains("stand-in setup: broken").contains("exit 3");
    }
}
