package io.isobench.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real sshd servers in namespaces of their own: a command given as argv arrives as those
 * arguments, a known key is accepted, an unknown or different key is refused with the host, the
 * fingerprint seen, the known_hosts file and the fix.
 */
@Tag("integration")
class SshSessionIT {

    static Path dir;
    static SshdHosts hosts;

    @BeforeAll
    static void start() throws Exception {
        assumeThat(SshdHosts.unavailableReason()).isNull();
        dir = Files.createTempDirectory("isobench-ssh-it");
        hosts = SshdHosts.start(dir, 22, 2222);
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

    private static String fingerprint(Path key) throws Exception {
        // ssh-keygen -l: "256 SHA256:abc... comment (ECDSA)"
        return SshdHosts.run("ssh-keygen", "-l", "-f", key + ".pub").split("\\s+")[1];
    }

    @Test
    void argumentsArriveExactlyAsGiven() throws Exception {
        for (SshdHosts.Node n : hosts.nodes()) {
            try (SshSession s = SshSession.open(n.host(hosts.clientKey()), hosts.knownHosts(), Duration.ofSeconds(20))) {
                List<String> odd = List.of("it's", "a b", "$HOME", "`id`", "; rm -rf /nonexistent", "\"q\"", "*", "", "new\nline", "\\");
                List<String> argv = new java.util.ArrayList<>(List.of("printf", "%s\\0"));
                argv.addAll(odd);
                String out = s.check(argv, Duration.ofSeconds(20));
                assertThat(out.split("\0", -1)).containsExactlyElementsOf(append(odd, ""));
                // the command ran inside that host's namespace: its address is there
                assertThat(s.check(List.of("ip", "-o", "addr", "show"), Duration.ofSeconds(20))).contains(n.address());
            }
        }
    }

    private static List<String> append(List<String> l, String x) {
        List<String> r = new java.util.ArrayList<>(l);
        r.add(x);
        return r;
    }

    @Test
    void aDifferentHostKeyIsRefused() throws Exception {
        SshdHosts.Node n = hosts.nodes().get(1);
        Path other = dir.resolve("other_key");
        SshdHosts.run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", other.toString());
        Path kh = dir.resolve("known_hosts_wrong");
        String pub = Files.readString(Path.of(other + ".pub")).trim();
        Files.writeString(kh, "[" + n.address() + "]:" + n.port() + " " + String.join(" ", List.of(pub.split("\\s+")).subList(0, 2)) + "\n");
        assertThatThrownBy(() -> SshSession.open(n.host(hosts.clientKey()), kh, Duration.ofSeconds(20)))
                .isInstanceOf(HostKeyRefusedException.class)
                .hasMessageContaining("MISMATCH")
                .hasMessageContaining(n.address())
                .hasMessageContaining(fingerprint(n.hostKey()))
                .hasMessageContaining(fingerprint(other))
                .hasMessageContaining(kh.toString())
                .hasMessageContaining("ssh-keygen -R");
    }

    @Test
    void anUnknownHostIsRefused() throws Exception {
        SshdHosts.Node n = hosts.nodes().get(0);
        Path kh = dir.resolve("known_hosts_empty");
        Files.writeString(kh, "");
        assertThatThrownBy(() -> SshSession.open(n.host(hosts.clientKey()), kh, Duration.ofSeconds(20)))
                .isInstanceOf(HostKeyRefusedException.class)
                .hasMessageContaining("is not in " + kh)
                .hasMessageContaining(fingerprint(n.hostKey()))
                .hasMessageContaining("ssh-keyscan");
    }

    @Test
    void aWrongLoginKeyNamesTheHost() throws Exception {
        SshdHosts.Node n = hosts.nodes().get(0);
        Path stranger = dir.resolve("stranger");
        SshdHosts.run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", stranger.toString());
        assertThatThrownBy(() -> SshSession.open(n.host(stranger), hosts.knownHosts(), Duration.ofSeconds(20)))
                .isNotInstanceOf(HostKeyRefusedException.class)
                .hasMessageContaining("cannot log in to")
                .hasMessageContaining(n.address());
    }

    /**
     * Logging in with the SSH agent: a real ssh-agent (started here, stopped by its PID) holding the
     * client key, a host entry naming no key file; the agent's key logs in and the key never leaves
     * the agent. Without the agent (none) the same login is refused, naming what was tried.
     */
    @Test
    void theSshAgentsKeyLogsIn() throws Exception {
        Path sock = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(sock); i++) {
                Thread.sleep(50);
            }
            assertThat(sock).exists();
            ProcessBuilder add = new ProcessBuilder("ssh-add", hosts.clientKey().toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            Process a = add.start();
            String said = new String(a.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(a.waitFor()).as(said).isZero();
            SshdHosts.Node n = hosts.nodes().get(0);
            SshHost noKeyFile = n.host(null);
            // no key file of the test's anywhere: ~/.ssh of this user, if any, holds no key the hosts know
            SshSession.useAgent(sock);
            try (SshSession s = SshSession.open(noKeyFile, hosts.knownHosts(), Duration.ofSeconds(20))) {
                assertThat(s.check(List.of("printf", "%s", "via the agent"), Duration.ofSeconds(20))).isEqualTo("via the agent");
            }
            SshSession.useAgent(null);
            assertThatThrownBy(() -> SshSession.open(noKeyFile, hosts.knownHosts(), Duration.ofSeconds(20)))
                    .isNotInstanceOf(HostKeyRefusedException.class)
                    .hasMessageContaining("cannot log in to")
                    .hasMessageNotContaining("SSH agent at");
        } finally {
            SshSession.useAgentFromEnvironment();
            agent.destroy();
            agent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            Files.deleteIfExists(sock);
        }
        assertThat(agent.isAlive()).isFalse();
    }
}
