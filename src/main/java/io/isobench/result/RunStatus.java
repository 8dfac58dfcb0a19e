package io.isobench.result;

/** Where a run stands: an {@code INCOMPLETE} run has samples on disk but stopped early and can be resumed. */
public enum RunStatus {
    RUNNING, COMPLETE, INCOMPLETE, FAILED;
}
