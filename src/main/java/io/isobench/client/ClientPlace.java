package io.isobench.client;

import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.core.Params;
import io.isobench.workload.ServerWorkload;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A place where the load side of server workloads runs: the host's own stack ({@link LocalClient}),
 * or a client agent (the same jar, {@code isobench agent}) started somewhere else and asked to
 * {@code drive} over the agent protocol: in a network namespace ({@link NetnsClient}) or, later,
 * on another machine. The runner does not care which: it asks the place to {@link #reach} the
 * server's endpoint and to {@link #drive} one iteration against it. Closing it removes everything
 * it created.
 */
public interface ClientPlace extends AutoCloseable {

    /** netns, local, ...: recorded with every sample. */
    String kind();

    /**
     * The host's address as this place's traffic reaches it (where environments publish ports for
     * it: Docker's NAT), or null when the load runs on the host's own stack.
     */
    String hostAddress();

    /**
     * Where this place reaches a server the host reaches at {@code fromHost}, or empty when it
     * cannot (a listener bound to the host's loopback only: docker-proxy for network=proxy, QEMU's
     * slirp forwards): then {@link #unreachableReason} says why, and the load runs on the host.
     */
    Optional<Endpoint> reach(Endpoint fromHost) throws Exception;

    /** Why {@link #reach} found no way from this place to {@code fromHost}. */
    default String unreachableReason(Endpoint fromHost) {
        return fromHost + " is not reachable from " + kind();
    }

    /**
     * One measured iteration of {@code workload}'s load against the server at {@code endpoint}.
     *
     * @param wire     the resolved parameters as sent over the protocol
     * @param deadline how long the iteration may take before the place gives up on it
     */
    WorkloadResult drive(ServerWorkload workload, Params params, Map<String, Object> wire, Endpoint endpoint, Duration deadline)
            throws Exception;

    /** What to record about the place with each sample and in run.json. */
    Map<String, Object> facts();

    @Override
    void close();
}
