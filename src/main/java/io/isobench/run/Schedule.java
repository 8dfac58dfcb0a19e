package io.isobench.run;

import io.isobench.result.TrialStatus;
import io.isobench.stats.Summarizer;
import io.isobench.suite.Plan;
import io.isobench.suite.Repetition;
import io.isobench.suite.Trial;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What runs next: rounds in which every trial that needs more runs one iteration, in the plan's
 * seeded order for that round (blocks of one workload and parameters, their variants back to back:
 * {@link Plan#roundOrder}); warm-ups first, then measured iterations up to the planned count, and
 * in adaptive mode more until the trial's intervals are tight. The baseline's trial of a block goes
 * on as long as another variant of its block does, so every iteration of a variant has the
 * baseline's iteration of the same round to be paired with. Knows nothing of environments.
 */
final class Schedule {

    private final Plan plan;
    private final Repetition rep;

    Schedule(Plan plan) {
        this.plan = plan;
        this.rep = plan.suite().repetition();
    }

    /** The trials of round {@code round} in the order they run: those that need more; empty when the run is done. */
    List<Trial> round(int round, Collection<TrialState> states) {
        List<Trial> active = new ArrayList<>();
        for (TrialState s : states) {
            if (needsMore(s, states)) {
                active.add(s.trial);
            }
        }
        return active.isEmpty() ? List.of() : plan.roundOrder(active, round);
    }

    /** Whether the next iteration of {@code s} is a warm-up. */
    boolean warmupNext(TrialState s) {
        return s.warmups < rep.warmup();
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
     * it, that variant's extra iterations would have nothing to be paired with.
     */
    boolean needsMore(TrialState s, Collection<TrialState> all) {
        if (s.status == TrialStatus.FAILED || s.status == TrialStatus.DONE || s.status == TrialStatus.SKIPPED) {
            return false;
        }
        if (s.warmups < rep.warmup() || s.iterations < rep.iterations()) {
            return true;
        }
        if (s.trial.variant().equals(plan.baseline()) && s.iterations < rep.maxIterations()) {
            List<Object> block = Plan.block(s.trial);
            for (TrialState peer : all) {
                if (peer != s && peer.status != TrialStatus.FAILED && peer.status != TrialStatus.SKIPPED
                        && Plan.block(peer.trial).equals(block) && (peer.iterations > s.iterations || needsMore(peer))) {
                    return true;
                }
            }
        }
        // adaptive mode extends native and isolated variants until their CIs are tight; an emulated
        // one stops at the minimum: its figures measure the emulator, and each of its iterations costs
        // as much as many native ones
        if (rep.adaptive() && s.iterations < rep.maxIterations() && !plan.emulated(s.trial.variant())) {
            double w = Summarizer.worstRelativeHalfWidth(s.samples);
            if (Double.isNaN(w) || w > rep.target()) {
                return true;
            }
        }
        s.status = TrialStatus.DONE;
        return false;
    }

    /** Iterations run so far, warm-ups included. */
    long done(Collection<TrialState> states) {
        return states.stream().mapToLong(s -> s.warmups + s.iterations).sum();
    }

    /** Iterations the run will have run in all, as far as can be told now (adaptive mode may add more). */
    long total(Collection<TrialState> states) {
        long t = 0;
        for (TrialState s : states) {
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
