package io.isobench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.isobench.agent.Protocol;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.Cleanup;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.env.docker.DockerEngine;
import io.isobench.env.docker.DockerEnvironment;
import io.isobench.env.docker.DockerLeftovers;
import io.isobench.host.HostFacts;
import io.isobench.result.Json;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.core.Params;
import io.isobench.workload.ServerWorkload;
import io.isobench.core.Transport;
import io.isobench.workload.Workloads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's two NATs told apart by what carries their traffic: {@code nat} from the client
 * namespace passes the kernel's DNAT rule for its port (its packet counter grows) and reaches the
 * server with the client's own address (docker-proxy would have connected from the bridge's
 * gateway); {@code proxy} from the host itself never meets a DNAT rule and reaches the server from
 * the gateway, i.e. through docker-proxy.
 */
@Tag("integration")
class DockerNatPathIT {

    private static final DockerEnvironment ENV = new DockerEnvironment();
    private static final String RUN_ID = "it-natpath-" + ProcessHandle.current().pid();

    @TempDir
    Path logs;

    @BeforeAll
    static void hostHasDockerAndNamespaces() {
        assumeThat(NetnsClient.unavailableReason()).as("needs root with ip netns").isNull();
        assertThat(ENV.probe(HostFacts.read()).available()).as("a Docker Engine must answer (scripts/setup-host.sh)").isTrue();
    }

    @AfterAll
    static void nothingIsLeft() throws Exception {
        try (DockerEngine engine = DockerEngine.connect()) {
            assertThat(new DockerLeftovers(engine).find(RUN_ID)).isEmpty();
        }
        NetnsClientIT.assertNothingLeft(RUN_ID);
    }

    /** Packets counted by the DNAT rule Docker made for a host port ({@code iptables -t nat -L DOCKER -v -x -n}). */
    static long dnatPackets(int hostPort) throws Exception {
        Pattern rule = Pattern.compile("^\\s*(\\d+)\\s+\\d+\\s+DNAT\\s+(?:tcp|6)\\s.*\\bdpt:" + hostPort + "\\b.*$", Pattern.MULTILINE);
        Matcher m = rule.matcher(HostNet.run("iptables", "-w", "-t", "nat", "-L", "DOCKER", "-v", "-x", "-n"));
        assertThat(m.find()).as("Docker's DNAT rule for host port " + hostPort).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The host's source address towards a container: the bridge gateway, which docker-proxy connects from. */
    static String hostSourceTowards(String address) throws Exception {
        Matcher m = Pattern.compile("\\bsrc (\\S+)").matcher(HostNet.run("ip", "-4", "route", "get", address));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private record Trial(Endpoint fromHost, Endpoint driven, WorkloadResult load, List<String> peers) {
    }

    /** One tcp_rr iteration: server inside, load from {@code place} (or from the host when it cannot reach). */
    private static Trial tcpRr(EnvironmentInstance i, ClientPlace place, ClientPlace host) throws Exception {
        ServerWorkload rr = (ServerWorkload) Workloads.get("tcp_rr", "test");
        Params p = Params.resolve(rr.params(), Map.of("duration", "500ms"), HostFacts.read(), "tcp_rr", "test");
        Map<String, Object> wire = p.toWire(rr.params());
        int port = i.serverPorts().get(0);
        var started = i.agent().call(new Protocol.StartServer("tcp_rr", wire, port, null), Duration.ofMinutes(1));
        Endpoint ep = i.endpoint(port, Transport.TCP);
        Endpoint driven = place.reach(ep).orElse(null);
        WorkloadResult load = driven == null ? host.drive(rr, p, wire, ep, Duration.ofMinutes(1))
                : place.drive(rr, p, wire, driven, Duration.ofMinutes(1));
        var stopped = i.agent().call(new Protocol.StopServer(started.server()), Duration.ofMinutes(1));
        List<String> peers = Json.mapper().convertValue(stopped.metadata().get("inside_peers"),
                Json.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
        return new Trial(ep, driven, load, peers);
    }

    @Test
    void natIsCarriedByTheKernelsDnatAndProxyByDockerProxy() throws Exception {
        try (Cleanup cleanup = new Cleanup()) {
            NetnsClient client = NetnsClient.start(RUN_ID, new ClientSpec(ClientSpec.Place.NETNS, null), AgentLauncher.current(), logs, cleanup,
                    Duration.ofMinutes(1));
            LocalClient host = new LocalClient(new HostContext(HostFacts.read(), logs));
            StartContext ctx = new StartContext(RUN_ID, logs, AgentLauncher.current(), cleanup, HostFacts.read(), Duration.ofMinutes(2),
                    client.hostAddress(), 0);
            try (EnvironmentInstance nat = ENV.start(Variant.resolve(ENV, Map.of("network", "nat", "image", "small"), "test"), ctx);
                 EnvironmentInstance proxy = ENV.start(Variant.resolve(ENV, Map.of("network", "proxy", "image", "small"), "test"), ctx)) {
                proxy.pause();
                int natPort = nat.endpoint(nat.serverPorts().get(0), Transport.TCP).port();
                long before = dnatPackets(natPort);
                Trial n = tcpRr(nat, client, host);
                long after = dnatPackets(natPort);
                assertThat(n.fromHost().host()).as("published on the client's side of the host").isEqualTo(client.hostAddress());
                assertThat(n.driven()).as("the namespace reaches it").isNotNull();
                assertThat(after).as("the DNAT rule's packet counter").isGreaterThan(before);
                // DNAT keeps the client's address; docker-proxy would have connected from the gateway
                assertThat(n.peers()).containsExactly(client.clientAddress());
                assertThat(nat.facts().get("published_path")).asString().contains("DNAT");

                proxy.resume();
                nat.pause();
                Endpoint proxyEp = proxy.endpoint(proxy.serverPorts().get(0), Transport.TCP);
                assertThat(proxyEp.host()).isEqualTo("127.0.0.1");
                long proxyBefore = dnatPackets(proxyEp.port());
                Trial x = tcpRr(proxy, client, host);
                assertThat(x.driven()).as("127.0.0.1 is out of the namespace's reach: the load runs on the host").isNull();
                assertThat(x.load().measurements()).anyMatch(m -> m.metric().equals("transactions") && m.value() > 0);
                // loopback traffic never meets PREROUTING: docker-proxy relays it, from the bridge gateway
                assertThat(dnatPackets(proxyEp.port())).isEqualTo(proxyBefore);
                String containerIp = String.valueOf(proxy.facts().get("container_ip"));
                assertThat(x.peers()).containsExactly(hostSourceTowards(containerIp));
                assertThat(proxy.facts().get("published_path")).asString().contains("docker-proxy");
                nat.resume();
            } finally {
                client.close();
            }
        }
    }
}
