package io.isobench.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code run.json}: what was asked for (the suite as expanded, the command line),
 * by which tool, on which host, and the status of every trial. Rewritten atomically whenever a
 * trial's status changes, so it is always readable.
 *
 * @param agentEnvironment the process environment every agent started with, what was passed
 *                         through from the invoking shell and what was left behind
 * @param environments per variant label, the facts the environment reported when it started
 *                     (container id and configuration, QEMU command line, accelerator)
 * @param timing       where the wall time went: seconds starting environments, in iterations,
 *                     and in all
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
        String id,
        String toolVersion,
        List<String> commandLine,
        Instant started,
        Instant ended,
        RunStatus status,
        String stopReason,
        Map<String, Object> suite,
        Map<String, Object> host,
        Map<String, Object> agentEnvironment,
        List<String> warnings,
        Map<String, Map<String, Object>> environments,
        List<TrialRecord> trials,
        Map<String, Object> timing) {

    /** The same record with another status and the trials, variants' facts and timing as they are now. */
    public RunRecord with(RunStatus newStatus, String reason, Map<String, Map<String, Object>> newEnvironments,
                          List<TrialRecord> newTrials, Map<String, Object> newTiming) {
        return new RunRecord(id, toolVersion, commandLine, started, ended, newStatus, reason, suite, host, agentEnvironment, warnings,
                newEnvironments, newTrials, newTiming);
    }

    /** The same record, ended now. */
    public RunRecord endedAt(Instant when) {
        return new RunRecord(id, toolVersion, commandLine, started, when, status, stopReason, suite, host, agentEnvironment, warnings,
                environments, trials, timing);
    }
}
