package io.isobench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.isobench.remote.SshdHosts;
import io.isobench.result.RunDirectory;
import io.isobench.result.Json;
import io.isobench.result.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The study's second machine: {@code client=ssh://root@B} runs the load of tcp_rr and redis on B
 * (a real sshd in a namespace of its own, reached through a bridge) against the environments on
 * this machine, across the network between the namespaces. The servers see connections from B's
 * address, and every sample records both machines and the path.
 */
@Tag("integration")
class ClientSshIT {

    Path dir;
    SshdHosts hosts;

    @BeforeEach
    void start() throws Exception {
        assumeThat(SshdHosts.unavailableReason()).isNull();
        dir = Files.createTempDirectory("isobench-client-ssh-it");
        hosts = SshdHosts.start(dir, 22);
    }

    @AfterEach
    void stop() throws Exception {
        if (hosts != null) {
            assertThat(hosts.processesBesidesSshd(0)).as("the client agent (and its connection) gone from B's namespace").isEmpty();
            hosts.close();
            assertThat(hosts.leftovers()).isEmpty();
        }
        if (dir != null) {
            io.isobench.core.Files2.deleteRecursively(dir);
        }
    }

    @Test
    void tcpRrAndRedisLoadComesFromTheSecondMachine() throws Exception {
        SshdHosts.Node b = hosts.nodes().get(0);
        Path results = dir.resolve("results");
        Cli c = Cli.run("run", "--workload", "tcp_rr,redis", "--env", "native", "-p", "tcp_rr.duration=1s", "-p", "redis.clients=1,4",
                "-p", "redis.requests=2000", "-n", "2", "--warmup", "0", "--client", "ssh://root@" + b.address(),
                "--ssh-key", hosts.clientKey().toString(), "--known-hosts", hosts.knownHosts().toString(), "--results", results.toString());
        assertThat(c.exit()).as(c.all()).isZero();
        Path runDir;
        try (var s = Files.list(results)) {
            runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        List<Sample> samples = RunDirectory.open(runDir).readSamples();
        for (String w : List.of("tcp_rr", "redis")) {
            List<Sample> mine = samples.stream().filter(s -> s.workload().equals(w) && !s.warmup()).toList();
            assertThat(mine).as(w).isNotEmpty();
            for (Sample s : mine) {
                @SuppressWarnings("unchecked")
                Map<String, Object> wl = (Map<String, Object>) s.metadata().get("workload");
                @SuppressWarnings("unchecked")
                Map<String, Object> client = (Map<String, Object>) wl.get("client");
                // both machines and the path: B's address, this machine's address facing it
                assertThat(client).containsEntry("place", "ssh").containsEntry("client_address", b.address())
                        .containsEntry("host_address", hosts.gateway()).doesNotContainKey("instead_of");
                assertThat((String) wl.get("endpoint")).startsWith(hosts.gateway() + ":");
                if (wl.containsKey("inside_peers")) {
                    List<String> peers = Json.mapper().convertValue(wl.get("inside_peers"),
                            Json.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
                    assertThat(peers).as("the server saw connections from B").contains(b.address());
                }
            }
        }
        assertThat(samples.stream().filter(s -> s.workload().equals("tcp_rr")).map(s -> s.metadata().get("workload")).toList()
                .toString()).contains("inside_peers");
    }
}
