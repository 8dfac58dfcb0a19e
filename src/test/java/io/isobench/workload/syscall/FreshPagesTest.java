package io.isobench.workload.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** libc's mmap, madvise and munmap, bound through core.Foreign. */
class FreshPagesTest {

    @Test
    void mapsAFreshRegionThatHoldsWhatIsWrittenAndUnmapsIt() {
        FreshPages pages = FreshPages.open().orElseThrow(() -> new AssertionError(FreshPages.whyNot()));
        long length = 4L << 20;
        try (FreshPages.Region r = pages.map(length)) {
            assertThat(r.buffer.capacity()).isEqualTo(length);
            assertThat(r.buffer.get(12345)).as("fresh anonymous memory is zero").isZero();
            r.buffer.put(12345, (byte) 7);
            assertThat(r.buffer.get(12345)).isEqualTo((byte) 7);
        }
    }
}
