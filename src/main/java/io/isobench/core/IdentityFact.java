package io.isobench.core;

import java.util.List;

/**
 * A fact that defines "the same software" for a workload: when it differs between the variants of
 * a trial, the comparison measures more than the isolation. The confound detector compares these
 * across variants after a run (and in {@code report} for old runs) and names every difference.
 *
 * @param path      where the fact is in a sample's metadata: {@code inside.cpu_model},
 *                  {@code workload.openblas_corename}, {@code workload.server.version}
 * @param kind      how a difference is judged
 * @param dependsOn for {@link Kind#DERIVED}: the platform facts it is chosen from
 * @param label     how a reader calls it, e.g. "OpenBLAS kernels"
 */
public record IdentityFact(String path, Kind kind, List<String> dependsOn, String label) {

    /** How a difference between variants is judged. */
    public enum Kind {
        /** The same bits must run everywhere (JVM build and flags, library and server versions): any difference is a confound. */
        SOFTWARE,
        /** What the environment presents (CPU model and features, CPU count, page size): an environment that shapes it explains a difference. */
        PLATFORM,
        /** Chosen at run time from platform facts (BLAS kernels from CPU features): explained when what it depends on differs because of the environment. */
        DERIVED
    }

    public IdentityFact {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }

    public static IdentityFact software(String path, String label) {
        return new IdentityFact(path, Kind.SOFTWARE, List.of(), label);
    }

    public static IdentityFact platform(String path, String label) {
        return new IdentityFact(path, Kind.PLATFORM, List.of(), label);
    }

    public static IdentityFact derived(String path, String label, String... dependsOn) {
        return new IdentityFact(path, Kind.DERIVED, List.of(dependsOn), label);
    }

    /** The CPU facts a kernel choice follows from. */
    public static final String CPU_MODEL = "inside.cpu_model";
    public static final String CPU_ISA = "inside.cpu_isa";
    public static final String CPUS = "inside.cpus";

    /** What every workload holds equal: the JVM, its flags, the CPUs it sees, and the influential variables it runs with. */
    public static final List<IdentityFact> EVERY_WORKLOAD = List.of(
            software("inside.jvm", "JVM"),
            software("inside.jvm_flags", "JVM flags"),
            platform(CPU_MODEL, "CPU model"),
            platform(CPU_ISA, "CPU features"),
            platform(CPUS, "CPU count"),
            // the agent's influential variables: the same everywhere unless the environment adapts one to its CPU
            derived("inside.agent_env.OPENBLAS_CORETYPE", "OPENBLAS_CORETYPE", CPU_MODEL, CPU_ISA),
            software("inside.agent_env", "influential variables"),
            software("inside.packages.libc6", "C library (libc6)"));

    /** What memory-bound kernels add: the page size and transparent huge pages change TLB reach. */
    public static final List<IdentityFact> MEMORY_PAGES = List.of(
            platform("inside.page_size", "page size"),
            platform("inside.thp", "transparent huge pages"));
}
