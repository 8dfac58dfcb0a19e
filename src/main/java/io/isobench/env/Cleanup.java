package io.isobench.env;

import io.isobench.core.Console;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything a run creates (processes, containers, VMs, tap devices, temporary files) is
 * registered here before it exists and removed in reverse order at the end: on success, on
 * failure, and on Ctrl-C through a shutdown hook.
 */
public final class Cleanup implements AutoCloseable {

    /** One thing to remove. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private record Entry(String what, Action action) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    /**
     * Actions taken off the list and still running, on whichever thread: on Ctrl-C the shutdown
     * hook's {@link #runAll()} waits for them, or the JVM would exit halfway through an action
     * the main thread was running (a namespace's firewall rules removed, its veth left behind).
     */
    private int inFlight;
    /** How long {@link #runAll()} waits for actions other threads are running. */
    private static final long IN_FLIGHT_WAIT_MILLIS = 60_000;
    private final Thread hook;

    /** A registry whose own shutdown hook removes everything on Ctrl-C. */
    public Cleanup() {
        this(true);
    }

    /**
     * @param installHook false when the owner runs {@link #runAll()} from a shutdown hook of its
     *                    own (to order it with other shutdown work)
     */
    public Cleanup(boolean installHook) {
        this.hook = installHook ? new Thread(this::runAll, "isobench-cleanup") : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Registers an action; returns a handle that runs it early (and only once) and unregisters it. */
    public synchronized Handle register(String what, Action action) {
        Entry e = new Entry(what, action);
        entries.push(e);
        return new Handle(e);
    }

    /** Makes something (a process) in one call. */
    @FunctionalInterface
    public interface Creator<T> {
        T create() throws Exception;
    }

    /** Removes what a {@link Creator} made. */
    @FunctionalInterface
    public interface Remover<T> {
        void remove(T made) throws Exception;
    }

    /** What {@link #create} made, and the handle that removes it. */
    public record Created<T>(T value, Handle handle) {
    }

    /**
     * Makes something with one call and registers its removal with no moment between the two, for
     * things known only once made (a process: its pid). The removal is registered first; the call
     * and the removal's look at what was made share a lock, so a removal that begins (the shutdown
     * hook on SIGTERM, on another thread) while the call runs waits for it and removes what it made,
     * and a call not begun when the removal began is refused.
     */
    public <T> Created<T> create(String what, Creator<T> creator, Remover<T> remover) throws Exception {
        Object gate = new Object();
        java.util.concurrent.atomic.AtomicReference<T> made = new java.util.concurrent.atomic.AtomicReference<>();
        boolean[] removing = {false};
        Handle h = register(what, () -> {
            T t;
            synchronized (gate) {
                removing[0] = true;
                t = made.get();
            }
            if (t != null) {
                remover.remove(t);
            }
        });
        synchronized (gate) {
            if (removing[0]) {
                throw new InterruptedException("the run is stopping: " + what + " is not made");
            }
            try {
                made.set(creator.create());
            } catch (Exception | Error e) {
                h.close(); // nothing was made: the entry only leaves the list
                throw e;
            }
        }
        return new Created<>(made.get(), h);
    }

    /** Runs one registered action now, if it has not run yet. */
    public final class Handle implements AutoCloseable {
        private final Entry entry;

        private Handle(Entry entry) {
            this.entry = entry;
        }

        @Override
        public void close() {
            boolean mine;
            synchronized (Cleanup.this) {
                mine = entries.remove(entry);
                if (mine) {
                    inFlight++;
                }
            }
            if (mine) {
                try {
                    runOne(entry);
                } finally {
                    synchronized (Cleanup.this) {
                        inFlight--;
                        Cleanup.this.notifyAll();
                    }
                }
            }
        }
    }

    /** Runs every action not yet run, newest first. Safe to call more than once. */
    public void runAll() {
        while (true) {
            Entry e;
            synchronized (this) {
                e = entries.poll();
            }
            if (e == null) {
                break;
            }
            runOne(e);
        }
        awaitInFlight();
    }

    /** Waits (bounded) until actions that other threads took off the list have finished. */
    private synchronized void awaitInFlight() {
        long deadline = System.nanoTime() + IN_FLIGHT_WAIT_MILLIS * 1_000_000;
        while (inFlight > 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            try {
                wait(left);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Runs one action with the thread's interrupt flag cleared, and sets it again after: Ctrl-C
     * interrupts the thread that was starting what the action removes, and a removal that blocks
     * (a call to the engine, waiting for {@code ip}) would otherwise fail at once and leave the
     * thing behind.
     */
    private static void runOne(Entry e) {
        boolean interrupted = Thread.interrupted();
        try {
            e.action().run();
        } catch (Exception ex) {
            if (ex instanceof InterruptedException) {
                interrupted = true;
            }
            Console.say("isobench: could not remove " + e.what() + ": " + ex.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public synchronized int pending() {
        return entries.size();
    }

    /** What is still to be removed, newest first: for a second Ctrl-C, which says what is left. */
    public synchronized java.util.List<String> pendingDescriptions() {
        return entries.stream().map(Entry::what).toList();
    }

    @Override
    public void close() {
        runAll();
        try {
            if (hook != null) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook is running us
        }
    }
}
