package io.isobench.workload.network;

import io.isobench.inside.Agent;
import io.isobench.agent.AgentClient;
import io.isobench.host.HostFacts;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import io.isobench.workload.Workload;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/** Test helpers: params, contexts, free ports, an in-process agent, figures by name. */
final class Loopback {

    private Loopback() {
    }

    static Params params(Workload w, Map<String, ?> given) {
        return Params.resolve(w.params(), given, HostFacts.read(), "workload '" + w.name() + "'", "test");
    }

    static InsideContext inside() {
        return new InsideContext(Path.of(System.getProperty("java.io.tmpdir")), HostFacts.read());
    }

    static HostContext host() {
        return new HostContext(HostFacts.read(), Path.of(System.getProperty("java.io.tmpdir")));
    }

    static Endpoint endpoint(int port) {
        return new Endpoint("127.0.0.1", port, "loopback");
    }

    /** A port nothing listens on (TCP and UDP) at the moment. */
    static int freePort() throws IOException {
        while (true) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            try {
                new DatagramSocket(port).close();
                return port;
            } catch (IOException busy) {
                // taken for UDP: try another
            }
        }
    }

    static double figure(WorkloadResult r, String metric) {
        return r.measurements().stream().filter(m -> m.metric().equals(metric)).mapToDouble(Measurement::value).findFirst()
                .orElseThrow(() -> new AssertionError("no figure " + metric + " in " + r.measurements()));
    }

    static double figure(WorkloadResult r, String metric, String direction) {
        return r.measurements().stream()
                .filter(m -> m.metric().equals(metric) && direction.equals(m.labels().get("direction")))
                .mapToDouble(Measurement::value).findFirst()
                .orElseThrow(() -> new AssertionError("no figure " + metric + "/" + direction + " in " + r.measurements()));
    }

    static long fact(WorkloadResult r, String key) {
        Object v = r.metadata().get(key);
        if (!(v instanceof Number n)) {
            throw new AssertionError("no numeric fact " + key + " in " + r.metadata());
        }
        return n.longValue();
    }

    /** An agent serving on pipes in this JVM, as the native environment's child process would. */
    static final class InProcessAgent implements AutoCloseable {
        final AgentClient client;
        private final Thread thread;

        InProcessAgent() throws IOException {
            PipedOutputStream toAgent = new PipedOutputStream();
            PipedInputStream agentIn = new PipedInputStream(toAgent, 1 << 16);
            PipedOutputStream agentOut = new PipedOutputStream();
            PipedInputStream fromAgent = new PipedInputStream(agentOut, 1 << 16);
            thread = Thread.ofPlatform().daemon().name("test-agent").start(() -> {
                try (agentOut) {
                    new Agent().serve(agentIn, agentOut);
                } catch (IOException e) {
                    // the test closed the pipe
                }
            });
            client = new AgentClient("test agent", fromAgent, toAgent, () -> "");
        }

        @Override
        public void close() {
            client.close();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
