package io.isobench.suite;

import io.isobench.env.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The expanded matrix of a suite and how to order its iterations; {@code skipped} says which
 * workload and variant pairs were left out and why (a server workload where the host cannot reach
 * a server); {@code scaled} says which workloads an emulated variant runs at smaller sizes (with
 * the baseline at the same sizes). Iterations are run in rounds:
 * every round holds one iteration of each trial that still needs one, in a randomized complete
 * block design: the trials of one workload at one set of parameters (the variants compared with
 * each other, the baseline among them) form a block; the blocks run in a seeded random order and
 * inside a block the variants run back to back, also in a seeded random order. So environments
 * interleave (never all-native-then-all-VM), a run can be repeated in the same order, and the
 * iterations a ratio compares (iteration i of the variant and of the baseline) run seconds apart,
 * not minutes: a slowdown of the whole machine (another tenant, thermal drift) hits both alike and
 * cancels in the paired interval ({@link io.isobench.stats.Comparison}).
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

    /**
     * The order of one round: the given trials grouped into blocks ({@link #block}), the blocks
     * shuffled and each block's trials shuffled, all by one generator seeded with the suite's seed
     * and the round number. A block's trials are contiguous.
     */
    public List<Trial> roundOrder(List<Trial> active, int round) {
        Random random = new Random(suite.seed() * 1_000_003L + round);
        Map<List<Object>, List<Trial>> blocks = new LinkedHashMap<>();
        for (Trial t : active) {
            blocks.computeIfAbsent(block(t), k -> new ArrayList<>()).add(t);
        }
        List<List<Trial>> order = new ArrayList<>(blocks.values());
        Collections.shuffle(order, random);
        List<Trial> out = new ArrayList<>(active.size());
        for (List<Trial> b : order) {
            Collections.shuffle(b, random);
            out.addAll(b);
        }
        return out;
    }

    /**
     * The block a trial belongs to: its workload and parameters. The trials of one block measure
     * the same thing in different variants, so they are the ones a comparison pairs.
     */
    public static List<Object> block(Trial t) {
        return List.of(t.workload().name(), t.params());
    }

    /** The repetition policy of a trial: its workload entry's own, else the suite's. */
    public Repetition repetition(Trial t) {
        return t.repetition() != null ? t.repetition() : suite.repetition();
    }

    /** Iterations when every trial stops at its minimum (adaptive) or its fixed count. */
    public int plannedIterations() {
        return trials.stream().mapToInt(t -> repetition(t).warmup() + repetition(t).iterations()).sum();
    }

    /** The most iterations the plan can take (adaptive mode's cap; an emulated variant stops at its minimum). */
    public int maximumIterations() {
        return trials.stream().mapToInt(t -> repetition(t).warmup()
                + (repetition(t).adaptive() && !emulated(t.variant()) ? repetition(t).maxIterations() : repetition(t).iterations())).sum();
    }

    /** Whether any trial repeats adaptively. */
    public boolean adaptive() {
        return trials.stream().anyMatch(t -> repetition(t).adaptive());
    }

    /**
     * A rough duration: iterations times each workload's native estimate, several times that in an
     * emulated variant unless the workload runs for a set time ({@link io.isobench.workload.Workload#timeBound()};
     * start-up not included).
     */
    public Duration estimate() {
        Duration d = Duration.ZERO;
        for (Trial t : trials) {
            int per = repetition(t).warmup() + repetition(t).iterations();
            boolean slower = emulated(t.variant()) && !t.workload().timeBound();
            d = d.plus(t.workload().estimate(t.params()).multipliedBy((long) per * (slower ? EMULATION_SLOWDOWN : 1)));
        }
        return d;
    }
}
