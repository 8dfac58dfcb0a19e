package io.isobench.workload;

import io.isobench.host.HostFacts;
import java.nio.file.Path;

/**
 * What a load generator gets on the host.
 *
 * @param logDir where it may keep logs that belong to the run
 */
public record HostContext(HostFacts host, Path logDir) {
}
