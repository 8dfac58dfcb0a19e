package io.isobench.run;

import io.isobench.BadInputException;
import io.isobench.core.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How often a start is tried, and which failures earn another try: the one retry policy of a
 * run, applied by {@link InstancePool} (environments start once and fail with their reason). A
 * guest that crashed or hung while booting (seen now and then under TCG) should not cost every
 * trial of its variant; bad input fails at once, since a retry would only repeat it, and so does
 * any failure once the run is stopping.
 *
 * @param attempts how many starts in all, at least 1
 */
record RetryPolicy(int attempts) {

    /** The runner's: a start that fails is tried once more. */
    static final RetryPolicy START_ONCE_MORE = new RetryPolicy(2);

    RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
    }

    /** One try of what the policy retries. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws Exception;
    }

    /**
     * What came of it: the value, and the first line of the first failure when it took more than
     * one try (null when the first try worked).
     */
    record Outcome<T>(T value, String retriedAfter) {
    }

    /** Whether {@code e} earns another try at all: not bad input, which no retry mends. */
    boolean retryable(Exception e) {
        return !(e instanceof BadInputException);
    }

    /**
     * Runs {@code attempt} until it works or the tries are used up.
     *
     * @param stopping true once the run stops (Ctrl-C): no new try starts then
     * @param retrying told each failure that is tried again, before the next try
     * @throws Exception the last failure, with the earlier ones suppressed in it
     */
    <T> Outcome<T> run(Attempt<T> attempt, BooleanSupplier stopping, Consumer<Exception> retrying) throws Exception {
        List<Exception> failures = new ArrayList<>();
        for (int n = 1; ; n++) {
            try {
                T value = attempt.run();
                return new Outcome<>(value, failures.isEmpty() ? null : firstLine(failures.get(0)));
            } catch (Exception e) {
                if (!retryable(e) || stopping.getAsBoolean() || n >= attempts) {
                    failures.forEach(e::addSuppressed);
                    throw e;
                }
                failures.add(e);
                retrying.accept(e);
            }
        }
    }

    static String firstLine(Throwable e) {
        return Errors.describe(e).lines().findFirst().orElse("");
    }
}
