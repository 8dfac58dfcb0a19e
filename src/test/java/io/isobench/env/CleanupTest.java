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

    /**
     * Ctrl-C interrupts the thread that was starting what a removal removes: the removal must
     * still block as it needs to (here on a sleep, as on the engine's socket or on {@code ip}),
     * and the thread is interrupted again after.
     */
    @Test
    void aRemovalOnAnInterruptedThreadIsNotCutShort() {
        Cleanup cleanup = new Cleanup(false);
        AtomicBoolean removed = new AtomicBoolean();
        Cleanup.Handle h = cleanup.register("blocking removal", () -> {
            Thread.sleep(1);
            removed.set(true);
        });
        Thread.currentThread().interrupt();
        h.close();
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        assertThat(removed).isTrue();
    }

    /** What one call makes is removed by the handle registered with it, also when the removal begins while the call runs. */
    @Test
    void whatACreatorMadeIsRemovedEvenWhenTheRemovalBeginsDuringTheCall() throws Exception {
        Cleanup cleanup = new Cleanup(false);
        java.util.List<String> removed = new java.util.ArrayList<>();
        Cleanup.Created<String> made = cleanup.create("thing", () -> "thing-1", removed::add);
        assertThat(made.value()).isEqualTo("thing-1");
        assertThat(cleanup.pending()).isEqualTo(1);
        cleanup.runAll();
        assertThat(removed).containsExactly("thing-1");

        // a removal that begins while the call runs waits for it and removes what it made
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Cleanup.Created<String>> slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return cleanup.create("slow thing", () -> {
                    inCall.countDown();
                    finish.await();
                    return "thing-2";
                }, removed::add);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();
        Thread hook = Thread.ofPlatform().start(cleanup::runAll);
        finish.countDown();
        hook.join(10_000);
        assertThat(slow.get(10, TimeUnit.SECONDS).value()).isEqualTo("thing-2");
        assertThat(removed).containsExactly("thing-1", "thing-2");
    }
}
