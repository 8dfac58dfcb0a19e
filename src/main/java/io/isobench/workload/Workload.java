package io.isobench.workload;

import io.isobench.core.ParamSpec;
import io.isobench.core.Params;
import io.isobench.core.IdentityFact;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import java.time.Duration;
import java.util.List;

/**
 * A measured kernel. It does not know where it runs: the agent calls {@link #runInside} inside
 * whichever environment is under test. Workloads with a server side implement
 * {@link ServerWorkload} instead: the server runs inside, the load comes from the host.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/io.isobench.workload.Workload}) and must have a public no-argument
 * constructor. They are stateless between calls: each call gets its parameters.
 */
public interface Workload {

    /** The name users type: lower case, e.g. {@code stream}, {@code tcp_rr}. */
    String name();

    /** One line for {@code isobench list workloads}. */
    String description();

    /** Every parameter it accepts, with defaults. */
    List<ParamSpec> params();

    /**
     * Checks relations between parameters that single ranges cannot express (e.g. an array size
     * that does not fit in memory). Throws {@link io.isobench.BadInputException} naming the fix.
     */
    default void validate(Params params, HostFacts host) {
    }

    /**
     * A generous upper bound on one iteration's duration, used for the agent's deadline (a hung
     * workload fails its trial instead of the run) and for plan estimates.
     */
    default Duration deadline(Params params) {
        return Duration.ofMinutes(10);
    }

    /**
     * Whether one iteration runs for a set time (its {@code duration} parameter) however fast the
     * environment is: network and block I/O workloads. An emulated environment takes no longer for
     * it, so the plan's estimate does not multiply it, and {@link #scaledForEmulation} keeps its
     * parameters.
     */
    default boolean timeBound() {
        return false;
    }

    /** Typical duration of one iteration natively, for {@code --dry-run} estimates. */
    default Duration estimate(Params params) {
        return Duration.ofSeconds(5);
    }

    /**
     * The parameters to run in an emulated environment (a VM under TCG, where code runs 5 to 50
     * times slower than natively): the same work at a size the emulator gets through in about the
     * time a native iteration takes. The planner runs the baseline at these parameters too, so the
     * emulated variant is still compared like for like, and says what it scaled. Workloads whose
     * iterations are bounded by time (network, block I/O) keep their parameters.
     */
    default Params scaledForEmulation(Params params) {
        return params;
    }

    /**
     * The memory one iteration needs inside the environment outside the agent's Java heap, for
     * these parameters: direct and native allocations (STREAM's arrays, liblzma's encoders, I/O
     * buffers) and server processes it starts there. The agent's heap is sized so that it, this
     * and the JVM's own memory fit the environment's memory, and the planner refuses a trial that
     * cannot fit (see {@link io.isobench.env.AgentMemory}). An upper bound, not a measurement.
     *
     * @param memory the environment's memory in bytes (a VM's, a container's limit), or -1 when
     *               it has no limit of its own: for workloads that size something by it
     */
    default OffHeap offHeap(Params params, long memory) {
        return OffHeap.NONE;
    }

    /**
     * Memory outside the agent's heap.
     *
     * @param bytes how much
     * @param what  what it is, naming the parameters it follows, e.g. "3 arrays of size=128M"
     */
    record OffHeap(long bytes, String what) {
        public static final OffHeap NONE = new OffHeap(0, "nothing");
    }

    /** Runs one measured iteration inside the environment. Called by the agent. */
    WorkloadResult runInside(Params params, InsideContext ctx) throws Exception;

    /** What its figures mostly measure: decides the findings column and what is plausible. */
    WorkloadFamily family();

    /**
     * The facts that define "the same software" for this workload beyond what every workload
     * holds equal ({@link IdentityFact#EVERY_WORKLOAD}): its library, encoder or server version,
     * the kernels a library chose. Compared across variants after a run.
     */
    default List<IdentityFact> identityFacts() {
        return List.of();
    }
}
