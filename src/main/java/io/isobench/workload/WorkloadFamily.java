package io.isobench.workload;

/**
 * What a workload's figures mostly measure: the column a finding goes under, and what a result
 * can plausibly be. Isolation costs a CPU- or memory-bound kernel nothing or a little; it cannot
 * make one much faster, so such a result is questioned (see {@code confound.Plausibility}).
 */
public enum WorkloadFamily {
    COMPUTE("compute"),
    MEMORY("memory"),
    NETWORK_BULK("network bulk"),
    REQUEST_RESPONSE("request/response"),
    BLOCK_IO("block I/O"),
    KEY_VALUE("key-value"),
    DATABASE("database"),
    STARTUP("start-up"),
    SYSCALL("system calls"),
    SECURITY("isolation");

    private final String title;

    WorkloadFamily(String title) {
        this.title = title;
    }

    /** The name a reader sees, e.g. "request/response". */
    public String title() {
        return title;
    }

    /** True where the isolation layer has nothing to add to the work: the CPU and memory kernels. */
    public boolean boundByCpuOrMemory() {
        return this == COMPUTE || this == MEMORY;
    }
}
