package io.isobench.workload.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.host.HostFacts;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real redis-server (Debian's, installed by scripts/setup-host.sh) on loopback, tiny sizes. */
@Tag("integration")
class RedisServerTest {

    private static final HostFacts HOST = HostFacts.read();
    private final RedisWorkload workload = new RedisWorkload();

    @TempDir
    Path dataDir;

    private Params params(Map<String, Object> given) {
        return Params.resolve(workload.params(), given, HOST, "workload 'redis'", "test");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void drivesEveryCommandAtEveryClientCountAndStopsCleanly() throws Exception {
        Params p = params(Map.of("clients", List.of(1, 3), "requests", 300, "keyspace", 500, "pipeline", 2, "warmup", "100ms"));
        int port = freePort();
        ServerSide server = workload.startServer(p, new InsideContext(dataDir, HOST), port);
        WorkloadResult driven;
        WorkloadResult stopped;
        double selfCounted;
        try {
            assertThat(server.facts()).containsKey("pid");
            driven = workload.drive(p, new Endpoint("127.0.0.1", port, "loopback"), new HostContext(HOST, dataDir));
            try (RespClient c = new RespClient("127.0.0.1", port, 5000)) {
                Map<String, String> info = RedisServer.parseInfo(RespClient.text(c.call("INFO"), "INFO"));
                selfCounted = Double.parseDouble(info.get("used_cpu_sys")) + Double.parseDouble(info.get("used_cpu_user"));
            }
        } finally {
            stopped = server.stop();
        }
        for (RedisCommand c : RedisCommand.values()) {
            for (int clients : List.of(1, 3)) {
                Measurement rate = find(driven, c.metric(), clients);
                Measurement p50 = find(driven, c.metric() + "_p50", clients);
                Measurement p99 = find(driven, c.metric() + "_p99", clients);
                assertThat(rate.value()).isPositive();
                assertThat(rate.unit()).isEqualTo("req/s");
                assertThat(p50.value()).isPositive().isLessThanOrEqualTo(p99.value());
            }
        }
        assertThat(driven.metadata()).containsKey("populate_seconds");
        assertThat((String) stopped.metadata().get("redis_version")).matches("[0-9]+\\.[0-9]+\\.[0-9]+");
        // all requests plus the 500 SETs that filled the key space were served by this server
        assertThat((Long) stopped.metadata().get("redis_commands_processed")).isGreaterThanOrEqualTo(6L * 2 * 300 + 500);
        // the server's CPU as the host reads it (/proc, 10 ms ticks) is what redis counts itself (getrusage, read
        // just before the stop), to the ticks' rounding; and the per-command figure is that CPU over the commands
        double cpu = (Double) stopped.metadata().get("redis_server_cpu_seconds");
        assertThat(selfCounted).isPositive();
        assertThat(cpu).isBetween(selfCounted - 0.025, selfCounted + 0.015);
        long processed = (Long) stopped.metadata().get("redis_commands_processed");
        assertThat(stopped.measurements()).filteredOn(m -> m.metric().equals("server_cpu_per_command")).singleElement()
                .satisfies(m -> assertThat(m.value()).isCloseTo(cpu * 1e6 / processed, org.assertj.core.data.Percentage.withPercentage(1e-9)));
        assertThat(stopped.measurements()).extracting(Measurement::metric).contains("server_cpu_per_command");
        // the server is gone: its port is free and its folder removed
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
        try (var files = Files.list(dataDir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aPortClashIsReportedWithThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> workload.startServer(params(Map.of()), new InsideContext(dataDir, HOST), port))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("port " + port + " is already in use");
        }
    }

    @Test
    void aServerThatFailsToStartReportsItsOutputAndLeavesNothingRunning() throws Exception {
        int port = freePort();
        Params p = params(Map.of("config", "no-such-directive 1"));
        assertThatThrownBy(() -> workload.startServer(p, new InsideContext(dataDir, HOST), port))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("redis-server exited")
                .hasMessageContaining("no-such-directive");
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aServerThatIsGoneFailsThePointNamingItsAddress() throws Exception {
        Params p = params(Map.of("clients", List.of(2), "requests", 100, "keyspace", 100, "commands", "PING"));
        int port = freePort();
        ServerSide server = workload.startServer(p, new InsideContext(dataDir, HOST), port);
        server.stop();
        assertThatThrownBy(() -> workload.drive(p, new Endpoint("127.0.0.1", port, "loopback"), new HostContext(HOST, dataDir)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    private static Measurement find(WorkloadResult r, String metric, int clients) {
        return r.measurements().stream()
                .filter(m -> m.metric().equals(metric) && Integer.valueOf(clients).equals(m.labels().get("clients")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + metric + " at clients=" + clients + " in " + r));
    }
}
