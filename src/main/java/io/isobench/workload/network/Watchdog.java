package io.isobench.workload.network;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Bounds a load phase in time: if it is not {@link #close() closed} within its limit, every
 * registered socket is closed, which ends any blocked read or write with an exception. A server
 * side that stops answering then fails the trial with a clear message instead of hanging the
 * run (the agent's deadline covers only calls into the environment, not the load side).
 */
final class Watchdog implements AutoCloseable {

    private final List<AutoCloseable> guarded = new CopyOnWriteArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final long limitMillis;
    private volatile boolean fired;

    Watchdog(String name, long limitMillis) {
        this.limitMillis = limitMillis;
        Thread.ofPlatform().daemon().name("watchdog-" + name).start(() -> {
            try {
                if (!done.await(limitMillis, TimeUnit.MILLISECONDS)) {
                    fired = true;
                    guarded.forEach(Net::closeQuietly);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    <T extends AutoCloseable> T guard(T c) {
        guarded.add(c);
        if (fired) {
            Net.closeQuietly(c);
        }
        return c;
    }

    /** True when the limit passed and the sockets were closed. */
    boolean fired() {
        return fired;
    }

    long limitMillis() {
        return limitMillis;
    }

    @Override
    public void close() {
        done.countDown();
    }
}
