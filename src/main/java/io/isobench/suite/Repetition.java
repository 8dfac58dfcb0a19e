package io.isobench.suite;

import io.isobench.BadInputException;
import java.time.Duration;

/**
 * How often each trial runs: {@code warmup} iterations that are run and recorded but never enter
 * statistics, then {@code iterations} measured ones. In adaptive mode {@code iterations} is the
 * minimum, and a trial keeps going until its intervals are tight, or {@code maxIterations} is
 * reached: a variant compared with the baseline until every ratio's 95% CI (paired by round, as the
 * report computes it) is within {@code target}; a trial with nothing to be compared with (the
 * baseline alone) until every metric's own CI is within {@code target} of its mean.
 *
 * @param target relative half-width, e.g. 0.02 for 2%; 0 turns adaptive mode off
 * @param budget the run's wall time that adaptive extensions may use up (from the run's start):
 *               once the next round of extensions would end past it, those with the widest
 *               intervals go on as far as it allows and the others stop where they are (said on
 *               the console and in run.json); {@link Duration#ZERO} for none. The minimum
 *               iterations always run.
 */
public record Repetition(int warmup, int iterations, double target, int maxIterations, Duration budget) {

    public static Repetition fixed(int warmup, int iterations) {
        return new Repetition(warmup, iterations, 0, iterations);
    }

    /** Without a time budget. */
    public Repetition(int warmup, int iterations, double target, int maxIterations) {
        this(warmup, iterations, target, maxIterations, Duration.ZERO);
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
        if (maxIterations != 0 && maxIterations < iterations) {
            throw new BadInputException("the most iterations (max " + maxIterations + ") is below the minimum (iterations " + iterations
                    + "): raise max or lower iterations");
        }
        if (maxIterations < iterations) {
            maxIterations = target > 0 ? Math.max(iterations, 30) : iterations;
        }
        budget = budget == null ? Duration.ZERO : budget;
        if (budget.isNegative()) {
            throw new BadInputException("the time budget must be positive (e.g. 9m), not " + budget);
        }
    }

    public boolean adaptive() {
        return target > 0;
    }

    public boolean hasBudget() {
        return !budget.isZero();
    }

    /** This policy with the given fields replaced (null: keep); the budget stays. */
    public Repetition with(Integer newWarmup, Integer newIterations, Double newTarget, Integer newMax) {
        double t = newTarget != null ? newTarget : target;
        int it = newIterations != null ? newIterations : iterations;
        // a maximum that only existed as adaptive mode's default follows the new minimum
        int max = newMax != null ? newMax : (t > 0 ? Math.max(maxIterations, it) : 0);
        return new Repetition(newWarmup != null ? newWarmup : warmup, it, t, max, budget);
    }
}
