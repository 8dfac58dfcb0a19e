package io.isobench.env;

import io.isobench.agent.AgentClient;
import io.isobench.core.Endpoint;
import io.isobench.core.Transport;
import java.util.List;
import java.util.Map;

/**
 * A running instance of an environment variant, with its agent. Closing it removes everything it
 * created (process, container, VM, tap device, temporary files).
 */
public interface EnvironmentInstance extends AutoCloseable {

    Variant variant();

    /** The agent inside, ready for requests. */
    AgentClient agent();

    /** The facts the agent read from inside at start (kernel, cgroup, namespaces, CPUs, memory). */
    Map<String, Object> insideFacts();

    /**
     * Facts the environment knows from outside: container id and configuration, the QEMU
     * command line, the accelerator. Recorded in run.json and in every sample.
     */
    Map<String, Object> facts();

    /** True when the instance runs under emulation (a TCG VM): every output must say so. */
    default boolean emulated() {
        return false;
    }

    /** The inside ports servers may bind to (at least two), each reachable from the host. */
    List<Integer> serverPorts();

    /** Where the host reaches a server bound to {@code insidePort} inside. */
    Endpoint endpoint(int insidePort, Transport transport);

    /**
     * Quiets the instance while other environments are measured (a frozen container, a stopped
     * VM), so an idle instance does not steal cycles from the one under test.
     */
    default void pause() throws Exception {
    }

    /** Undoes {@link #pause()}. */
    default void resume() throws Exception {
    }

    /**
     * The host memory this instance holds now, in bytes: the agent's resident set natively, the
     * container's cgroup usage, QEMU's resident set; -1 when it cannot be measured.
     */
    default long hostMemoryBytes() {
        return -1;
    }

    /** Whether the instance (its process, container or VM) is still running. */
    boolean alive();

    @Override
    void close();
}
