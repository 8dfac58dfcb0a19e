package io.isobench.client;

import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.core.Params;
import io.isobench.workload.ServerWorkload;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The load on the host's own network stack, in isobench's own process: traffic to a native
 * server goes over loopback, a published Docker port on 127.0.0.1 is served by docker-proxy.
 * What isobench did before the client namespace; kept for hosts without one and as a labelled
 * choice ({@code client=local}).
 */
public final class LocalClient implements ClientPlace {

    private final HostContext ctx;

    public LocalClient(HostContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public String hostAddress() {
        return null;
    }

    @Override
    public Optional<Endpoint> reach(Endpoint fromHost) {
        return Optional.of(fromHost);
    }

    @Override
    public WorkloadResult drive(ServerWorkload workload, Params params, Map<String, Object> wire, Endpoint endpoint, Duration deadline)
            throws Exception {
        return workload.drive(params, endpoint, ctx);
    }

    @Override
    public Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("place", kind());
        m.put("path", "the host's own network stack (load threads inside isobench)");
        return m;
    }

    @Override
    public void close() {
        // nothing was created
    }
}
