package io.isobench.client;

import io.isobench.agent.AgentClient;
import io.isobench.agent.AgentException;
import io.isobench.agent.Protocol;
import io.isobench.core.Endpoint;
import io.isobench.core.Params;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.ServerWorkload;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * A place whose load runs in a client agent of its own (the same jar, {@code isobench agent})
 * started somewhere else: a network namespace ({@link NetnsClient}), another machine over SSH
 * ({@link SshClientPlace}). What they share lives here, once: an agent that broke (died, hung,
 * answered garbage) is replaced before the next iteration, the place itself being fine; a failed
 * drive is the load side's failure, never the environment's; the agent's facts and how often it
 * was started are recorded; at the end it is asked to stop, then closed.
 */
abstract class AgentPlace implements ClientPlace {

    /** How long a replacement agent may take to answer. */
    static final Duration RESTART_TIMEOUT = Duration.ofMinutes(1);

    /** The agent driving the load, or null before the first start. */
    protected AgentClient agent;
    /** What the agent said of where it runs, recorded with the place's facts. */
    protected Map<String, Object> agentFacts = Map.of();
    /** How many agents were started: more than one means one broke and was replaced. */
    protected int agentStarts;

    /** Starts an agent, greets it, and sets {@link #agent}, {@link #agentFacts} and {@link #agentStarts}. */
    protected abstract void startAgent(Duration bootTimeout) throws Exception;

    /** Whether what carries the agent (its process, its channel) is still there. */
    protected abstract boolean agentAlive();

    /** Removes what is left of an agent that broke (its process, its channel), after its client is closed. */
    protected abstract void dropAgent();

    @Override
    public final WorkloadResult drive(ServerWorkload workload, Params params, Map<String, Object> wire, Endpoint endpoint, Duration deadline)
            throws Exception {
        if (agent == null || agent.broken() || !agentAlive()) {
            // the last agent is gone: the place is fine, start another one
            if (agent != null) {
                agent.close();
                dropAgent();
            }
            startAgent(RESTART_TIMEOUT);
        }
        try {
            return agent.call(new Protocol.Drive(workload.name(), wire, endpoint), deadline);
        } catch (AgentException e) {
            // the load side failed, not the environment: the runner must not replace the instance for it
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Adds the agent's facts (and its starts, when it was replaced) to the place's. */
    protected final void putAgentFacts(Map<String, Object> facts) {
        facts.put("agent", agentFacts);
        if (agentStarts > 1) {
            facts.put("agent_starts", agentStarts);
        }
    }

    /** Asks a working agent to stop (it answers, then ends), then closes its client; what carries it is the caller's to remove. */
    protected final void shutdownAgent() {
        if (agent != null && agentAlive() && !agent.broken()) {
            try {
                agent.call(new Protocol.Shutdown(), Duration.ofSeconds(5));
                awaitAgentEnd();
            } catch (Exception ignored) {
                // removed by force by the caller
            }
        }
        if (agent != null) {
            agent.close();
        }
    }

    /** After the agent said goodbye: waits for what carries it to end, when there is something to wait for. */
    protected void awaitAgentEnd() throws InterruptedException {
    }
}
