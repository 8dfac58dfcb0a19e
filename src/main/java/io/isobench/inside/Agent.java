package io.isobench.inside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isobench.BadInputException;
import io.isobench.agent.Protocol;
import io.isobench.host.InsideFacts;
import io.isobench.host.HostFacts;
import io.isobench.result.Json;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import io.isobench.workload.ServerWorkload;
import io.isobench.workload.Workload;
import io.isobench.workload.Workloads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-environment end of the protocol: reads requests from {@code in}, runs them one at a
 * time, writes one response line each to {@code out}. Any failure of a request becomes an error
 * response; the agent keeps serving. Servers it started are stopped when it shuts down or its
 * input ends, so none outlives the agent.
 */
public final class Agent {

    private final ObjectMapper json = Json.mapper();
    private final Map<String, ServerSide> servers = new LinkedHashMap<>();
    private Path dataDir = Path.of(System.getProperty("java.io.tmpdir"));
    private int nextServer = 1;

    /**
     * Runs the agent on the process's stdio. Stdout is reserved for the protocol: anything a
     * workload prints goes to stderr instead, so it cannot corrupt a response.
     */
    public static void runOnStdio() throws IOException {
        // a guest's init gives the protocol its own channel (a FIFO to the virtio port), so that nothing else the
        // process writes on its stdout (a native library, the JVM itself) can land on the protocol
        String channel = System.getProperty(Protocol.CHANNEL_PROPERTY);
        PrintStream protocolOut = new PrintStream(channel == null ? new java.io.FileOutputStream(java.io.FileDescriptor.out)
                : new java.io.FileOutputStream(channel), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        new Agent().serve(System.in, protocolOut);
    }

    public void serve(InputStream in, OutputStream out) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                Protocol.Response resp = handle(line);
                out.write(json.writeValueAsBytes(resp));
                out.write('\n');
                out.flush();
                if (resp.ok() && resp.result() != null && resp.result().path("bye").asBoolean(false)) {
                    return;
                }
            }
        } finally {
            stopAll();
        }
    }

    Protocol.Response handle(String line) {
        Protocol.Request req;
        try {
            req = json.readValue(line, Protocol.Request.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Protocol.Response.error(0, "not a protocol request: " + e.getOriginalMessage());
        }
        if (req.v() != Protocol.VERSION) {
            return Protocol.Response.error(req.id(), "this agent speaks protocol version " + Protocol.VERSION
                    + ", the request is version " + req.v());
        }
        Map<String, Object> args = req.args() == null ? Map.of() : req.args();
        try {
            return Protocol.Response.ok(req.id(), dispatch(req.op(), args));
        } catch (BadInputException e) {
            return Protocol.Response.error(req.id(), e.getMessage());
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            return Protocol.Response.error(req.id(), describe(e));
        }
    }

    private JsonNode dispatch(String op, Map<String, Object> args) throws Exception {
        switch (op == null ? "" : op) {
            case Protocol.HELLO -> {
                Object dir = args.get("dataDir");
                if (dir != null) {
                    dataDir = Path.of(dir.toString());
                    Files.createDirectories(dataDir);
                }
                return json.valueToTree(Map.of("protocol", Protocol.VERSION, "dataDir", dataDir.toString(), "facts", InsideFacts.read()));
            }
            case Protocol.PING -> {
                return json.createObjectNode();
            }
            case Protocol.FACTS -> {
                return json.valueToTree(Map.of("facts", InsideFacts.read()));
            }
            case Protocol.RUN -> {
                Workload w = workload(args);
                Params p = params(w, args);
                WorkloadResult r = w.runInside(p, context(args));
                return json.valueToTree(r);
            }
            case Protocol.SERVER_START -> {
                Workload w = workload(args);
                if (!(w instanceof ServerWorkload sw)) {
                    throw new BadInputException(w.name() + " has no server side");
                }
                int port = ((Number) args.get("port")).intValue();
                ServerSide s = sw.startServer(params(w, args), context(args), port);
                String id = "s" + nextServer++;
                servers.put(id, s);
                return json.valueToTree(Map.of("server", id, "facts", s.facts()));
            }
            case Protocol.SERVER_STOP -> {
                ServerSide s = servers.remove(String.valueOf(args.get("server")));
                if (s == null) {
                    throw new BadInputException("no server '" + args.get("server") + "' is running");
                }
                return json.valueToTree(s.stop());
            }
            case Protocol.DRIVE -> {
                Workload w = workload(args);
                if (!(w instanceof ServerWorkload sw)) {
                    throw new BadInputException(w.name() + " has no load side to drive: it runs inside with 'run'");
                }
                return json.valueToTree(sw.drive(params(w, args), endpoint(args), new HostContext(HostFacts.read(), dataDir)));
            }
            case Protocol.SHUTDOWN -> {
                stopAll();
                return json.valueToTree(Map.of("bye", true));
            }
            default -> throw new BadInputException("unknown operation '" + op + "'");
        }
    }

    @SuppressWarnings("unchecked")
    private InsideContext context(Map<String, Object> args) {
        Object host = args.get("host");
        return new InsideContext(dataDir, HostFacts.read(), host instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }

    /** The server's address as the client reaches it: {@code endpoint: {host, port, path}}. */
    private static Endpoint endpoint(Map<String, Object> args) {
        if (!(args.get("endpoint") instanceof Map<?, ?> e) || e.get("host") == null || !(e.get("port") instanceof Number port)) {
            throw new BadInputException("a 'drive' request needs endpoint: {host, port, path}");
        }
        return new Endpoint(String.valueOf(e.get("host")), port.intValue(), e.get("path") == null ? "" : String.valueOf(e.get("path")));
    }

    private static Workload workload(Map<String, Object> args) {
        return Workloads.get(String.valueOf(args.get("workload")), "agent request");
    }

    /**
     * The request's parameters, validated again inside. The host resolves every parameter, so
     * defaults are filled here only for requests made by hand (from the inside's own facts).
     */
    @SuppressWarnings("unchecked")
    private static Params params(Workload w, Map<String, Object> args) {
        Object p = args.get("params");
        return Params.resolve(w.params(), p instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of(), HostFacts.read(),
                "workload '" + w.name() + "'", "agent request");
    }

    private void stopAll() {
        for (ServerSide s : servers.values()) {
            try {
                s.stop();
            } catch (Exception e) {
                System.err.println("agent: stopping a server failed: " + describe(e));
            }
        }
        servers.clear();
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!sb.isEmpty()) {
                sb.append(": ");
            }
            String msg = t.getMessage();
            sb.append(msg == null || t instanceof OutOfMemoryError || t instanceof NullPointerException
                    ? t.getClass().getSimpleName() + (msg == null ? "" : " " + msg) : msg);
        }
        return sb.toString();
    }
}
