package io.isobench.core;

import java.util.function.Consumer;

/**
 * The one sink for lines meant for the person running isobench (a warning, a retry, a cleanup
 * that failed), from whichever layer notices them. Standard error by default; while a run shows
 * its progress line, the progress display takes them ({@link #route}), so they land above the
 * line instead of being overdrawn by it.
 */
public final class Console {

    private static final Consumer<String> STDERR = line -> {
        System.err.println(line);
        System.err.flush();
    };
    private static volatile Consumer<String> sink = STDERR;

    private Console() {
    }

    /** Says one line to the person running isobench. */
    public static void say(String line) {
        sink.accept(line);
    }

    /**
     * Sends every line to {@code to} until the returned handle is closed, which restores the sink
     * that was there before.
     */
    public static Route route(Consumer<String> to) {
        Consumer<String> before = sink;
        sink = to;
        return () -> sink = before;
    }

    /** Undoes a {@link #route}. */
    @FunctionalInterface
    public interface Route extends AutoCloseable {
        @Override
        void close();
    }
}
