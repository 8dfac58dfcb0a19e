package io.isobench.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isobench.core.Endpoint;
import io.isobench.result.Json;
import io.isobench.result.WorkloadResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent protocol: newline-delimited JSON, one request line in, one answer line out, over
 * whatever byte stream the environment offers (a child's stdio, a container's attached stdio, a
 * VM's virtio-serial port). Each operation is a record ({@link Request}) that names the record
 * of its answer; {@link #encode}, {@link #decodeRequest}, {@link #encodeAnswer},
 * {@link #encodeError} and {@link #decodeAnswer} are the one codec both ends use. Versioned: an agent refuses a request of
 * another version with an error answer, and the host's client refuses an answer of another
 * version, each saying what to rebuild; never a hang.
 *
 * <pre>
 * {"v":1,"id":7,"op":"run","args":{"workload":"stream","params":{...},"host":{...}}}
 * {"v":1,"id":7,"ok":true,"result":{"measurements":[...],"metadata":{...}}}
 * {"v":1,"id":8,"ok":false,"error":"stream: validation failed ..."}
 * </pre>
 *
 * The wire is that of version 1 before the messages were typed: {@code args} holds a request
 * record's components, {@code result} its answer's.
 */
public final class Protocol {

    public static final int VERSION = 1;

    /**
     * System property of the agent's JVM: a file (a FIFO) to write responses to instead of
     * stdout, so that nothing else the process writes (a native library, the JVM) lands on the
     * protocol. A guest's init gives the agent such a channel to its virtio port.
     */
    public static final String CHANNEL_PROPERTY = "isobench.agent.protocol";

    /** What to do when the two ends speak different versions: both run the same jar again. */
    static final String VERSION_FIX = "rebuild the guest image (isobench image build) so both sides run the same jar";

    private Protocol() {
    }

    // ------------------------------------------------------------------ the messages

    /**
     * One request: a record whose components travel as {@code args}.
     *
     * @param <A> the record its answer is read into
     */
    public sealed interface Request<A> permits Hello, Ping, ReadFacts, Run, StartServer, StopServer, Drive, Shutdown {

        /** The operation's name on the wire. */
        String op();

        /** The type its answer is read into. */
        Class<A> answerType();
    }

    /**
     * Facts and greeting, the first request to a new agent.
     *
     * @param dataDir where workloads inside put their files (the storage under test); null keeps the agent's temporary folder
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hello(String dataDir) implements Request<Greeting> {
        public String op() {
            return "hello";
        }

        public Class<Greeting> answerType() {
            return Greeting.class;
        }
    }

    /** Answers at once with an empty answer: the round trip of the path into the environment. */
    public record Ping() implements Request<Pong> {
        public String op() {
            return "ping";
        }

        public Class<Pong> answerType() {
            return Pong.class;
        }
    }

    /** Re-read the inside facts (e.g. after a variant changed a limit). */
    public record ReadFacts() implements Request<Facts> {
        public String op() {
            return "facts";
        }

        public Class<Facts> answerType() {
            return Facts.class;
        }
    }

    /**
     * One iteration inside.
     *
     * @param params the workload's parameters as the host resolved them ({@code Params.toWire})
     * @param host   the host's identity ({@code InsideFacts.hostIdentity()}); null when the caller has none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Run(String workload, Map<String, Object> params, Map<String, Object> host) implements Request<WorkloadResult> {
        public String op() {
            return "run";
        }

        public Class<WorkloadResult> answerType() {
            return WorkloadResult.class;
        }
    }

    /** Start a server workload's server side inside, bound to {@code port}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StartServer(String workload, Map<String, Object> params, int port, Map<String, Object> host)
            implements Request<ServerStarted> {
        public String op() {
            return "server.start";
        }

        public Class<ServerStarted> answerType() {
            return ServerStarted.class;
        }
    }

    /** Stop a server; the answer is what was measured inside while it ran. */
    public record StopServer(String server) implements Request<WorkloadResult> {
        public String op() {
            return "server.stop";
        }

        public Class<WorkloadResult> answerType() {
            return WorkloadResult.class;
        }
    }

    /**
     * One iteration of a server workload's load side, run by a client agent (the place the load
     * comes from: a network namespace, later another machine) against the server at
     * {@code endpoint}. Added to version 1: an agent that predates it answers "unknown operation
     * 'drive'", never a hang.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Drive(String workload, Map<String, Object> params, Endpoint endpoint) implements Request<WorkloadResult> {
        public String op() {
            return "drive";
        }

        public Class<WorkloadResult> answerType() {
            return WorkloadResult.class;
        }
    }

    /** Stop every server and exit. */
    public record Shutdown() implements Request<Bye> {
        public String op() {
            return "shutdown";
        }

        public Class<Bye> answerType() {
            return Bye.class;
        }
    }

    /** The answer to {@link Hello}: the agent's version, its data folder and the facts it read inside. */
    public record Greeting(int protocol, String dataDir, Map<String, Object> facts) {
    }

    /** The answer to {@link Ping}. */
    public record Pong() {
    }

    /** The answer to {@link ReadFacts}. */
    public record Facts(Map<String, Object> facts) {
    }

    /** The answer to {@link StartServer}: the server's handle for {@link StopServer}, and its facts (version, pid). */
    public record ServerStarted(String server, Map<String, Object> facts) {
    }

    /** The answer to {@link Shutdown}: the agent stops reading after it. */
    public record Bye(boolean bye) {
    }

    /** Every operation by its name on the wire. */
    private static final Map<String, Class<? extends Request<?>>> OPERATIONS = operations();

    private static Map<String, Class<? extends Request<?>>> operations() {
        Map<String, Class<? extends Request<?>>> m = new LinkedHashMap<>();
        for (Request<?> r : List.of(new Hello(null), new Ping(), new ReadFacts(), new Run(null, null, null),
                new StartServer(null, null, 0, null), new StopServer(null), new Drive(null, null, null), new Shutdown())) {
            @SuppressWarnings("unchecked")
            Class<? extends Request<?>> c = (Class<? extends Request<?>>) r.getClass();
            m.put(r.op(), c);
        }
        return Map.copyOf(m);
    }

    // ------------------------------------------------------------------ the codec

    /** A request line as it travels. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RequestFrame(int v, long id, String op, JsonNode args) {
    }

    /** An answer line as it travels: {@code result} when ok, else {@code error}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AnswerFrame(int v, long id, boolean ok, JsonNode result, String error) {
    }

    /** A request as the agent read it: its id (to answer under) and the request, or why it cannot be served. */
    public record Received(long id, Request<?> request, String error) {
    }

    private static final ObjectMapper JSON = Json.mapper();

    /** The line (without its newline) that sends {@code request} under {@code id}. */
    public static String encode(long id, Request<?> request) {
        try {
            return JSON.writeValueAsString(new RequestFrame(VERSION, id, request.op(), JSON.valueToTree(request)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + request.op() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a request line. A line that is not a request, of another version, of an unknown
     * operation or with arguments that do not fit it comes back with {@link Received#error()}
     * set (and the id when the line had one), for the agent to answer with.
     */
    public static Received decodeRequest(String line) {
        RequestFrame f;
        try {
            f = JSON.readValue(line, RequestFrame.class);
        } catch (JsonProcessingException e) {
            return new Received(0, null, "not a protocol request: " + e.getOriginalMessage());
        }
        if (f.v() != VERSION) {
            return new Received(f.id(), null, "this agent speaks protocol version " + VERSION + ", the request is version " + f.v()
                    + ": " + VERSION_FIX);
        }
        Class<? extends Request<?>> type = OPERATIONS.get(f.op() == null ? "" : f.op());
        if (type == null) {
            return new Received(f.id(), null, "unknown operation '" + f.op() + "'; this agent knows: " + String.join(", ", OPERATIONS.keySet()));
        }
        try {
            JsonNode args = f.args() == null || f.args().isNull() ? JSON.createObjectNode() : f.args();
            return new Received(f.id(), JSON.treeToValue(args, type), null);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            return new Received(f.id(), null, "the arguments of '" + f.op() + "' do not fit it: " + why);
        }
    }

    /** The line that answers request {@code id} with {@code answer}. */
    public static String encodeAnswer(long id, Object answer) {
        try {
            return JSON.writeValueAsString(new AnswerFrame(VERSION, id, true, JSON.valueToTree(answer), null));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode an answer: " + e.getOriginalMessage(), e);
        }
    }

    /** The line that answers request {@code id} with a failure. */
    public static String encodeError(long id, String message) {
        try {
            return JSON.writeValueAsString(new AnswerFrame(VERSION, id, false, null, message == null ? "failed" : message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads an answer line; throws when it is not one (the caller treats that as garbage). */
    static AnswerFrame readAnswer(String line) throws JsonProcessingException {
        return JSON.readValue(line, AnswerFrame.class);
    }

    /** An answer's {@code result} read into the type {@code request} expects; throws when it does not fit. */
    static <A> A decodeAnswer(JsonNode result, Request<A> request) throws JsonProcessingException {
        return JSON.treeToValue(result == null || result.isNull() ? JSON.createObjectNode() : result, request.answerType());
    }
}
