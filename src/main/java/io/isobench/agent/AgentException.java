package io.isobench.agent;

/**
 * A request that did not get a good answer. {@link #broken()} says whether the agent itself can
 * no longer be trusted (it died, hung past its deadline or answered garbage): the environment
 * instance must then be replaced. Otherwise the workload failed and the agent is fine.
 */
public class AgentException extends Exception {

    private final boolean broken;

    public AgentException(String message, boolean broken) {
        super(message);
        this.broken = broken;
    }

    public boolean broken() {
        return broken;
    }
}
