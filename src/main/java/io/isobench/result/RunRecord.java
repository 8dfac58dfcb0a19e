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
        List<String> warnings,
        Map<String, Map<String, Object>> environments,
        List<TrialRecord> trials,
        Map<String, Object> timing) {

    /** A record without timing yet (a run that has not started). */
    public RunRecord(String id, String toolVersion, List<String> commandLine, Instant started, Instant ended, RunStatus status,
                     String stopReason, Map<String, Object> suite, Map<String, Object> host, List<String> warnings,
                     Map<String, Map<String, Object>> environments, List<TrialRecord> trials) {
        this(id, toolVersion, commandLine, started, ended, status, stopReason, suite, host, warnings, environments, trials, null);
    }
}
