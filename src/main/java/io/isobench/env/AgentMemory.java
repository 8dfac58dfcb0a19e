package io.isobench.env;

/**
 * The agent's memory budget in an environment with a memory limit (a VM's memory, a container's
 * limit): its Java heap is what is left after the environment's own headroom, the JVM's own
 * memory and the most any planned workload allocates outside the heap. The JVM's default (a
 * fixed share of memory) ignores the last: a 2 GiB guest gave the heap 1.5 GiB and STREAM's
 * 384 MiB of arrays beside it got the agent OOM-killed.
 */
public final class AgentMemory {

    private static final long MIB = 1L << 20;
    /**
     * The JVM's memory besides its heap: metaspace, code cache, GC structures, thread stacks,
     * the class-data archive and libjvm itself. Native Memory Tracking of an agent (JDK 25, 1 GiB
     * heap) after hash, compress and randomaccess counted 65 MiB committed outside the heap, plus
     * some 30 MiB of mapped libraries; this allows for more compiled code and threads.
     */
    public static final long JVM_OWN = 160 * MIB;
    /** The smallest heap an agent is started with: its own work and a workload's on-heap data need some. */
    public static final long MIN_HEAP = 128 * MIB;
    /** Today's share of memory for the heap, kept as a ceiling: the environment keeps a quarter for everything else. */
    private static final int MAX_HEAP_PERCENT = 75;

    private AgentMemory() {
    }

    /**
     * What the environment keeps for itself in {@code memory}: a guest's kernel, init and page
     * cache, a container's other processes. One eighth, at least 128 MiB.
     */
    public static long headroom(long memory) {
        return Math.max(128 * MIB, memory / 8);
    }

    /**
     * The agent's maximum heap in an environment of {@code memory} bytes whose workloads allocate
     * at most {@code offHeap} bytes outside the heap; never below {@link #MIN_HEAP}, never above
     * 75% of memory.
     */
    public static long heapBytes(long memory, long offHeap) {
        long left = memory - headroom(memory) - JVM_OWN - Math.max(0, offHeap);
        return Math.max(MIN_HEAP, Math.min(left, memory / 100 * MAX_HEAP_PERCENT)) / MIB * MIB;
    }

    /** The JVM option that gives the agent that heap. */
    public static String heapOption(long memory, long offHeap) {
        return "-Xmx" + (heapBytes(memory, offHeap) / MIB) + "m";
    }

    /**
     * Null when a workload needing {@code offHeap} bytes outside the heap fits an environment of
     * {@code memory} bytes with the smallest heap; else why not, in numbers.
     *
     * @param what what those bytes are, naming the parameters they follow, e.g. "3 arrays of size=128M"
     */
    public static String misfit(long memory, long offHeap, String what) {
        long total = offHeap + JVM_OWN + MIN_HEAP + headroom(memory);
        if (total <= memory) {
            return null;
        }
        return what + " (" + mib(offHeap) + " outside the Java heap) + the JVM's own " + mib(JVM_OWN) + " + a heap of at least "
                + mib(MIN_HEAP) + " + " + mib(headroom(memory)) + " kept for the environment itself = " + mib(total) + ", more than its "
                + mib(memory);
    }

    static String mib(long bytes) {
        return (bytes + MIB - 1) / MIB + " MiB";
    }
}
