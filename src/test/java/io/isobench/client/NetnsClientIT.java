package io.isobench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.isobench.agent.AgentEnvironment;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.Cleanup;
import io.isobench.host.HostFacts;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import io.isobench.workload.ServerWorkload;
import io.isobench.workload.Workloads;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client namespace on this host, for real: load from it enters the host through its veth, a
 * link speed caps it, and nothing of it outlives its close or a failed start.
 */
@Tag("integration")
class NetnsClientIT {

    @TempDir
    Path logs;

    @BeforeAll
    static void hostAllowsANamespace() {
        assumeThat(NetnsClient.unavailableReason()).as("needs root with ip netns").isNull();
    }

    private static String runId(String what) {
        return "it-" + what + "-" + ProcessHandle.current().pid();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Params params(ServerWorkload w, Map<String, Object> given) {
        return Params.resolve(w.params(), given, HostFacts.read(), "workload '" + w.name() + "'", "test");
    }

    static long rxBytes(String dev) throws Exception {
        return Long.parseLong(Files.readString(Path.of("/sys/class/net", dev, "statistics", "rx_bytes")).trim());
    }

    /** Nothing of the run's client network is left: namespace, veth pair, forwarding rules. */
    static void assertNothingLeft(String runId) throws Exception {
        NetnsClient.Names n = NetnsClient.Names.forRun(runId);
        assertThat(HostNet.netnsExists(n.namespace())).as("namespace " + n.namespace()).isFalse();
        assertThat(HostNet.linkExists(n.hostDev())).as("veth " + n.hostDev()).isFalse();
        for (String dir : List.of("-i", "-o")) {
            assertThat(HostNet.succeeds("iptables", "-w", "-C", "FORWARD", dir, n.hostDev(), "-j", "ACCEPT"))
                    .as("FORWARD rule " + dir + " " + n.hostDev()).isFalse();
        }
    }

    @Test
    void loadFromTheNamespaceEntersTheHostThroughItsVethAndIsGoneAfterClose() throws Exception {
        String runId = runId("rr");
        ServerWorkload rr = (ServerWorkload) Workloads.get("tcp_rr", "test");
        Params p = params(rr, Map.of("duration", "500ms"));
        int port = freePort();
        try (Cleanup cleanup = new Cleanup()) {
            NetnsClient c = NetnsClient.start(runId, new ClientSpec(ClientSpec.Place.NETNS, null), AgentLauncher.current(), logs, cleanup,
                    Duration.ofMinutes(1));
            try {
                assertThat(HostNet.netnsExists(c.names().namespace())).isTrue();
                // a server on the host's stack, listening on every address as a native agent's does
                ServerSide server = rr.startServer(p, null, port);
                Endpoint reached = c.reach(new Endpoint("127.0.0.1", port, "loopback")).orElseThrow();
                assertThat(reached.host()).isEqualTo(c.hostAddress());
                long rx = rxBytes(c.names().hostDev());
                WorkloadResult load = c.drive(rr, p, p.toWire(rr.params()), reached, Duration.ofMinutes(1));
                WorkloadResult inside = server.stop();
                assertThat(load.measurements()).anyMatch(m -> m.metric().equals("transactions") && m.value() > 0);
                // the server saw the namespace's own address: the traffic came in through the veth
                assertThat(inside.metadata().get("inside_peers")).asString().contains(c.clientAddress());
                assertThat(rxBytes(c.names().hostDev())).isGreaterThan(rx);
                // a listener on the host's loopback only (docker-proxy, slirp) is out of its reach
                assertThat(c.reach(new Endpoint("127.0.0.1", port, "docker-proxy"))).isEmpty();
                assertThat(c.facts()).containsEntry("place", "netns").containsEntry("link", "unshaped");
            } finally {
                c.close();
            }
            assertNothingLeft(runId);
            assertThat(cleanup.pending()).isZero();
        }
    }

    @Test
    void aOneGigabitLinkShowsAsAboutOneGigabitPerSecondEachWay() throws Exception {
        String runId = runId("link");
        ServerWorkload stream = (ServerWorkload) Workloads.get("tcp_stream", "test");
        Params p = params(stream, Map.of("duration", "2s", "direction", "both"));
        int port = freePort();
        try (Cleanup cleanup = new Cleanup()) {
            NetnsClient c = NetnsClient.start(runId, new ClientSpec(ClientSpec.Place.NETNS, "1gbit"), AgentLauncher.current(), logs, cleanup,
                    Duration.ofMinutes(1));
            try {
                ServerSide server = stream.startServer(p, null, port);
                Endpoint reached = c.reach(new Endpoint("127.0.0.1", port, "loopback")).orElseThrow();
                WorkloadResult r = c.drive(stream, p, p.toWire(stream.params()), reached, Duration.ofMinutes(2));
                server.stop();
                List<Measurement> tput = r.measurements().stream().filter(m -> m.metric().equals("throughput")).toList();
                assertThat(tput).hasSize(2);
                // tbf caps each direction at the link: TCP over it gets most of it, never more (loopback here does tens of Gbit/s)
                assertThat(tput).allSatisfy(m -> assertThat(m.value()).as(m.toString()).isBetween(0.5, 1.1));
                assertThat(c.facts()).containsEntry("link", "1gbit");
            } finally {
                c.close();
            }
            assertNothingLeft(runId);
        }
    }

    @Test
    void aClientAgentThatCannotStartLeavesNothingBehind() throws Exception {
        String runId = runId("nojava");
        AgentLauncher broken = new AgentLauncher(Path.of("/nonexistent-jre"), AgentLauncher.current().classpath(), AgentEnvironment.base(), runId);
        try (Cleanup cleanup = new Cleanup()) {
            assertThatThrownBy(() -> NetnsClient.start(runId, new ClientSpec(ClientSpec.Place.NETNS, "1gbit"), broken, logs, cleanup,
                    Duration.ofSeconds(20))).hasMessageContaining("client agent");
            assertNothingLeft(runId);
            assertThat(cleanup.pending()).isZero();
        }
    }
}
