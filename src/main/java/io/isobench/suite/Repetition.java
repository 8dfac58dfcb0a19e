package io.isobench.suite;

import io.isobench.BadInputException;

/**
 * How often each trial runs: {@code warmup} iterations that are run and recorded but never enter
 * statistics, then {@code iterations} measured ones. In adaptive mode {@code iterations} is the
 * minimum, and a trial keeps going until every metric's 95% CI half-width is within
 * {@code target} of its mean, or {@code maxIterations} is reached.
 *
 * @param target relative half-width, e.g. 0.02 for 2%; 0 turns adaptive mode off
 */
public record Repetition(int warmup, int iterations, double target, int maxIterations) {

    public static Repetition fixed(int warmup, int iterations) {
        return new Repetition(warmup, iterations, 0, iterations);
    }

    public Repetition {
        if (warmup < 0) {
            throw new BadInputException("warm-up iterations must be 0 or more, not " + warmup);
        }
        if (iterations < 1) {
            throw new BadInputException("iterations must be at least 1, not " + iterations);
        }
        if (target < 0 || target >= 1) {
            throw new BadInputException("the adaptive target is a relative CI half-width between 0 and 1 (e.g. 0.02 for 2%), not " + target);
        }
        if (target > 0 && iterations < 2) {
            throw new BadInputException("adaptive mode needs at least 2 iterations before it can judge a confidence interval; set --iterations 2 or more");
        }
        if (maxIterations < iterations) {
            maxIterations = target > 0 ? Math.max(iterations, 30) : iterations;
        }
    }

    public boolean adaptive() {
        return target > 0;
    }
}
