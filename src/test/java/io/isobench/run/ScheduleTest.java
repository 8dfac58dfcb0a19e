package io.isobench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.host.HostFacts;
import io.isobench.result.Direction;
import io.isobench.result.Sample;
import io.isobench.result.TrialStatus;
import io.isobench.suite.Plan;
import io.isobench.suite.Planner;
import io.isobench.suite.Repetition;
import io.isobench.suite.Suite;
import io.isobench.suite.Trial;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    static final HostFacts HOST = HostFacts.of(2, 8L << 30, 32L << 20);

    /** test_constant at three values on two native variants: six trials. */
    static Plan plan(Repetition rep, boolean emulated) {
        Suite suite = new Suite("t", "", List.of(new Suite.WorkloadEntry("test_constant", new LinkedHashMap<>(Map.of("value", List.of(1, 2, 3))), "test")),
                List.of(new Suite.EnvironmentEntry("native", List.of(Map.of("pin", List.of("none", "0"))), "test")), rep, "native", 7);
        return Planner.plan(suite, HOST, v -> emulated);
    }

    /** The same plan's suite with the workload entry's own repetition {@code own}. */
    static Plan planWithOwn(Repetition rep, Repetition own) {
        Suite suite = new Suite("t", "", List.of(new Suite.WorkloadEntry("test_constant", new LinkedHashMap<>(Map.of("value", List.of(1, 2, 3))), "test",
                Map.of(), own)), List.of(new Suite.EnvironmentEntry("native", List.of(Map.of("pin", List.of("none", "0"))), "test")), rep, "native", 7);
        return Planner.plan(suite, HOST, v -> false);
    }

    static TrialState baselineOfFirstBlock(Plan plan, List<TrialState> states) {
        return states.stream().filter(s -> s.trial.variant().equals(plan.baseline())).findFirst().orElseThrow();
    }

    static TrialState partnerOf(TrialState base, List<TrialState> states) {
        return states.stream().filter(s -> s != base && Plan.block(s.trial).equals(Plan.block(base.trial))).findFirst().orElseThrow();
    }

    static List<TrialState> states(Plan plan) {
        return plan.trials().stream().map(TrialState::new).toList();
    }

    static void measured(TrialState s, double... values) {
        for (double v : values) {
            s.iterations++;
            s.samples.add(new Sample("r", s.trial.id(), "test_constant", Map.of(), "native", s.trial.variant().label(), Map.of(), false,
                    s.iterations, false, "value", Map.of(), v, "units", Direction.HIGHER, Instant.EPOCH, Map.of()));
        }
    }

    @Test
    void warmUpsComeFirstThenMeasuredIterationsCountedApart() {
        Plan plan = plan(Repetition.fixed(2, 3), false);
        Schedule schedule = new Schedule(plan);
        TrialState s = states(plan).get(0);
        assertThat(schedule.warmupNext(s)).isTrue();
        assertThat(schedule.nextIteration(s)).isEqualTo(1);
        s.warmups = 1;
        assertThat(schedule.nextIteration(s)).isEqualTo(2);
        s.warmups = 2;
        assertThat(schedule.warmupNext(s)).isFalse();
        assertThat(schedule.nextIteration(s)).isEqualTo(1);
        s.iterations = 2;
        assertThat(schedule.nextIteration(s)).isEqualTo(3);
    }

    @Test
    void eachRoundRunsEveryTrialThatNeedsMoreOnceInThePlansOrderForThatRound() {
        Plan plan = plan(Repetition.fixed(0, 2), false);
        Schedule schedule = new Schedule(plan);
        List<TrialState> states = states(plan);
        Set<List<String>> orders = new HashSet<>();
        for (int round = 1; round <= 4; round++) {
            List<Trial> order = schedule.round(round, states);
            assertThat(order).containsExactlyInAnyOrderElementsOf(plan.trials());
            assertThat(order).isEqualTo(plan.roundOrder(plan.trials(), round));
            orders.add(order.stream().map(Trial::id).toList());
        }
        assertThat(orders).as("the order changes from round to round").hasSizeGreaterThan(1);

        // a failed trial and a finished one leave the rounds; the finished one is marked done
        states.get(0).status = TrialStatus.FAILED;
        states.get(1).iterations = 2;
        List<Trial> order = schedule.round(5, states);
        assertThat(order).hasSize(states.size() - 2).doesNotContain(states.get(0).trial, states.get(1).trial);
        assertThat(states.get(1).status).isEqualTo(TrialStatus.DONE);
        assertThat(states.get(0).status).isEqualTo(TrialStatus.FAILED);

        states.forEach(s -> s.iterations = 2);
        assertThat(schedule.round(6, states)).isEmpty();
        assertThat(states.stream().filter(s -> s != states.get(0))).allMatch(s -> s.status == TrialStatus.DONE);
    }

    @Test
    void skippedTrialsNeedNothing() {
        Plan plan = plan(Repetition.fixed(1, 1), false);
        Schedule schedule = new Schedule(plan);
        TrialState s = states(plan).get(0);
        s.status = TrialStatus.SKIPPED;
        assertThat(schedule.needsMore(s)).isFalse();
        assertThat(s.status).isEqualTo(TrialStatus.SKIPPED);
    }

    @Test
    void doneCountsEveryIterationAndTotalWhatIsPlannedExceptForFailedTrials() {
        Plan plan = plan(Repetition.fixed(1, 3), false);
        Schedule schedule = new Schedule(plan);
        List<TrialState> states = states(plan);
        assertThat(schedule.done(states)).isZero();
        assertThat(schedule.total(states)).isEqualTo(6 * 4);
        states.get(0).warmups = 1;
        states.get(0).iterations = 2;
        states.get(1).warmups = 1;
        assertThat(schedule.done(states)).isEqualTo(4);
        // a failed trial will run nothing more: its total is what it ran
        states.get(1).status = TrialStatus.FAILED;
        assertThat(schedule.total(states)).isEqualTo(5 * 4 + 1);
    }

    @Test
    void adaptiveModeGoesOnUntilTheIntervalIsTightOrTheMaximumIsReached() {
        Plan plan = plan(new Repetition(0, 3, 0.02, 6), false);
        Schedule schedule = new Schedule(plan);
        List<TrialState> states = states(plan);

        TrialState wide = states.get(0);
        measured(wide, 10, 20, 30);
        assertThat(schedule.needsMore(wide)).as("a wide interval after the minimum").isTrue();
        // the total counts one more for a trial that goes on
        assertThat(schedule.total(List.of(wide))).isEqualTo(4);
        measured(wide, 10, 20, 30);
        assertThat(wide.iterations).isEqualTo(6);
        assertThat(schedule.needsMore(wide)).as("at the maximum").isFalse();
        assertThat(wide.status).isEqualTo(TrialStatus.DONE);

        TrialState tight = states.get(1);
        measured(tight, 100, 100.1, 99.9);
        assertThat(schedule.needsMore(tight)).as("tight, but three iterations are too few to stop on").isTrue();
        measured(tight, 100, 100.05);
        assertThat(schedule.needsMore(tight)).as("an interval within the target").isFalse();
        assertThat(tight.status).isEqualTo(TrialStatus.DONE);
    }

    @Test
    void theBaselineGoesOnAsLongAsAnotherVariantOfItsBlockDoesSoEveryIterationHasAPartner() {
        Plan plan = plan(new Repetition(0, 3, 0.02, 6), false);
        Schedule schedule = new Schedule(plan);
        List<TrialState> states = states(plan);
        // the block of value=1: native (the baseline) and native[pin=0]
        TrialState base = states.stream().filter(s -> s.trial.variant().equals(plan.baseline())).findFirst().orElseThrow();
        TrialState other = states.stream().filter(s -> s != base && Plan.block(s.trial).equals(Plan.block(base.trial)))
                .findFirst().orElseThrow();
        measured(base, 100, 100.1, 99.9, 100, 100.05);
        measured(other, 10, 20, 30, 10, 20);
        assertThat(schedule.needsMore(base, List.of(base))).as("tight on its own").isFalse();
        TrialState base2 = new TrialState(base.trial);
        measured(base2, 100, 100.1, 99.9, 100, 100.05);
        assertThat(schedule.needsMore(base2, List.of(base2, other))).as("its block's other variant is wide").isTrue();
        assertThat(schedule.round(1, List.of(base2, other))).containsExactlyInAnyOrder(base2.trial, other.trial);
        // the other variant ran its 6th iteration and is tight now: the baseline still runs its 6th
        TrialState tightNow = new TrialState(other.trial);
        measured(tightNow, 20, 20.02, 19.98, 20, 20.01, 20);
        assertThat(schedule.needsMore(tightNow)).isFalse();
        assertThat(schedule.needsMore(base2, List.of(base2, tightNow))).as("one behind its partner").isTrue();
        measured(base2, 100);
        assertThat(schedule.needsMore(base2, List.of(base2, tightNow))).as("level, both tight").isFalse();
        assertThat(base2.status).isEqualTo(TrialStatus.DONE);
        // another block's variant does not keep the baseline going
        TrialState base3 = new TrialState(base.trial);
        measured(base3, 100, 100.1, 99.9, 100, 100.05);
        TrialState elsewhere = states.stream().filter(s -> !Plan.block(s.trial).equals(Plan.block(base.trial))
                && !s.trial.variant().equals(plan.baseline())).findFirst().orElseThrow();
        measured(elsewhere, 10, 20, 30);
        assertThat(schedule.needsMore(base3, List.of(base3, elsewhere))).isFalse();
    }

    @Test
    void aVariantGoesOnUntilItsRatioToTheBaselineIsTightNotItsOwnInterval() {
        Plan plan = plan(new Repetition(0, 3, 0.02, 10), false);
        List<TrialState> states = states(plan);
        Schedule schedule = new Schedule(plan);
        TrialState base = baselineOfFirstBlock(plan, states);
        TrialState other = partnerOf(base, states);
        // the host drifts by +-20% and both sides follow it, round by round: each side's own interval
        // is wide, the ratio (paired by round) is exactly one half
        measured(base, 100, 120, 80, 110, 90);
        measured(other, 50, 60, 40, 55, 45);
        assertThat(schedule.needsMore(other, List.of(base, other))).as("the ratio is tight").isFalse();
        assertThat(other.status).isEqualTo(TrialStatus.DONE);
        assertThat(schedule.needsMore(base, List.of(base, other))).as("the baseline goes on only for its partners").isFalse();

        // a steady variant against a baseline that moves on its own: the ratio is wide, it goes on
        List<TrialState> fresh = states(plan);
        TrialState base2 = baselineOfFirstBlock(plan, fresh);
        TrialState steady = partnerOf(base2, fresh);
        measured(base2, 100, 130, 70, 115, 85);
        measured(steady, 100, 100.1, 99.9, 100, 100.05);
        assertThat(schedule.needsMore(steady)).as("tight on its own").isFalse();
        steady.status = TrialStatus.PENDING;
        assertThat(schedule.needsMore(steady, List.of(base2, steady))).as("its ratio is not").isTrue();
        assertThat(schedule.needsMore(base2, List.of(base2, steady))).as("and the baseline goes on with it").isTrue();
    }

    @Test
    void eachTrialFollowsItsWorkloadsOwnRepetitionWhereTheEntryGivesOne() {
        Plan plan = planWithOwn(new Repetition(1, 3, 0.02, 6), new Repetition(1, 5, 0.02, 12));
        Schedule schedule = new Schedule(plan);
        List<TrialState> states = states(plan);
        assertThat(plan.repetition(states.get(0).trial).iterations()).isEqualTo(5);
        assertThat(plan.plannedIterations()).isEqualTo(6 * (1 + 5));
        assertThat(plan.maximumIterations()).isEqualTo(6 * (1 + 12));
        TrialState s = states.get(0);
        s.warmups = 1;
        measured(s, 10, 10, 10, 10);
        assertThat(schedule.needsMore(s)).as("four of its five").isTrue();
        measured(s, 10);
        assertThat(schedule.needsMore(s)).as("five, constant").isFalse();
        assertThat(schedule.total(states)).isEqualTo(6L * 6);
    }

    @Test
    void theTimeBudgetLetsTheWidestIntervalsGoOnAndStopsTheRestWithTheirBaseline() {
        long[] now = {0};
        Repetition rep = new Repetition(0, 3, 0.01, 20, java.time.Duration.ofSeconds(100));
        Plan plan = plan(rep, false);
        Schedule schedule = new Schedule(plan, () -> now[0]);
        List<TrialState> states = states(plan);
        List<TrialState> variants = states.stream().filter(s -> !s.trial.variant().equals(plan.baseline())).toList();
        // three blocks (value 1, 2, 3), each a baseline and a variant, all past their minimum and wider than
        // the 1% target: the variants' ratios from narrowest to widest; they cost 1, 2 and 3 s an
        // iteration, their baselines 0.5 s
        double[][] values = {{10.5, 19, 31}, {12, 18, 30}, {30, 10, 20}};
        for (TrialState s : states) {
            int i = variants.indexOf(s);
            if (i < 0) {
                measured(s, 10, 20, 30);
                s.seconds = 1.5;
            } else {
                measured(s, values[i]);
                s.seconds = 3.0 * (i + 1);
            }
            s.timed = 3;
        }
        TrialState widest = variants.get(2);
        TrialState widestBase = states.stream().filter(b -> b != widest && Plan.block(b.trial).equals(Plan.block(widest.trial)))
                .findFirst().orElseThrow();
        // 96 s gone: the 4 s left pay for the widest (3 s) and its baseline (0.5 s); nothing else fits
        now[0] = 96_000_000_000L;
        List<Trial> round = schedule.round(4, states);
        assertThat(round).containsExactlyInAnyOrder(widest.trial, widestBase.trial);
        assertThat(variants.get(0).status).isEqualTo(TrialStatus.DONE);
        assertThat(variants.get(1).status).isEqualTo(TrialStatus.DONE);
        assertThat(states.stream().filter(s -> s != widestBase && s.trial.variant().equals(plan.baseline())))
                .as("baselines with no one left to pair with").allMatch(s -> s.status == TrialStatus.DONE);
        assertThat(schedule.stoppedByBudget()).containsExactlyInAnyOrder(variants.get(0).trial.id(), variants.get(1).trial.id());
        // past the budget: every extension stops; a trial below its minimum still runs
        now[0] = 101_000_000_000L;
        TrialState late = new TrialState(variants.get(0).trial);
        measured(late, 10);
        List<TrialState> withLate = new java.util.ArrayList<>(states);
        withLate.set(states.indexOf(variants.get(0)), late);
        assertThat(schedule.round(5, withLate)).containsExactly(late.trial);
        assertThat(schedule.stoppedByBudget()).contains(widest.trial.id());
    }

    @Test
    void theProjectedIterationsToATargetFollowTheSpreadSoFar() {
        // 0.2 at n=5 shrinks by (t(m-1)/sqrt(m)) / (t(4)/sqrt(5)) = x / 1.2416: m=12 gives 2.201/3.464 = 0.635
        // (0.2046, not yet within 0.1), m=13 gives 2.179/3.606 = 0.604 (0.0973): thirteen
        assertThat(Schedule.iterationsToReach(0.2, 5, 0.1, 6, 20)).isEqualTo(13);
        assertThat(Schedule.iterationsToReach(0.2, 5, 0.1, 6, 12)).as("out of reach within the maximum").isEqualTo(-1);
        assertThat(Schedule.iterationsToReach(0.05, 5, 0.1, 6, 20)).as("already within: the least it may stop at").isEqualTo(6);
        assertThat(Schedule.iterationsToReach(0.05, 3, 0.1, 5, 20)).isEqualTo(5);
        assertThat(Schedule.iterationsToReach(0.2, 1, 0.1, 5, 20)).as("no spread yet").isEqualTo(-1);
    }

    /** Two blocks past their minimum on a 100 s budget (the third is over): one near its 2% target, one far from it. */
    record NearAndFar(Schedule schedule, List<TrialState> states, TrialState nearBase, TrialState near, TrialState farBase, TrialState far) {
    }

    static NearAndFar nearAndFar(long[] now) {
        Plan plan = plan(new Repetition(0, 3, 0.02, 20, java.time.Duration.ofSeconds(100)), false);
        List<TrialState> states = states(plan);
        List<TrialState> bases = states.stream().filter(s -> s.trial.variant().equals(plan.baseline())).toList();
        TrialState nearBase = bases.get(0);
        TrialState near = partnerOf(nearBase, states);
        TrialState farBase = bases.get(1);
        TrialState far = partnerOf(farBase, states);
        for (TrialState s : states) {
            if (s != near && s != nearBase && s != far && s != farBase) {
                s.status = TrialStatus.DONE; // the third block is over
            }
        }
        // five iterations each; the baselines cost 0.5 s an iteration, the variants 1 s
        measured(nearBase, 10, 10.1, 9.9, 10, 10);
        measured(farBase, 10, 10.1, 9.9, 10, 10);
        measured(near, 10.2, 9.9, 10.1, 9.8, 10.1); // a ratio a few iterations from its 2% target
        measured(far, 5, 20, 8, 15, 10);            // a ratio no twenty iterations bring within 2%
        for (TrialState s : List.of(nearBase, farBase, near, far)) {
            s.timed = 5;
            s.seconds = s == near || s == far ? 5 : 2.5;
        }
        return new NearAndFar(new Schedule(plan, () -> now[0]), states, nearBase, near, farBase, far);
    }

    @Test
    void theBudgetPaysFirstForFiguresItCanMakeConclusiveThenTheWidestOfTheRest() {
        long[] now = {0};
        NearAndFar f = nearAndFar(now);
        double nearWidth = io.isobench.stats.Summarizer.worstRatioHalfWidth(f.near().samples, f.nearBase().samples);
        int toTarget = Schedule.iterationsToReach(nearWidth, 5, 0.02, 6, 20);
        assertThat(toTarget).as("the near one can get there").isBetween(6, 20);
        assertThat(Schedule.iterationsToReach(io.isobench.stats.Summarizer.worstRatioHalfWidth(f.far().samples, f.farBase().samples), 5, 0.02, 6, 20))
                .as("the far one cannot").isEqualTo(-1);
        double nearCost = (toTarget - 5) * 1.5;

        // what is left pays for the near one's way to its target and not also for one more of the far one,
        // although the far one is the wider: widest-first would have run both this round and left the
        // near one short later
        now[0] = (long) ((100 - nearCost - 1.0) * 1e9);
        assertThat(f.schedule().round(6, f.states())).containsExactlyInAnyOrder(f.near().trial, f.nearBase().trial);
        assertThat(f.far().status).isEqualTo(TrialStatus.DONE);
        assertThat(f.farBase().status).as("its baseline, with no one left to pair with").isEqualTo(TrialStatus.DONE);
        assertThat(f.schedule().stoppedByBudget()).containsExactly(f.far().trial.id());
    }

    @Test
    void whatTheReservationsLeavePaysForTheWidestOfTheRest() {
        long[] now = {0};
        NearAndFar f = nearAndFar(now);
        int toTarget = Schedule.iterationsToReach(io.isobench.stats.Summarizer.worstRatioHalfWidth(f.near().samples, f.nearBase().samples), 5, 0.02, 6, 20);
        double nearCost = (toTarget - 5) * 1.5;
        // 2 s beyond the reservation: one more of the far one (1 s and its baseline's 0.5 s) fits
        now[0] = (long) ((100 - nearCost - 2.0) * 1e9);
        assertThat(f.schedule().round(6, f.states())).containsExactlyInAnyOrder(f.near().trial, f.nearBase().trial, f.far().trial, f.farBase().trial);
        assertThat(f.schedule().stoppedByBudget()).isEmpty();
    }

    @Test
    void anEmulatedVariantStopsAtTheMinimumEvenInAdaptiveMode() {
        Plan plan = plan(new Repetition(0, 3, 0.02, 6), true);
        Schedule schedule = new Schedule(plan);
        TrialState wide = states(plan).get(0);
        measured(wide, 10, 20, 30);
        assertThat(schedule.total(List.of(wide))).isEqualTo(3);
        assertThat(schedule.needsMore(wide)).isFalse();
        assertThat(wide.status).isEqualTo(TrialStatus.DONE);
    }
}
