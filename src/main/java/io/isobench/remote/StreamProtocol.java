package io.isobench.remote;

/**
 * What a remote {@code isobench run --stream-samples} prints on its standard output for the
 * controller, each a line of its own beside the run's usual output:
 *
 * <pre>
 * isobench-stream: pid 4242                                           the remote isobench's PID, first
 * isobench-stream: run /home/b/.cache/isobench/remote/runs/R/20261206-...   the remote run folder, once
 * isobench-stream: sample {...}                                        each line of samples.jsonl, as written
 * isobench-stream: record {...}                                        run.json, whenever it changes
 * isobench-stream: alive                                               every few seconds: the host is there
 * isobench-stream: end 0                                               the run's exit code, last
 * </pre>
 *
 * The run stops as after Ctrl-C (removing what it started, resumable) when its standard input
 * ends: the controller closed it, was stopped or lost the connection.
 */
public final class StreamProtocol {

    public static final String PREFIX = "isobench-stream: ";
    public static final String PID = "pid";
    public static final String RUN = "run";
    public static final String SAMPLE = "sample";
    public static final String RECORD = "record";
    public static final String ALIVE = "alive";
    public static final String END = "end";

    /** How often a streaming run says it is alive. */
    public static final long ALIVE_EVERY_MS = 3000;

    private StreamProtocol() {
    }

    public static String line(String kind, String payload) {
        return PREFIX + kind + (payload == null ? "" : " " + payload);
    }
}
