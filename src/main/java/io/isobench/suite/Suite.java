package io.isobench.suite;

import java.util.List;
import java.util.Map;

/**
 * A comparison to run: workloads with parameters, environments with variants, the repetition
 * policy and the baseline. Built from a YAML file, a built-in suite, or the CLI's flags.
 *
 * @param baseline an environment name or a variant label that the others are compared with
 */
public record Suite(String name, String description, List<WorkloadEntry> workloads, List<EnvironmentEntry> environments,
                    Repetition repetition, String baseline, long seed) {

    /**
     * A workload and its parameters. A value that is a list, for a parameter that takes one value,
     * makes a matrix: one trial per value (per combination, when several are lists).
     *
     * @param where where it was declared, for messages
     */
    public record WorkloadEntry(String name, Map<String, Object> params, String where) {
    }

    /**
     * An environment and the variants to run. No variants means the environment's defaults.
     *
     * @param variants each a map of settings; a setting given as a list expands into one variant
     *                 per value
     */
    public record EnvironmentEntry(String name, List<Map<String, Object>> variants, String where) {
    }
}
