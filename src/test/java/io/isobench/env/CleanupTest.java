package io.isobench.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CleanupTest {

    /**
     * On Ctrl-C the shutdown hook's runAll must not return while another thread is halfway through
     * a removal it took off the list: the JVM exits when the hook returns.
     */
    @Test
    void runAllWaitsForARemovalAnotherThreadIsRunning() throws Exception {
        Cleanup cleanup = new Cleanup(false);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean removed = new AtomicBoolean();
        Cleanup.Handle h = cleanup.register("slow removal", () -> {
            entered.countDown();
            go.await();
            removed.set(true);
        });
        Thread owner = Thread.ofPlatform().start(h::close);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean removedWhenRunAllReturned = new AtomicBoolean();
        Thread hook = Thread.ofPlatform().start(() -> {
            cleanup.runAll();
            removedWhenRunAllReturned.set(removed.get());
        });
        Thread.sleep(200); // a runAll that does not wait has returned by now
        go.countDown();
        hook.join(10_000);
        owner.join(10_000);
        assertThat(removedWhenRunAllReturned).isTrue();
        assertThat(cleanup.pending()).isZero();
    }

    @Test
    void aHandleRunsItsRemovalOnceWhoeverGetsThereFirst() {
        Cleanup cleanup = new Cleanup(false);
        int[] runs = new int[1];
        Cleanup.Handle h = cleanup.register("once", () -> runs[0]++);
        h.close();
        cleanup.runAll();
        h.close();
        assertThat(runs[0]).isEqualTo(1);
    }
}
