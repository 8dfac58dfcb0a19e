package io.isobench.workload;

import io.isobench.host.HostFacts;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a workload gets from the environment it runs in, read by the agent.
 *
 * @param dataDir a writable folder on the storage under test (a directory natively, the container
 *                filesystem or a volume in Docker, a virtio disk in a VM); workloads put their files
 *                here and remove them
 * @param facts   the facts of the inside: CPUs and memory the workload may use
 * @param host    the host's identity as the runner sent it (boot id, namespaces, a host pid and
 *                its start time), so a workload inside can tell what it shares with the host;
 *                empty when the caller sent none
 */
public record InsideContext(Path dataDir, HostFacts facts, Map<String, Object> host) {

    public InsideContext {
        host = host == null ? Map.of() : Map.copyOf(host);
    }

    public InsideContext(Path dataDir, HostFacts facts) {
        this(dataDir, facts, Map.of());
    }
}
