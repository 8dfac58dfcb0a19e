package io.isobench.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** How a failure is told to a person: the one place that turns an exception and its causes into a line. */
public final class Errors {

    private Errors() {
    }

    /**
     * The exception's message and those of its causes, joined by ": ", each said once: a wrapper
     * made with {@code new X(cause)} (whose message is the cause's {@code toString()}) adds nothing,
     * and neither does a message already said. An exception without a message, and those whose
     * message alone would puzzle (out of memory, a null pointer, a stack overflow), are named by
     * their class.
     */
    public static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            String msg = t.getMessage();
            Throwable cause = t.getCause();
            if (msg != null && cause != null && msg.equals(cause.toString())) {
                continue;
            }
            if (msg == null && cause != null) {
                continue; // a bare wrapper: its cause says what happened
            }
            String part = msg == null || t instanceof OutOfMemoryError || t instanceof NullPointerException || t instanceof StackOverflowError
                    ? t.getClass().getSimpleName() + (msg == null ? "" : " " + msg) : msg;
            if (parts.stream().noneMatch(p -> p.contains(part))) {
                parts.add(part);
            }
        }
        return parts.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", parts);
    }
}
