package io.isobench.workload.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import io.isobench.core.Transport;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UdpRrWorkloadTest {

    private final UdpRrWorkload w = new UdpRrWorkload();

    @Test
    void declaresUdp() {
        assertThat(w.transports()).containsExactly(Transport.UDP);
    }

    @Test
    void overLoopbackEveryAnsweredTransactionIsInTheHistogramAndTheServerSawIt() throws Exception {
        Params p = Loopback.params(w, Map.of("clients", 2, "duration", "200ms"));
        int port = Loopback.freePort();
        ServerSide server = w.startServer(p, Loopback.inside(), port);
        WorkloadResult host;
        WorkloadResult inside;
        try {
            host = w.drive(p, Loopback.endpoint(port), Loopback.host());
        } finally {
            inside = server.stop();
        }
        long completed = Loopback.fact(host, "completed");
        long lost = Loopback.fact(host, "lost");
        assertThat(completed).isPositive();
        assertThat(completed + lost).isEqualTo(Loopback.fact(host, "attempted"));
        // every answered request reached the server; lost ones may or may not have
        assertThat(Loopback.fact(inside, "inside_requests")).isBetween(completed, completed + lost);
        assertThat(Loopback.figure(host, "latency_p50")).isPositive().isLessThanOrEqualTo(Loopback.figure(host, "latency_p99"));
        assertThat(Loopback.figure(host, "loss")).isEqualTo(100.0 * lost / (completed + lost));
    }

    @Test
    void unansweredRequestsAreCountedLostNotHidden() throws Exception {
        // a server on a lossy path: it answers only even sequence numbers (and the probe)
        DatagramChannel lossy = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        Thread t = null;
        try {
            int port = ((InetSocketAddress) lossy.getLocalAddress()).getPort();
            t = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer in = ByteBuffer.allocate(65_536);
                ByteBuffer out = ByteBuffer.allocate(200);
                try {
                    while (true) {
                        in.clear();
                        SocketAddress from = lossy.receive(in);
                        long seq = in.getLong(0);
                        if (seq < 0 || seq % 2 == 0) {
                            out.clear();
                            out.putLong(0, seq);
                            lossy.send(out, from);
                        }
                    }
                } catch (Exception closed) {
                    // the test is done
                }
            });
            // a receive timeout no answer over loopback misses, even on a busy host: each of the 3 lost requests
            // costs it once, so few requests keep the test short
            Params p = Loopback.params(w, Map.of("count", 6, "duration", "60s", "receive_timeout", "1s"));
            WorkloadResult host = w.drive(p, Loopback.endpoint(port), Loopback.host());
            assertThat(Loopback.fact(host, "completed")).isEqualTo(3);
            assertThat(Loopback.fact(host, "lost")).isEqualTo(3);
            assertThat(Loopback.figure(host, "loss")).isEqualTo(50.0);
        } finally {
            lossy.close();
            if (t != null) {
                t.join(2_000);
            }
        }
    }

    @Test
    void anUnreachableServerSideFailsWithinTheConnectTimeout() throws Exception {
        int port = Loopback.freePort();
        Params p = Loopback.params(w, Map.of("duration", "100ms", "connect_timeout", "300ms"));
        assertThatThrownBy(() -> w.drive(p, Loopback.endpoint(port), Loopback.host()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("cannot reach the UDP server side at 127.0.0.1:" + port);
    }

    @Test
    void aPortInUseFailsTheServerStartNamingThePort() throws Exception {
        try (DatagramSocket busy = new DatagramSocket(0)) {
            assertThatThrownBy(() -> w.startServer(Loopback.params(w, Map.of()), Loopback.inside(), busy.getLocalPort()))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("UDP port " + busy.getLocalPort());
        }
    }
}
