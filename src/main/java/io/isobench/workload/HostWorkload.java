package io.isobench.workload;

import io.isobench.env.EnvironmentInstance;
import io.isobench.result.WorkloadResult;

/**
 * A workload measured from the host about the environment itself, not inside it: how long an
 * instance takes to start and answer, and what it costs the host to keep instances running. The
 * runner hands it a way to start fresh instances of the trial's variant (not the shared one the
 * other workloads use); it closes every instance it starts.
 */
public interface HostWorkload extends Workload {

    /** Starts a fresh instance of the trial's variant, its agent answering; closing it removes it. */
    @FunctionalInterface
    interface Starter {
        EnvironmentInstance start() throws Exception;
    }

    /** One measured iteration on the host. */
    WorkloadResult runOnHost(Params params, Starter starter, HostContext ctx) throws Exception;

    @Override
    default WorkloadResult runInside(Params params, InsideContext ctx) {
        throw new UnsupportedOperationException(name() + " is measured from the host");
    }
}
