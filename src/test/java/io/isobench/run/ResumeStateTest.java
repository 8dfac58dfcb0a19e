package io.isobench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.result.Direction;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.suite.Plan;
import io.isobench.suite.Repetition;
import io.isobench.suite.Trial;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResumeStateTest {

    static final Path WHERE = Path.of("results/20261206-140000-abc");

    static RunRecord fresh() {
        return new RunRecord("20261206-140000-abc", "0.1.0-test", List.of("run"), Instant.EPOCH, null, RunStatus.RUNNING, null, Map.of(),
                Map.of(), Map.of(), List.of(), null, null, null);
    }

    static Sample sample(Trial t, int iteration, boolean warmup, String metric) {
        return new Sample("20261206-140000-abc", t.id(), t.workload().name(), Map.of(), "native", t.variant().label(), Map.of(), false,
                iteration, warmup, metric, Map.of(), 1.0, "units", Direction.HIGHER, Instant.EPOCH, Map.of());
    }

    static TrialRecord as(TrialRecord r, TrialStatus status, String failure, List<TrialRecord.LostIteration> lost) {
        return new TrialRecord(r.id(), r.workload(), r.params(), r.environment(), r.variant(), r.settings(), status, r.iterationsDone(),
                r.warmupsDone(), failure, lost);
    }

    @Test
    void aFreshRunStartsEveryTrialPendingWithNothingCounted() {
        Plan plan = ScheduleTest.plan(Repetition.fixed(1, 3), false);
        ResumeState state = new ResumeState(plan, fresh(), List.of(), WHERE);
        assertThat(state.trials()).extracting(s -> s.trial).containsExactlyElementsOf(plan.trials());
        assertThat(state.trials()).allMatch(s -> s.status == TrialStatus.PENDING && s.warmups == 0 && s.iterations == 0
                && s.samples.isEmpty() && s.failure == null);
        assertThat(state.timing()).containsEntry("wall_s", 0.0).containsEntry("environment_start_s", 0.0).containsEntry("iterations_s", 0.0);
        RunRecord r = state.record(fresh(), RunStatus.RUNNING, null);
        assertThat(r.trials()).extracting(TrialRecord::id).containsExactlyElementsOf(plan.trials().stream().map(Trial::id).toList());
        assertThat(r.trials()).allMatch(t -> t.status() == TrialStatus.PENDING);
    }

    @Test
    void aResumedRunTakesItsCountsFromTheSamplesOnDiskAndGivesFailedTrialsAnotherChance() {
        Plan plan = ScheduleTest.plan(Repetition.fixed(1, 3), false);
        List<TrialRecord> before = new ResumeState(plan, fresh(), List.of(), WHERE).trialRecords();
        Trial t0 = plan.trials().get(0);
        Trial t1 = plan.trials().get(1);
        Trial t2 = plan.trials().get(2);
        List<TrialRecord.LostIteration> lost = List.of(new TrialRecord.LostIteration(2, false, "the agent process was killed (signal 9)"));
        List<TrialRecord> trials = new ArrayList<>(before);
        trials.set(0, as(before.get(0), TrialStatus.RUNNING, null, lost));
        trials.set(1, as(before.get(1), TrialStatus.FAILED, "test_fail: verification failed", List.of()));
        trials.set(2, as(before.get(2), TrialStatus.DONE, null, List.of()));
        Map<String, Object> facts = Map.of("pid", 42);
        Map<String, Object> timing = Map.of("wall_s", 10.0, "environment_start_s", 2.5, "iterations_s", 7.0);
        RunRecord old = fresh().with(RunStatus.INCOMPLETE, "interrupted", Map.of(t0.variant().label(), facts), trials, timing);
        // trial 0: its warm-up and two iterations, two metrics each; iteration 3 never written
        List<Sample> previous = List.of(sample(t0, 1, true, "a"), sample(t0, 1, true, "b"), sample(t0, 1, false, "a"),
                sample(t0, 1, false, "b"), sample(t0, 2, false, "a"), sample(t0, 2, false, "b"), sample(t1, 1, true, "a"));

        ResumeState state = new ResumeState(plan, old, previous, WHERE);

        TrialState s0 = state.trial(t0.id());
        assertThat(s0.status).as("in hand when the run stopped: pending again").isEqualTo(TrialStatus.PENDING);
        assertThat(s0.warmups).isEqualTo(1);
        assertThat(s0.iterations).isEqualTo(2);
        assertThat(s0.samples).hasSize(6);
        assertThat(s0.lost).isEqualTo(lost);
        TrialState s1 = state.trial(t1.id());
        assertThat(s1.status).isEqualTo(TrialStatus.PENDING);
        assertThat(s1.failure).isNull();
        assertThat(s1.warmups).isEqualTo(1);
        assertThat(state.trial(t2.id()).status).isEqualTo(TrialStatus.DONE);
        assertThat(state.environmentFacts()).containsEntry(t0.variant().label(), facts);
        assertThat(state.timing()).isEqualTo(timing);

        state.addWall(1_500_000_000L);
        state.addStart(500_000_000L);
        state.addIterations(1_000_000_000L);
        assertThat(state.timing()).containsEntry("wall_s", 11.5).containsEntry("environment_start_s", 3.0).containsEntry("iterations_s", 8.0);
        RunRecord again = state.record(old, RunStatus.RUNNING, null);
        assertThat(again.trials().get(0).iterationsDone()).isEqualTo(2);
        assertThat(again.trials().get(0).warmupsDone()).isEqualTo(1);
        assertThat(again.trials().get(0).lost()).isEqualTo(lost);
        assertThat(again.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(again.id()).isEqualTo(old.id());
    }

    @Test
    void aRecordWhoseTrialIsNoLongerThePlansIsRefused() {
        Plan plan = ScheduleTest.plan(Repetition.fixed(1, 3), false);
        List<TrialRecord> trials = new ArrayList<>(new ResumeState(plan, fresh(), List.of(), WHERE).trialRecords());
        TrialRecord r = trials.get(0);
        Map<String, Object> otherParams = new LinkedHashMap<>(r.params());
        otherParams.put("value", 99.0);
        trials.set(0, new TrialRecord(r.id(), r.workload(), otherParams, r.environment(), r.variant(), r.settings(), TrialStatus.DONE, 3, 1,
                null, List.of()));
        RunRecord old = fresh().with(RunStatus.INCOMPLETE, null, Map.of(), trials, Map.of());
        assertThatThrownBy(() -> new ResumeState(plan, old, List.of(), WHERE)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("cannot resume " + WHERE + ": trial " + r.id())
                .hasMessageContaining("start a new run instead");
    }

    @Test
    void theClientThatDroveAVariantIsKeptWithItsFactsWhenItIsNews() {
        Plan plan = ScheduleTest.plan(Repetition.fixed(1, 3), false);
        ResumeState state = new ResumeState(plan, fresh(), List.of(), WHERE);
        Map<String, Object> local = Map.of("kind", "local");
        state.clientUsed("native", local);
        assertThat(state.environmentFacts()).as("no facts for a variant not started").doesNotContainKey("native");
        state.environmentStarted("native", Map.of("pid", 1));
        state.clientUsed("native", local);
        assertThat(state.environmentFacts().get("native")).containsEntry("pid", 1).containsEntry("client", local);
        Map<String, Object> netns = Map.of("kind", "netns");
        state.clientUsed("native", netns);
        assertThat(state.environmentFacts().get("native")).containsEntry("client", netns);
    }
}
