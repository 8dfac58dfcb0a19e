package io.isobench.env;

import io.isobench.core.Bytes;
/**
 * Something a run created and did not remove: a container, volume, folder, VM process, tap device,
 * bridge, network namespace or agent process. Every one carries the id of the run that made it
 * (from its label, name or marker), so {@code doctor --clean} removes only those of runs that
 * are not running (see {@code result.RunLock}).
 *
 * @param runId  the run that created it, "?" when it cannot be told
 * @param kind   "container", "volume", "folder", "process", "device", "namespace"
 * @param bytes  its size on disk, -1 when it has none or it cannot be measured
 * @param state  a word on its state (e.g. "running"), or ""
 * @param remove how to remove it
 */
public record Leftover(String runId, String kind, String name, long bytes, String state, Cleanup.Action remove) {

    @Override
    public String toString() {
        return kind + " " + name + (bytes >= 0 ? " (" + Bytes.human(bytes) + ")" : "") + (state == null || state.isBlank() ? "" : ", " + state);
    }
}
