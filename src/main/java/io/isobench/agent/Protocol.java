package io.isobench.agent;

import io.isobench.host.InsideFacts;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The agent protocol: newline-delimited JSON, one request line in, one response line out, over
 * whatever byte stream the environment offers (a child's stdio, a container's attached stdio, a
 * VM's virtio-serial port). Versioned: an agent refuses a request of another version with an
 * error response, never a hang.
 *
 * <pre>
 * {"v":1,"id":7,"op":"run","args":{"workload":"stream","params":{...}}}
 * {"v":1,"id":7,"ok":true,"result":{"measurements":[...],"metadata":{...}}}
 * {"v":1,"id":8,"ok":false,"error":"stream: validation failed ..."}
 * </pre>
 */
public final class Protocol {

    public static final int VERSION = 1;

    /**
     * System property of the agent's JVM: a file (a FIFO) to write responses to instead of
     * stdout, so that nothing else the process writes (a native library, the JVM) lands on the
     * protocol. A guest's init gives the agent such a channel to its virtio port.
     */
    public static final String CHANNEL_PROPERTY = "isobench.agent.protocol";

    /** Facts and greeting; args: {@code dataDir}. Result: {@code {protocol, facts}}. */
    public static final String HELLO = "hello";
    /**
     * One iteration inside; args: {@code workload, params}, and {@code host}: the host's identity
     * (see {@link InsideFacts#hostIdentity()}). Result: a WorkloadResult.
     */
    public static final String RUN = "run";
    /** Start a server side; args: {@code workload, params, port}. Result: {@code {server, facts}}. */
    public static final String SERVER_START = "server.start";
    /** Stop it; args: {@code server}. Result: a WorkloadResult measured inside while it ran. */
    public static final String SERVER_STOP = "server.stop";
    /**
     * One iteration of a server workload's load side, run by a client agent (the place the load
     * comes from: a network namespace, later another machine); args: {@code workload, params,
     * endpoint: {host, port, path}}. Result: a WorkloadResult. Added to version 1: an agent that
     * predates it answers "unknown operation 'drive'", never a hang.
     */
    public static final String DRIVE = "drive";
    /** Re-read the inside facts (e.g. after a variant changed a limit). Result: {@code {facts}}. */
    public static final String FACTS = "facts";
    /** Answers at once with an empty result: the round trip of the path into the environment. */
    public static final String PING = "ping";
    /** Stop every server and exit. */
    public static final String SHUTDOWN = "shutdown";

    private Protocol() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Request(int v, long id, String op, Map<String, Object> args) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Response(int v, long id, boolean ok, JsonNode result, String error) {

        public static Response ok(long id, JsonNode result) {
            return new Response(VERSION, id, true, result, null);
        }

        public static Response error(long id, String message) {
            return new Response(VERSION, id, false, null, message);
        }
    }
}
