package io.isobench.run;

import io.isobench.result.TrialStatus;
import io.isobench.stats.Summarizer;
import io.isobench.suite.Plan;
import io.isobench.suite.Repetition;
import io.isobench.suite.Trial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What runs next: rounds in which every trial that needs more runs one iteration, in the plan's
 * seeded order for that round (blocks of one workload and parameters, their variants back to back:
 * {@link Plan#roundOrder}); warm-ups first, then measured iterations up to the planned count, and
 * in adaptive mode more until the trial's intervals are tight: for a variant compared with the
 * baseline, the intervals of its ratios to the baseline (what the report shows); for a trial with
 * nothing to be compared with, its own. The baseline's trial of a block goes on as long as another
 * variant of its block does, so every iteration of a variant has the baseline's iteration of the
 * same round to be paired with. Each trial follows its own repetition policy
 * ({@link Plan#repetition}).
 *
 * <p>With a time budget, extensions past the minimum are granted round by round, and only as far
 * as the budget can pay for them, estimated from each trial's own iterations so far. Each round the
 * budget first reserves, for every trial whose interval can still reach its target within its
 * maximum, the seconds it is projected to need for that (from its spread so far: a half-width
 * shrinks as {@code t(n-1)/sqrt(n)}), cheapest first, as far as the reservations fit: those are
 * the figures the budget can turn from inconclusive into conclusive. What the reservations leave
 * pays for one more iteration of the others (a target out of reach, or not affordable), widest
 * interval relative to its target first. The rest stop where they are, with their baseline
 * partners. Spending the budget widest-first from the start instead let figures that could never
 * reach their target (a latency tail from five iterations) use what the compute kernels needed to
 * reach theirs. Knows nothing of environments.
 */
final class Schedule {

    /** The fewest measured iterations a trial stops on in adaptive mode because its intervals are tight (below: never). */
    static final int MIN_TO_STOP = 5;

    private final Plan plan;
    private final LongSupplier nanoClock;
    private final long startNanos;
    /** Trials the budget stopped, in the order it stopped them (for the console and run.json). */
    private final Set<String> stoppedByBudget = new LinkedHashSet<>();

    Schedule(Plan plan) {
        this(plan, System::nanoTime);
    }

    /** @param nanoClock the clock the budget is measured with (from this schedule's creation) */
    Schedule(Plan plan, LongSupplier nanoClock) {
        this.plan = plan;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** The trials of round {@code round} in the order they run: those that need more; empty when the run is done. */
    List<Trial> round(int round, Collection<TrialState> states) {
        List<TrialState> active = new ArrayList<>();
        for (TrialState s : states) {
            if (needsMore(s, states)) {
                active.add(s);
            }
        }
        if (plan.suite().repetition().hasBudget()) {
            active = withinBudget(active, states);
        }
        return active.isEmpty() ? List.of() : plan.roundOrder(active.stream().map(s -> s.trial).toList(), round);
    }

    /** The ids of the trials the time budget stopped before their intervals were tight or their maximum reached. */
    List<String> stoppedByBudget() {
        return List.copyOf(stoppedByBudget);
    }

    private Repetition rep(TrialState s) {
        return plan.repetition(s.trial);
    }

    /** Whether the next iteration of {@code s} is a warm-up. */
    boolean warmupNext(TrialState s) {
        return s.warmups < rep(s).warmup();
    }

    /** The number of the next iteration of {@code s}, counted apart for warm-ups and measured ones. */
    int nextIteration(TrialState s) {
        return warmupNext(s) ? s.warmups + 1 : s.iterations + 1;
    }

    /** Whether {@code s} needs another iteration, judged on its own (no peers); see {@link #needsMore(TrialState, Collection)}. */
    boolean needsMore(TrialState s) {
        return needsMore(s, List.of(s));
    }

    /**
     * Whether {@code s} needs another iteration; a trial that needs none is marked done. A failed,
     * done or skipped trial needs none. The baseline's trial also needs one while another trial of
     * its block (among {@code all}) needs one or has run more measured iterations than it: without
     * it, that variant's extra iterations would have nothing to be paired with. In adaptive mode a
     * variant with a baseline trial in its block (among {@code all}) goes on until its ratios' CIs
     * are within the target; the baseline's trial then goes on only for its block's variants; a
     * trial with no one to be compared with goes on until its own CIs are within the target.
     */
    boolean needsMore(TrialState s, Collection<TrialState> all) {
        if (s.status == TrialStatus.FAILED || s.status == TrialStatus.DONE || s.status == TrialStatus.SKIPPED) {
            return false;
        }
        Repetition rep = rep(s);
        if (mandatory(s)) {
            return true;
        }
        boolean isBaseline = s.trial.variant().equals(plan.baseline());
        List<TrialState> peers = isBaseline ? peers(s, all) : List.of();
        if (isBaseline && !peers.isEmpty()) {
            for (TrialState peer : peers) {
                if (peer.iterations > s.iterations || (s.iterations < rep(peer).maxIterations() && needsMore(peer, all))) {
                    return true;
                }
            }
            s.status = TrialStatus.DONE;
            return false;
        }
        // adaptive mode extends native and isolated variants until their CIs are tight; an emulated
        // one stops at the minimum: its figures measure the emulator, and each of its iterations costs
        // as much as many native ones
        if (rep.adaptive() && s.iterations < rep.maxIterations() && !plan.emulated(s.trial.variant())) {
            // an interval from two or three iterations rests on a spread that is itself a guess: three
            // lucky pairs can look exact (seen: a +-0.3% ratio at n=3 on a host whose iterations move by
            // 10%), so no trial stops on its interval before MIN_TO_STOP iterations
            if (s.iterations < MIN_TO_STOP) {
                return true;
            }
            double w = halfWidth(s, all);
            if (Double.isNaN(w) || w > rep.target()) {
                return true;
            }
        }
        s.status = TrialStatus.DONE;
        return false;
    }

    /** Below its minimum: warm-ups or measured iterations still to run whatever the intervals say. */
    private boolean mandatory(TrialState s) {
        return s.warmups < rep(s).warmup() || s.iterations < rep(s).iterations();
    }

    /** The other live trials of the baseline trial {@code base}'s block. */
    private List<TrialState> peers(TrialState base, Collection<TrialState> all) {
        List<Object> block = Plan.block(base.trial);
        List<TrialState> out = new ArrayList<>();
        for (TrialState peer : all) {
            if (peer != base && peer.status != TrialStatus.FAILED && peer.status != TrialStatus.SKIPPED
                    && Plan.block(peer.trial).equals(block)) {
                out.add(peer);
            }
        }
        return out;
    }

    /** The baseline's trial of {@code s}'s block among {@code all}, or null (s is the baseline, or it has failed or is absent). */
    private TrialState baselineOf(TrialState s, Collection<TrialState> all) {
        if (plan.baseline() == null || s.trial.variant().equals(plan.baseline())) {
            return null;
        }
        List<Object> block = Plan.block(s.trial);
        for (TrialState b : all) {
            if (b.trial.variant().equals(plan.baseline()) && Plan.block(b.trial).equals(block)
                    && b.status != TrialStatus.FAILED && b.status != TrialStatus.SKIPPED) {
                return b;
            }
        }
        return null;
    }

    /** How wide {@code s}'s intervals are: its ratios to its baseline's trial where it has one, else its own. */
    private double halfWidth(TrialState s, Collection<TrialState> all) {
        TrialState base = baselineOf(s, all);
        return base == null ? Summarizer.worstRelativeHalfWidth(s.samples) : Summarizer.worstRatioHalfWidth(s.samples, base.samples);
    }

    /**
     * The part of {@code active} that the budget pays for: every trial below its minimum and every
     * baseline trial catching up with a partner; then the extensions (with the iteration of their
     * baseline partner) that can reach their target within the budget, the cheapest to get there
     * first, as far as their projected costs fit together; then, with what those leave, one more
     * iteration of the others, widest interval (relative to its target) first. Extensions left out
     * are done.
     */
    private List<TrialState> withinBudget(List<TrialState> active, Collection<TrialState> all) {
        Duration budget = plan.suite().repetition().budget();
        double left = budget.toNanos() / 1e9 - (nanoClock.getAsLong() - startNanos) / 1e9;
        List<TrialState> out = new ArrayList<>();
        List<Extension> extensions = new ArrayList<>();
        for (TrialState s : active) {
            boolean catchingUp = s.trial.variant().equals(plan.baseline()) && peers(s, all).stream().anyMatch(p -> p.iterations > s.iterations);
            if (mandatory(s) || catchingUp) {
                out.add(s);
                left -= s.meanSeconds();
            } else if (!s.trial.variant().equals(plan.baseline()) || peers(s, all).isEmpty()) {
                TrialState base = baselineOf(s, all);
                double perIteration = s.meanSeconds() + (base != null && active.contains(base) ? base.meanSeconds() : 0);
                double w = halfWidth(s, all);
                Repetition rep = rep(s);
                int toTarget = Double.isNaN(w) ? -1
                        : iterationsToReach(w, s.iterations, rep.target(), Math.max(MIN_TO_STOP, s.iterations + 1), rep.maxIterations());
                extensions.add(new Extension(s, base, Double.isNaN(w) ? Double.POSITIVE_INFINITY : w / rep.target(),
                        toTarget < 0 ? Double.POSITIVE_INFINITY : (toTarget - s.iterations) * perIteration));
            }
        }
        // first the figures the budget can make conclusive, cheapest first, each reserving what it needs
        // to get there (this round's iteration included)
        extensions.sort(Comparator.comparingDouble(Extension::costToTarget));
        List<Extension> others = new ArrayList<>();
        double reserved = 0;
        for (Extension e : extensions) {
            if (Double.isFinite(e.costToTarget()) && reserved + e.costToTarget() <= left) {
                reserved += e.costToTarget();
                grant(e, active, out);
            } else {
                others.add(e);
            }
        }
        // then, with what the reservations leave, one more iteration of the rest, widest first: they are
        // the ones a reader cannot use yet, and one more iteration still narrows them
        double spare = left - reserved;
        others.sort(Comparator.comparingDouble(Extension::need).reversed());
        for (Extension e : others) {
            if (iterationCost(e, active, out) <= spare) {
                spare -= grant(e, active, out);
            } else {
                e.state().status = TrialStatus.DONE;
                stoppedByBudget.add(e.state().trial.id());
            }
        }
        // a baseline trial whose partners all stopped stops too; keep the order of active
        List<TrialState> kept = new ArrayList<>();
        for (TrialState s : active) {
            if (out.contains(s)) {
                kept.add(s);
            } else if (s.status != TrialStatus.DONE) {
                s.status = TrialStatus.DONE;
            }
        }
        return kept;
    }

    /** An extension the budget may pay for: how far it is from its target, and what reaching it would cost. */
    private record Extension(TrialState state, TrialState base, double need, double costToTarget) {
    }

    /** The seconds one more iteration of {@code e} costs this round: its own and, unless already paid for, its baseline's. */
    private static double iterationCost(Extension e, List<TrialState> active, List<TrialState> out) {
        boolean withBase = e.base() != null && active.contains(e.base()) && !out.contains(e.base());
        return e.state().meanSeconds() + (withBase ? e.base().meanSeconds() : 0);
    }

    /** Adds {@code e} (and its baseline, if it runs this round and is not in yet) to {@code out}; returns what that costs. */
    private static double grant(Extension e, List<TrialState> active, List<TrialState> out) {
        double cost = iterationCost(e, active, out);
        out.add(e.state());
        if (e.base() != null && active.contains(e.base()) && !out.contains(e.base())) {
            out.add(e.base());
        }
        return cost;
    }

    /**
     * The measured iterations at which an interval of relative half-width {@code halfWidth} after
     * {@code n} iterations is projected to be within {@code target}, at least {@code atLeast}, if
     * that is at most {@code max}; -1 if it is not. The projection keeps the spread seen so far:
     * the half-width scales as {@code t(m-1) / sqrt(m)} (Student's t, 95%, two-sided).
     */
    static int iterationsToReach(double halfWidth, int n, double target, int atLeast, int max) {
        if (n < 2) {
            return -1;
        }
        double now = tQuantile(n - 1) / Math.sqrt(n);
        for (int m = Math.max(n, atLeast); m <= max; m++) {
            if (halfWidth * (tQuantile(m - 1) / Math.sqrt(m)) / now <= target) {
                return m;
            }
        }
        return -1;
    }

    private static double tQuantile(int df) {
        return new org.apache.commons.math3.distribution.TDistribution(null, df).inverseCumulativeProbability(0.975);
    }

    /** Iterations run so far, warm-ups included. */
    long done(Collection<TrialState> states) {
        return states.stream().mapToLong(s -> s.warmups + s.iterations).sum();
    }

    /** Iterations the run will have run in all, as far as can be told now (adaptive mode may add more). */
    long total(Collection<TrialState> states) {
        long t = 0;
        for (TrialState s : states) {
            Repetition rep = rep(s);
            long planned = rep.warmup() + rep.iterations();
            if (s.status == TrialStatus.FAILED) {
                t += s.warmups + s.iterations;
            } else if (rep.adaptive() && s.iterations >= rep.iterations() && s.status != TrialStatus.DONE && !plan.emulated(s.trial.variant())) {
                t += Math.max(planned, s.warmups + s.iterations + 1);
            } else {
                t += Math.max(planned, s.warmups + s.iterations);
            }
        }
        return t;
    }
}
