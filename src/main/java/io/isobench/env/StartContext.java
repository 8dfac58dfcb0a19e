package io.isobench.env;

import io.isobench.agent.AgentLauncher;
import io.isobench.host.HostFacts;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What an environment needs to start an instance.
 *
 * @param runId       labels everything the instance creates, so cleanup and doctor find it
 * @param logDir      where agent stderr and guest consoles go (kept with the run)
 * @param agent       how to start the agent (JRE and jar)
 * @param cleanup     where to register what is created, before it exists
 * @param bootTimeout how long the agent may take to answer its first request
 * @param clientAddress the host's address as the load side of server workloads reaches it (the
 *                      client namespace's veth), where Docker's NAT publishes ports; null when the
 *                      load runs on the host's own stack
 * @param offHeap     the most memory any workload planned for the instance allocates outside the
 *                    agent's heap ({@link io.isobench.workload.Workload#offHeap}): the agent's heap
 *                    is sized to leave it room ({@link AgentMemory})
 */
public record StartContext(String runId, Path logDir, AgentLauncher agent, Cleanup cleanup, HostFacts host,
                           Duration bootTimeout, String clientAddress, long offHeap) {

    /** A context for load from the host's own stack, for an instance whose workloads allocate nothing outside the heap (tests, tools). */
    public StartContext(String runId, Path logDir, AgentLauncher agent, Cleanup cleanup, HostFacts host, Duration bootTimeout) {
        this(runId, logDir, agent, cleanup, host, bootTimeout, null, 0);
    }
}
