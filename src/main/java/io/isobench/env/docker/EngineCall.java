package io.isobench.env.docker;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * One call to the engine that creates something (a container, a volume), made so that Ctrl-C
 * cannot cut it halfway. The engine's socket is an interruptible channel: interrupting the thread
 * in the call closes the connection, while the engine goes on and creates the thing anyway, which
 * then exists with nobody knowing its id. So the call runs on a thread of its own, the caller waits
 * for its answer whatever interrupts it (the quick client's deadline bounds the wait) and is
 * interrupted again after; and the removal registered for the thing waits (bounded) until the call
 * has ended, so it never looks for the thing before the engine has made it.
 */
final class EngineCall {

    private final String what;
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Set by {@link #run}, or by {@link #awaitEnd} before the call started: then it never starts. */
    private boolean started;
    private boolean closed;

    /** @param what what the call creates, e.g. "container isobench-..." */
    EngineCall(String what) {
        this.what = what;
    }

    String what() {
        return what;
    }

    /** Makes the call and returns its answer; the caller's interrupt flag is set again after, if it was interrupted meanwhile. */
    <T> T run(Callable<T> call) throws Exception {
        synchronized (this) {
            if (closed) {
                throw new InterruptedException("the run is stopping: " + what + " is not created");
            }
            started = true;
        }
        FutureTask<T> task = new FutureTask<>(() -> {
            try {
                return call.call();
            } finally {
                ended.countDown();
            }
        });
        Thread.ofPlatform().daemon().name("isobench-engine-create").start(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the answer is still wanted: it names what the cleanup removes
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception x) {
                        throw x;
                    }
                    if (e.getCause() instanceof Error x) {
                        throw x;
                    }
                    throw e;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until the call has ended, at most {@code max}; true when it has. A call not started
     * yet never starts after this. Not cut short by an interrupt either: a removal must not look
     * too early.
     */
    boolean awaitEnd(Duration max) {
        synchronized (this) {
            if (!started) {
                closed = true;
                return true;
            }
        }
        long deadline = System.nanoTime() + max.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
