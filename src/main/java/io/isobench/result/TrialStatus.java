package io.isobench.result;

/** Where a trial stands within a run. */
public enum TrialStatus {
    PENDING, RUNNING, DONE, FAILED, SKIPPED;
}
