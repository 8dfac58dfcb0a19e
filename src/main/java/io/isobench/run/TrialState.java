package io.isobench.run;

import io.isobench.result.Sample;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.suite.Trial;
import java.util.ArrayList;
import java.util.List;

/** A trial's progress in a run and its measured samples (for adaptive stopping). */
final class TrialState {
    final Trial trial;
    TrialStatus status = TrialStatus.PENDING;
    int warmups;
    int iterations;
    String failure;
    /** The whole message of the last death (with its diagnostics), for the failure when a retry dies too. */
    String lastDeath;
    /** Iterations lost to the agent's death, each retried once on a fresh instance. */
    final List<TrialRecord.LostIteration> lost = new ArrayList<>();
    final List<Sample> samples = new ArrayList<>();
    /** Seconds its iterations took in this invocation (warm-ups and lost ones included), for the time budget's estimates. */
    double seconds;
    /** Iterations (of any kind) those seconds cover. */
    int timed;

    /** The mean seconds of one of its iterations so far in this invocation; 0 before the first. */
    double meanSeconds() {
        return timed == 0 ? 0 : seconds / timed;
    }

    TrialState(Trial trial) {
        this.trial = trial;
    }
}
