package io.isobench.env;

import io.isobench.host.HostFacts;
import io.isobench.core.ParamSpec;
import java.util.List;
import java.util.Map;

/**
 * A place to run workloads: native, docker, vm. It starts an {@link EnvironmentInstance} of a
 * variant, through which the runner talks to the agent inside, and tears it down. It never knows
 * what a workload does.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/io.isobench.env.Environment}).
 */
public interface Environment {

    /** The name users type: {@code native}, {@code docker}, {@code vm}. */
    String name();

    /** One line for {@code isobench list environments}. */
    String description();

    /** The settings a variant may give (network, storage, accel...), each with its choices and default. */
    List<ParamSpec> settings();

    /**
     * The variants {@code --env NAME} means when no variant is given: the configurations a
     * performance engineer would compare first (for docker, its network paths).
     */
    List<Map<String, String>> defaultVariants();

    /**
     * Whether this host can run it, found by a bounded check (an engine that answers, an
     * accelerator that boots), with the command that fixes what is missing.
     */
    Availability probe(HostFacts host);

    /**
     * Checks that a variant can run at all (e.g. gVisor needs networking off here), before
     * anything starts. Throws {@link io.isobench.BadInputException} naming the fix.
     */
    default void validate(Variant variant) {
    }

    /**
     * Why the host cannot reach a server inside this variant (e.g. Docker with network=none), or
     * null when it can. The planner leaves workloads with a server side out of such variants, and
     * says so, instead of planning trials that can only fail.
     */
    default String unreachableReason(Variant variant) {
        return null;
    }

    /**
     * Why this host cannot run this variant at all although it is well formed (e.g. gVisor's own
     * network stack, which runsc refuses on some hosts), in the words of what refused it, or null
     * when it can (or when that cannot be told). The planner leaves such variants out and says
     * why, so the rest of a suite runs; {@link #validate} is for input that can run nowhere.
     */
    default String unavailableReason(Variant variant) {
        return null;
    }

    /**
     * Whether an instance of this variant will run under emulation (a VM under TCG where KVM does
     * not work), known before it starts: the planner gives such variants the workloads' emulation
     * sizes ({@link io.isobench.workload.Workload#scaledForEmulation}). The instance itself says
     * for certain ({@link EnvironmentInstance#emulated()}).
     */
    default boolean emulated(Variant variant) {
        return false;
    }

    /**
     * The memory an instance of this variant has, in bytes (a VM's memory, a container's limit),
     * or -1 when it shares the host's without a limit. The agent's heap and the planner's check
     * that each workload fits follow from it ({@link AgentMemory}).
     */
    default long memoryBytes(Variant variant) {
        return -1;
    }

    /**
     * Starts an instance of {@code variant} with its agent answering. Whatever it creates is
     * registered with {@link StartContext#cleanup()} before it exists, so a crash or Ctrl-C
     * cannot leak it.
     */
    EnvironmentInstance start(Variant variant, StartContext ctx) throws Exception;

    /**
     * The platform facts (as seen inside: {@code inside.cpu_model}, {@code inside.cpus}, ...) a
     * variant with these settings presents differently from the host on purpose, each with why:
     * a VM its own CPU model, a CPU limit a smaller CPU count. A difference in one of them between
     * this variant and the baseline is the environment's own effect, not a confound.
     */
    default Map<String, String> shapedFacts(Map<String, String> settings) {
        return Map.of();
    }

    /**
     * What runs of isobench left of this environment on this host (containers, folders, VM
     * processes, devices), each with the run id it belongs to; {@code doctor} lists them and
     * {@code doctor --clean} removes those of runs that are not running.
     */
    default List<Leftover> leftovers() {
        return List.of();
    }
}
