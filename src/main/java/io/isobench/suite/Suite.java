package io.isobench.suite;

import io.isobench.client.ClientSpec;
import io.isobench.remote.SshHost;
import java.util.List;
import java.util.Map;

/**
 * A comparison to run: workloads with parameters, environments with variants, the repetition
 * policy and the baseline. Built from a YAML file, a built-in suite, or the CLI's flags.
 *
 * @param baseline an environment name or a variant label that the others are compared with
 * @param passEnv  variables of the invoking shell passed to every agent alike ({@code pass_env});
 *                 no other variable of the shell reaches an agent
 * @param client   where the load side of server workloads runs ({@code client}); auto when not given
 * @param hosts    the machines to run the suite on over SSH ({@code hosts:}), each against its own
 *                 native baseline; empty: this machine
 */
public record Suite(String name, String description, List<WorkloadEntry> workloads, List<EnvironmentEntry> environments,
                    Repetition repetition, String baseline, long seed, List<String> passEnv, ClientSpec client, List<SshHost> hosts) {

    public Suite {
        passEnv = passEnv == null ? List.of() : List.copyOf(passEnv);
        client = client == null ? ClientSpec.DEFAULT : client;
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    /** A suite for this machine. */
    public Suite(String name, String description, List<WorkloadEntry> workloads, List<EnvironmentEntry> environments,
                 Repetition repetition, String baseline, long seed, List<String> passEnv, ClientSpec client) {
        this(name, description, workloads, environments, repetition, baseline, seed, passEnv, client, List.of());
    }

    /** The same suite run on these hosts (none: this machine). */
    public Suite withHosts(List<SshHost> h) {
        return new Suite(name, description, workloads, environments, repetition, baseline, seed, passEnv, client, h);
    }

    /** A suite whose load goes wherever the host allows ({@code client: auto}). */
    public Suite(String name, String description, List<WorkloadEntry> workloads, List<EnvironmentEntry> environments,
                 Repetition repetition, String baseline, long seed, List<String> passEnv) {
        this(name, description, workloads, environments, repetition, baseline, seed, passEnv, ClientSpec.DEFAULT);
    }

    /** The same suite with its load placed elsewhere. */
    public Suite withClient(ClientSpec c) {
        return new Suite(name, description, workloads, environments, repetition, baseline, seed, passEnv, c, hosts);
    }

    /** A suite that passes no variable through. */
    public Suite(String name, String description, List<WorkloadEntry> workloads, List<EnvironmentEntry> environments,
                 Repetition repetition, String baseline, long seed) {
        this(name, description, workloads, environments, repetition, baseline, seed, List.of());
    }

    /**
     * A workload and its parameters. A value that is a list, for a parameter that takes one value,
     * makes a matrix: one trial per value (per combination, when several are lists).
     *
     * @param where      where it was declared, for messages
     * @param paramWhere where each parameter was given (file:line:column), where known
     * @param repetition this workload's own repetition policy ({@code repetition:} in its entry,
     *                   merged over the suite's), or null for the suite's: e.g. more iterations for
     *                   a cheap, noisy kernel, fewer for a costly server workload
     */
    public record WorkloadEntry(String name, Map<String, Object> params, String where, Map<String, String> paramWhere,
                                Repetition repetition) {

        public WorkloadEntry(String name, Map<String, Object> params, String where, Map<String, String> paramWhere) {
            this(name, params, where, paramWhere, null);
        }

        public WorkloadEntry(String name, Map<String, Object> params, String where) {
            this(name, params, where, Map.of());
        }

        /** The same entry with other parameters (where they were given and the repetition kept). */
        public WorkloadEntry withParams(Map<String, Object> p) {
            return new WorkloadEntry(name, p, where, paramWhere, repetition);
        }

        /** The same entry with another repetition policy (null: the suite's). */
        public WorkloadEntry withRepetition(Repetition r) {
            return new WorkloadEntry(name, params, where, paramWhere, r);
        }

        public String whereOf(String param) {
            return paramWhere == null || param == null ? where : paramWhere.getOrDefault(param, where);
        }
    }

    /**
     * An environment and the variants to run. No variants means the environment's defaults.
     *
     * @param variants     each a map of settings; a setting given as a list expands into one
     *                     variant per value
     * @param variantWhere where each variant was given, in the same order, where known
     */
    public record EnvironmentEntry(String name, List<Map<String, Object>> variants, String where, List<String> variantWhere) {

        public EnvironmentEntry(String name, List<Map<String, Object>> variants, String where) {
            this(name, variants, where, List.of());
        }

        public String whereOfVariant(int i) {
            return variantWhere != null && i < variantWhere.size() ? variantWhere.get(i) : where;
        }
    }
}
