package io.isobench.env;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentMemoryTest {

    private static final long MIB = 1L << 20;

    @Test
    void theHeapLeavesRoomForWhatTheWorkloadsAllocateOutsideItAndForTheEnvironment() {
        long guest = 2048 * MIB;
        long streamArrays = 384 * MIB;
        long heap = AgentMemory.heapBytes(guest, streamArrays);
        // heap + off-heap + the JVM's own + the guest's headroom fit the guest
        assertThat(heap + streamArrays + AgentMemory.JVM_OWN + AgentMemory.headroom(guest)).isLessThanOrEqualTo(guest);
        // less heap than the JVM's default share (75%), which got the agent OOM-killed beside STREAM's arrays
        assertThat(heap).isLessThan(guest * 3 / 4);
        // more off-heap, less heap; none, at most the old share
        assertThat(AgentMemory.heapBytes(guest, 2 * streamArrays)).isLessThan(heap);
        assertThat(AgentMemory.heapBytes(guest, 0)).isLessThanOrEqualTo(guest * 3 / 4).isGreaterThan(heap);
        assertThat(AgentMemory.heapOption(guest, streamArrays)).isEqualTo("-Xmx" + heap / MIB + "m");
    }

    @Test
    void aWorkloadThatCannotFitIsSaidInNumbers() {
        assertThat(AgentMemory.misfit(2048 * MIB, 384 * MIB, "3 arrays of size=128M")).isNull();
        assertThat(AgentMemory.misfit(1024 * MIB, 768 * MIB, "3 arrays of size=256M"))
                .contains("3 arrays of size=256M").contains("768 MiB outside the Java heap").contains("more than its 1024 MiB");
    }
}
