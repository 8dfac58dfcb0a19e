package io.isobench.suite;

import io.isobench.env.Variant;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;

/**
 * The expanded matrix of a suite and how to order its iterations; {@code skipped} says which
 * workload and variant pairs were left out and why (a server workload where the host cannot reach
 * a server); {@code scaled} says which workloads an emulated variant runs at smaller sizes (with
 * the baseline at the same sizes). Iterations are run in rounds:
 * every round holds one iteration of each trial that still needs one, shuffled with a seeded
 * random order, so environments interleave (never all-native-then-all-VM) and a run can be
 * repeated in the same order.
 */
public record Plan(Suite suite, List<Trial> trials, Variant baseline, List<String> skipped, List<String> scaled,
                   java.util.Set<String> emulatedVariants) {

    /** How many times slower than natively an emulated variant runs an iteration at its emulation size, roughly, for estimates. */
    static final int EMULATION_SLOWDOWN = 8;

    public Plan(Suite suite, List<Trial> trials, Variant baseline) {
        this(suite, trials, baseline, List.of(), List.of(), java.util.Set.of());
    }

    /** This plan with another suite (e.g. the client place resolved), the same trials. */
    public Plan withSuite(Suite other) {
        return new Plan(other, trials, baseline, skipped, scaled, emulatedVariants);
    }

    /** Whether the planner expects this variant to run under emulation (a VM under TCG). */
    public boolean emulated(Variant v) {
        return emulatedVariants.contains(v.label());
    }

    /** The variants in the order they first appear. */
    public List<Variant> variants() {
        return List.copyOf(new LinkedHashSet<>(trials.stream().map(Trial::variant).toList()));
    }

    /** The order of one round: the given trials shuffled by the suite's seed and the round number. */
    public List<Trial> roundOrder(List<Trial> active, int round) {
        List<Trial> order = new java.util.ArrayList<>(active);
        java.util.Collections.shuffle(order, new Random(suite.seed() * 1_000_003L + round));
        return order;
    }

    /** Iterations when every trial stops at its minimum (adaptive) or its fixed count. */
    public int plannedIterations() {
        return trials.size() * (suite.repetition().warmup() + suite.repetition().iterations());
    }

    /** The most iterations the plan can take (adaptive mode's cap). */
    public int maximumIterations() {
        return trials.size() * (suite.repetition().warmup() + suite.repetition().maxIterations());
    }

    /**
     * A rough duration: iterations times each workload's native estimate, several times that in an
     * emulated variant unless the workload runs for a set time ({@link io.isobench.workload.Workload#timeBound()};
     * start-up not included).
     */
    public Duration estimate() {
        Duration d = Duration.ZERO;
        int per = suite.repetition().warmup() + suite.repetition().iterations();
        for (Trial t : trials) {
            boolean slower = emulated(t.variant()) && !t.workload().timeBound();
            d = d.plus(t.workload().estimate(t.params()).multipliedBy((long) per * (slower ? EMULATION_SLOWDOWN : 1)));
        }
        return d;
    }
}
