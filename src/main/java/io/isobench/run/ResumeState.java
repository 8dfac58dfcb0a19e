package io.isobench.run;

import io.isobench.BadInputException;
import io.isobench.result.Json;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.suite.Plan;
import io.isobench.suite.Trial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run has done, in the form run.json keeps it: each trial's state and samples, the facts
 * of each variant's instance, and where the time went. Built from a fresh record or from the one
 * of a run being resumed (with the samples on disk, which decide the counts: an iteration counts
 * once all its samples are written), so {@code --resume} continues without repeating anything.
 */
final class ResumeState {

    private final Map<String, TrialState> states = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> environmentFacts = new LinkedHashMap<>();
    /** Where the time went, accumulated over this process and any run it resumes. */
    private long wallNanos;
    private long startNanos;
    private long iterationNanos;
    private final List<String> stoppedByBudget = new ArrayList<>();
    private final Plan plan;

    /**
     * @param record   a fresh record, or the one of the run being resumed
     * @param previous the samples on disk of the run being resumed (none for a fresh one)
     * @param where    the run's folder, for the message when the plan no longer matches
     * @throws BadInputException when a trial of the record is not the plan's trial of that id
     */
    ResumeState(Plan plan, RunRecord record, List<Sample> previous, Path where) {
        this.plan = plan;
        Map<String, TrialRecord> old = new LinkedHashMap<>();
        if (record.trials() != null) {
            record.trials().forEach(t -> old.put(t.id(), t));
        }
        if (record.environments() != null) {
            environmentFacts.putAll(record.environments());
        }
        if (record.timing() != null) {
            wallNanos = nanos(record.timing().get("wall_s"));
            startNanos = nanos(record.timing().get("environment_start_s"));
            iterationNanos = nanos(record.timing().get("iterations_s"));
            if (record.timing().get("stopped_by_budget") instanceof List<?> ids) {
                ids.forEach(id -> stoppedByBudget.add(String.valueOf(id)));
            }
        }
        for (Trial t : plan.trials()) {
            TrialState s = new TrialState(t);
            TrialRecord r = old.get(t.id());
            if (r != null && (!r.workload().equals(t.workload().name()) || !r.variant().equals(t.variant().label())
                    || !String.valueOf(r.params()).equals(String.valueOf(Json.mapper().convertValue(t.params().toWire(t.workload().params()), Map.class))))) {
                throw new BadInputException("cannot resume " + where + ": trial " + t.id() + " was " + r.workload() + " "
                        + r.params() + " @ " + r.variant() + " and would now be " + t.label()
                        + " (defaults scale with the host, or the workload changed): start a new run instead");
            }
            if (r != null) {
                s.status = r.status() == TrialStatus.RUNNING ? TrialStatus.PENDING : r.status();
                s.failure = r.failure();
                s.lost.addAll(r.lost());
                // counts come from what is on disk: an iteration counts once all its samples are written
                for (Sample smp : previous) {
                    if (smp.trial().equals(t.id())) {
                        s.samples.add(smp);
                    }
                }
                s.warmups = (int) previous.stream().filter(x -> x.trial().equals(t.id()) && x.warmup()).map(Sample::iteration).distinct().count();
                s.iterations = (int) previous.stream().filter(x -> x.trial().equals(t.id()) && !x.warmup()).map(Sample::iteration).distinct().count();
                if (s.status == TrialStatus.FAILED) {
                    // a resumed run gives failed trials another chance
                    s.status = TrialStatus.PENDING;
                    s.failure = null;
                }
            }
            states.put(t.id(), s);
        }
    }

    /** Every trial's state, in the plan's order. */
    Collection<TrialState> trials() {
        return states.values();
    }

    TrialState trial(String id) {
        return states.get(id);
    }

    long failedTrials() {
        return states.values().stream().filter(s -> s.status == TrialStatus.FAILED).count();
    }

    /** The facts of a variant's instance as it started (with {@code emulated}, {@code inside} and any start retry). */
    void environmentStarted(String variantLabel, Map<String, Object> facts) {
        environmentFacts.put(variantLabel, facts);
    }

    /** Which place drove a variant's servers: kept with the variant's facts when it is news. */
    void clientUsed(String variantLabel, Map<String, Object> clientFacts) {
        Map<String, Object> variantFacts = environmentFacts.get(variantLabel);
        if (variantFacts != null && !clientFacts.equals(variantFacts.get("client"))) {
            Map<String, Object> updated = new LinkedHashMap<>(variantFacts);
            updated.put("client", clientFacts);
            environmentFacts.put(variantLabel, updated);
        }
    }

    Map<String, Map<String, Object>> environmentFacts() {
        return environmentFacts;
    }

    /** The trials the time budget stopped before their target (ids), in this run and the runs it resumes. */
    List<String> stoppedByBudget() {
        return stoppedByBudget;
    }

    void stoppedByBudget(List<String> ids) {
        ids.stream().filter(id -> !stoppedByBudget.contains(id)).forEach(stoppedByBudget::add);
    }

    void addWall(long nanos) {
        wallNanos += nanos;
    }

    void addStart(long nanos) {
        startNanos += nanos;
    }

    void addIterations(long nanos) {
        iterationNanos += nanos;
    }

    /** {@code record} brought up to date with this state, with {@code status} and its reason. */
    RunRecord record(RunRecord record, RunStatus status, String reason) {
        return record.with(status, reason, new LinkedHashMap<>(environmentFacts), trialRecords(), timing());
    }

    List<TrialRecord> trialRecords() {
        List<TrialRecord> out = new ArrayList<>();
        for (TrialState s : states.values()) {
            Trial t = s.trial;
            out.add(new TrialRecord(t.id(), t.workload().name(), t.params().toWire(t.workload().params()), t.variant().environment(),
                    t.variant().label(), t.variant().settings(), s.status, s.iterations, s.warmups, s.failure, s.lost));
        }
        return out;
    }

    Map<String, Object> timing() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wall_s", wallNanos / 1e9);
        m.put("environment_start_s", startNanos / 1e9);
        m.put("iterations_s", iterationNanos / 1e9);
        if (plan.suite().repetition().hasBudget()) {
            m.put("budget_s", plan.suite().repetition().budget().toMillis() / 1e3);
            m.put("stopped_by_budget", List.copyOf(stoppedByBudget));
        }
        return m;
    }

    private static long nanos(Object seconds) {
        return seconds instanceof Number n ? (long) (n.doubleValue() * 1e9) : 0;
    }
}
