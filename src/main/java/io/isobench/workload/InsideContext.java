package io.isobench.workload;

import io.isobench.host.HostFacts;
import java.nio.file.Path;

/**
 * What a workload gets from the environment it runs in, read by the agent.
 *
 * @param dataDir a writable folder on the storage under test (a directory natively, the container
 *                filesystem or a volume in Docker, a virtio disk in a VM); workloads put their files
 *                here and remove them
 * @param facts   the facts of the inside: CPUs and memory the workload may use
 */
public record InsideContext(Path dataDir, HostFacts facts) {
}
