package io.isobench.workload;

import io.isobench.core.Params;
import io.isobench.result.WorkloadResult;

/**
 * A workload measured from the host about the environment itself, not inside it: how long an
 * instance takes to start and answer, and what it costs the host to keep instances running. The
 * runner hands it a way to start fresh instances of the trial's variant (not the shared one the
 * other workloads use); it closes every instance it starts.
 *
 * <p>It sees an instance only through {@link Instance}, an interface of its own: workloads know
 * nothing of environments (the runner adapts an environment's instance to it).
 */
public interface HostWorkload extends Workload {

    /** What a host workload may do with an instance it started. Closing it removes it. */
    interface Instance extends AutoCloseable {

        /** One round trip to the agent inside with an empty request; throws when the agent does not answer. */
        void ping() throws Exception;

        /** The host memory the instance holds now, in bytes; -1 when it cannot be measured. */
        long hostMemoryBytes();

        @Override
        void close();
    }

    /** Starts a fresh instance of the trial's variant, its agent answering; closing it removes it. */
    @FunctionalInterface
    interface Starter {
        Instance start() throws Exception;
    }

    /** One measured iteration on the host. */
    WorkloadResult runOnHost(Params params, Starter starter, HostContext ctx) throws Exception;

    @Override
    default WorkloadResult runInside(Params params, InsideContext ctx) {
        throw new UnsupportedOperationException(name() + " is measured from the host");
    }
}
