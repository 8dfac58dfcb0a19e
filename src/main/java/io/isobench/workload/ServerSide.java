package io.isobench.workload;

import io.isobench.result.WorkloadResult;
import java.util.Map;

/** A running server inside the environment, started by {@link ServerWorkload#startServer}. */
public interface ServerSide {

    /** Facts the host needs or should record (e.g. the server's version, its pid). */
    default Map<String, Object> facts() {
        return Map.of();
    }

    /**
     * Stops the server and frees its port. Returns what was measured inside while it ran (e.g.
     * CPU time spent in the environment), merged into the iteration's result.
     */
    WorkloadResult stop() throws Exception;
}
