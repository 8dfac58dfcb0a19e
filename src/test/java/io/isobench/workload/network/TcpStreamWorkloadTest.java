package io.isobench.workload.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.util.Map;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class TcpStreamWorkloadTest {

    private final TcpStreamWorkload w = new TcpStreamWorkload();

    /** Starts the server side, drives it, stops it: the host's result, and the inside's in {@link #inside}. */
    private WorkloadResult runOnce(Params p) throws Exception {
        int port = Loopback.freePort();
        ServerSide server = w.startServer(p, Loopback.inside(), port);
        try {
            return w.drive(p, Loopback.endpoint(port), Loopback.host());
        } finally {
            inside = server.stop();
        }
    }

    private WorkloadResult inside;

    @Test
    void bothDirectionsOverLoopbackAccountTheSameBytesOnBothSides() throws Exception {
        WorkloadResult host = runOnce(Loopback.params(w, Map.of("direction", "both", "streams", 2, "message_size", "64K", "duration", "200ms")));
        for (String dir : new String[] {"host_to_env", "env_to_host"}) {
            long hostBytes = Loopback.fact(host, "bytes_" + dir);
            assertThat(hostBytes).isPositive().isEqualTo(Loopback.fact(inside, "inside_bytes_" + dir));
            assertThat(Loopback.fact(inside, "inside_connections_" + dir)).isEqualTo(2);
            double seconds = ((Number) host.metadata().get("seconds_" + dir)).doubleValue();
            assertThat(seconds).isGreaterThanOrEqualTo(0.2);
            assertThat(Loopback.figure(host, "throughput", dir)).isPositive()
                    .isCloseTo(hostBytes * 8 / seconds / 1e9, Percentage.withPercentage(0.001));
            // moving bytes costs CPU on both ends (here one process, so both clocks see both ends); each figure is its
            // CPU time per GB moved, both recorded beside it
            double hostCpu = ((Number) host.metadata().get("host_cpu_seconds_" + dir)).doubleValue();
            double insideCpu = ((Number) inside.metadata().get("inside_cpu_seconds_" + dir)).doubleValue();
            assertThat(hostCpu).isPositive();
            assertThat(insideCpu).isPositive();
            assertThat(Loopback.figure(host, "cpu_host", dir)).isCloseTo(hostCpu / (hostBytes / 1e9), Percentage.withPercentage(1e-9));
            assertThat(Loopback.figure(inside, "cpu_inside", dir)).isCloseTo(insideCpu / (hostBytes / 1e9), Percentage.withPercentage(1e-9));
        }
    }

    @Test
    void oneDirectionGivesOneSetOfFigures() throws Exception {
        WorkloadResult host = runOnce(Loopback.params(w, Map.of("direction", "env_to_host", "duration", "100ms")));
        assertThat(host.measurements()).allMatch(m -> "env_to_host".equals(m.labels().get("direction")));
        assertThat(inside.metadata()).doesNotContainKey("inside_bytes_host_to_env");
        assertThat(Loopback.fact(host, "bytes_env_to_host")).isEqualTo(Loopback.fact(inside, "inside_bytes_env_to_host"));
    }

    @Test
    void aPortInUseFailsTheServerStartNamingThePort() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            int port = busy.getLocalPort();
            Params p = Loopback.params(w, Map.of());
            assertThatThrownBy(() -> w.startServer(p, Loopback.inside(), port))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("tcp_stream");
        }
    }

    @Test
    void anUnreachableServerSideFailsWithinTheConnectTimeout() throws Exception {
        int port = Loopback.freePort();
        Params p = Loopback.params(w, Map.of("duration", "100ms", "connect_timeout", "300ms"));
        assertThatThrownBy(() -> w.drive(p, Loopback.endpoint(port), Loopback.host()))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("cannot reach the server side at 127.0.0.1:" + port)
                .hasMessageContaining("300 ms");
    }
}
