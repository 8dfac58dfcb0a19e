package io.isobench.workload;

import io.isobench.core.Params;
import io.isobench.core.Endpoint;
import io.isobench.core.Transport;
import io.isobench.result.WorkloadResult;
import java.util.Set;

/**
 * A workload whose server side runs inside the environment under test and whose load generator
 * runs on the host, so the traffic crosses the environment's real network path (NAT, bridge,
 * virtio-net...). Per iteration the runner asks the agent to {@link #startServer start} the
 * server on a port the environment exposes, {@link #drive drives} it from the host through the
 * address the environment maps that port to, then stops the server: servers never outlive the
 * iteration that started them.
 */
public interface ServerWorkload extends Workload {

    /** Which transports the server listens on; the environment must expose the port for each. */
    default Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    /** Inside the environment: starts the server bound to all addresses on {@code port}. */
    ServerSide startServer(Params params, InsideContext ctx, int port) throws Exception;

    /** On the host: one measured iteration of load against the server at {@code endpoint}. */
    WorkloadResult drive(Params params, Endpoint endpoint, HostContext ctx) throws Exception;

    @Override
    default WorkloadResult runInside(Params params, InsideContext ctx) {
        throw new UnsupportedOperationException(name() + " is driven from the host; the agent only runs its server side");
    }
}
