package io.isobench.workload.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.agent.AgentException;
import io.isobench.agent.Protocol;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TcpRrWorkloadTest {

    private final TcpRrWorkload w = new TcpRrWorkload();

    @Test
    void throughTheAgentProtocolEveryTransactionIsCountedOnBothSidesAndInTheHistogram() throws Exception {
        Params p = Loopback.params(w, Map.of("clients", 2, "duration", "200ms"));
        int port = Loopback.freePort();
        try (Loopback.InProcessAgent agent = new Loopback.InProcessAgent()) {
            Map<String, Object> wire = p.toWire(w.params());
            Protocol.ServerStarted started = agent.client.call(new Protocol.StartServer("tcp_rr", wire, port, null), Duration.ofSeconds(30));
            WorkloadResult host = w.drive(p, Loopback.endpoint(port), Loopback.host());
            WorkloadResult inside = agent.client.call(new Protocol.StopServer(started.server()), Duration.ofSeconds(30));

            long completed = Loopback.fact(host, "completed");
            assertThat(completed).isPositive().isEqualTo(Loopback.fact(inside, "inside_transactions"));
            double seconds = ((Number) host.metadata().get("seconds")).doubleValue();
            assertThat(Loopback.figure(host, "transactions")).isCloseTo(completed / seconds, org.assertj.core.data.Offset.offset(1e-6));
            double p50 = Loopback.figure(host, "latency_p50");
            double p90 = Loopback.figure(host, "latency_p90");
            double p99 = Loopback.figure(host, "latency_p99");
            double p999 = Loopback.figure(host, "latency_p99_9");
            assertThat(p50).isPositive().isLessThanOrEqualTo(p90);
            assertThat(p90).isLessThanOrEqualTo(p99);
            assertThat(p99).isLessThanOrEqualTo(p999);
            assertThat(Loopback.figure(host, "latency_mean")).isPositive();
        }
    }

    @Test
    void aCountLimitsTransactionsPerClient() throws Exception {
        Params p = Loopback.params(w, Map.of("clients", 3, "count", 40, "duration", "60s", "request_size", 64, "response_size", "4K"));
        int port = Loopback.freePort();
        ServerSide server = w.startServer(p, Loopback.inside(), port);
        WorkloadResult host;
        WorkloadResult inside;
        try {
            host = w.drive(p, Loopback.endpoint(port), Loopback.host());
        } finally {
            inside = server.stop();
        }
        assertThat(Loopback.fact(host, "completed")).isEqualTo(120);
        assertThat(Loopback.fact(inside, "inside_transactions")).isEqualTo(120);
    }

    @Test
    void aPortInUseFailsTheServerStartThroughTheAgentAndTheAgentGoesOn() throws Exception {
        try (ServerSocket busy = new ServerSocket(0); Loopback.InProcessAgent agent = new Loopback.InProcessAgent()) {
            int port = busy.getLocalPort();
            Map<String, Object> wire = Loopback.params(w, Map.of()).toWire(w.params());
            assertThatThrownBy(() -> agent.client.call(new Protocol.StartServer("tcp_rr", wire, port, null), Duration.ofSeconds(30)))
                    .isInstanceOf(AgentException.class)
                    .hasMessageContaining("port " + port)
                    .satisfies(e -> assertThat(((AgentException) e).broken()).isFalse());
            assertThat(agent.client.call(new Protocol.ReadFacts(), Duration.ofSeconds(30)).facts()).isNotEmpty();
        }
    }

    @Test
    void aPortInUseIsBadInput() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            assertThatThrownBy(() -> w.startServer(Loopback.params(w, Map.of()), Loopback.inside(), busy.getLocalPort()))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("port " + busy.getLocalPort());
        }
    }

    @Test
    void anUnreachableServerSideFailsWithAClearMessage() throws Exception {
        int port = Loopback.freePort();
        Params p = Loopback.params(w, Map.of("duration", "100ms", "connect_timeout", "300ms"));
        assertThatThrownBy(() -> w.drive(p, Loopback.endpoint(port), Loopback.host()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("tcp_rr: cannot reach the server side at 127.0.0.1:" + port);
    }

    @Test
    void somethingElseListeningIsNotTakenForTheServerSide() throws Exception {
        // a listener that accepts and answers garbage, like a forwarder with the wrong thing behind it
        try (ServerSocket other = new ServerSocket(0)) {
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try (var s = other.accept()) {
                    s.getOutputStream().write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes());
                    s.getOutputStream().flush();
                    s.getInputStream().read(new byte[64]);
                } catch (Exception ignored) {
                    // the test is done
                }
            });
            Params p = Loopback.params(w, Map.of("duration", "100ms", "connect_timeout", "2s"));
            assertThatThrownBy(() -> w.drive(p, Loopback.endpoint(other.getLocalPort()), Loopback.host()))
                    .hasMessageContaining("not an isobench server side");
            t.join(2_000);
        }
    }
}
