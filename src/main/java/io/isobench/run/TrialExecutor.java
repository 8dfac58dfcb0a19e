package io.isobench.run;

import io.isobench.agent.AgentException;
import io.isobench.agent.Protocol;
import io.isobench.client.ClientPlace;
import io.isobench.client.LocalClient;
import io.isobench.core.Endpoint;
import io.isobench.core.Transport;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.host.InsideFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.suite.Trial;
import io.isobench.workload.HostContext;
import io.isobench.workload.HostWorkload;
import io.isobench.workload.ServerWorkload;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Runs one iteration of a trial on an instance, as its workload asks: inside the environment (the
 * agent runs it), a server inside with its load from the client place, or from the host against
 * fresh instances of its own. Returns the figures, or throws what broke; deciding what a failure
 * costs (the iteration, the trial, the instance) is the runner's.
 */
final class TrialExecutor {

    /** Starts a fresh instance of a variant outside the pool, for a host workload. */
    @FunctionalInterface
    interface FreshInstances {
        EnvironmentInstance start(Variant v) throws Exception;
    }

    private final HostFacts host;
    private final Path logs;
    private final ClientPlace client;
    private final String clientFailure;
    private final LocalClient local;
    private final FreshInstances fresh;
    private final BiConsumer<String, Map<String, Object>> clientUsed;
    private final Map<String, Object> hostIdentity = InsideFacts.hostIdentity();

    /**
     * @param client        where the load of server workloads runs; null when it could not be made
     * @param clientFailure why there is no client place (when {@code client} is null)
     * @param local         the host's own stack, for a listener only the host can reach
     * @param fresh         how a host workload gets instances of its own
     * @param clientUsed    told, per variant label, the facts of the place that drove its server
     */
    TrialExecutor(HostFacts host, Path logs, ClientPlace client, String clientFailure, LocalClient local, FreshInstances fresh,
                  BiConsumer<String, Map<String, Object>> clientUsed) {
        this.host = host;
        this.logs = logs;
        this.client = client;
        this.clientFailure = clientFailure;
        this.local = local;
        this.fresh = fresh;
        this.clientUsed = clientUsed;
    }

    /** One iteration of {@code t} on {@code inst}. */
    WorkloadResult execute(Trial t, EnvironmentInstance inst) throws Exception {
        Map<String, Object> params = t.params().toWire(t.workload().params());
        Duration deadline = t.workload().deadline(t.params());
        if (t.workload() instanceof HostWorkload hw) {
            // fresh instances, while the shared one is paused so it does not compete
            inst.pause();
            try {
                return hw.runOnHost(t.params(), () -> forHostWorkload(fresh.start(t.variant())), new HostContext(host, logs));
            } finally {
                inst.resume();
            }
        }
        if (!(t.workload() instanceof ServerWorkload sw)) {
            return inst.agent().call(new Protocol.Run(t.workload().name(), params, hostIdentity), deadline);
        }
        int port = inst.serverPorts().get(0);
        Protocol.ServerStarted started = inst.agent().call(new Protocol.StartServer(t.workload().name(), params, port, hostIdentity),
                deadline);
        Transport transport = sw.transports().contains(Transport.TCP) ? Transport.TCP : Transport.UDP;
        Endpoint ep = inst.endpoint(port, transport);
        Protocol.StopServer stop = new Protocol.StopServer(started.server());
        WorkloadResult driven;
        ClientPlace place;
        Endpoint reached;
        String instead = null;
        try {
            if (client == null) {
                throw new IOException("no place for the load side: " + clientFailure);
            }
            // the client's way to the server; a listener only the host itself can reach (docker-proxy,
            // slirp) is driven from the host's own stack, and the facts say so
            place = client;
            reached = client.reach(ep).orElse(null);
            if (reached == null) {
                instead = client.unreachableReason(ep);
                place = local;
                reached = ep;
            }
            driven = place.drive(sw, t.params(), params, reached, deadline);
        } catch (Exception e) {
            try {
                inst.agent().call(stop, Duration.ofMinutes(1));
            } catch (AgentException stopFailed) {
                e.addSuppressed(stopFailed);
            }
            throw e;
        }
        WorkloadResult serverResult = inst.agent().call(stop, Duration.ofMinutes(1));
        WorkloadResult.Builder b = WorkloadResult.builder();
        driven.measurements().forEach(b::add);
        serverResult.measurements().forEach(b::add);
        b.facts(driven.metadata());
        b.facts(serverResult.metadata());
        Map<String, Object> clientFacts = new LinkedHashMap<>(place.facts());
        if (instead != null) {
            clientFacts.put("instead_of", client.kind() + ", because " + instead);
        }
        b.fact("client", clientFacts);
        b.fact("endpoint", reached.toString());
        if (!reached.equals(ep)) {
            b.fact("endpoint_from_host", ep.toString());
        }
        b.facts(Map.of("server", started.facts() == null ? Map.of() : started.facts()));
        // run.json: which place drove each variant's servers
        clientUsed.accept(t.variant().label(), clientFacts);
        return b.build();
    }

    /** An environment's instance as a host workload sees it (workloads know nothing of environments). */
    private static HostWorkload.Instance forHostWorkload(EnvironmentInstance i) {
        return new HostWorkload.Instance() {
            @Override
            public void ping() throws Exception {
                i.agent().call(new Protocol.Ping(), Duration.ofSeconds(30));
            }

            @Override
            public long hostMemoryBytes() {
                return i.hostMemoryBytes();
            }

            @Override
            public void close() {
                i.close();
            }
        };
    }
}
