package io.isobench.inside;

import io.isobench.BadInputException;
import io.isobench.agent.Protocol;
import io.isobench.core.Errors;
import io.isobench.host.InsideFacts;
import io.isobench.host.HostFacts;
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
                Reply reply = handle(line);
                out.write(reply.line().getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                out.flush();
                if (reply.answer() instanceof Protocol.Bye) {
                    return;
                }
            }
        } finally {
            stopAll();
        }
    }

    /** An answer line, with the answer it carries (null for an error). */
    record Reply(String line, Object answer) {
    }

    Reply handle(String line) {
        Protocol.Received req = Protocol.decodeRequest(line);
        if (req.error() != null) {
            return new Reply(Protocol.encodeError(req.id(), req.error()), null);
        }
        try {
            Object answer = dispatch(req.request());
            return new Reply(Protocol.encodeAnswer(req.id(), answer), answer);
        } catch (BadInputException e) {
            return new Reply(Protocol.encodeError(req.id(), e.getMessage()), null);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            return new Reply(Protocol.encodeError(req.id(), Errors.describe(e)), null);
        }
    }

    private Object dispatch(Protocol.Request<?> request) throws Exception {
        return switch (request) {
            case Protocol.Hello h -> {
                if (h.dataDir() != null) {
                    dataDir = Path.of(h.dataDir());
                    Files.createDirectories(dataDir);
                }
                yield new Protocol.Greeting(Protocol.VERSION, dataDir.toString(), InsideFacts.read());
            }
            case Protocol.Ping p -> new Protocol.Pong();
            case Protocol.ReadFacts f -> new Protocol.Facts(InsideFacts.read());
            case Protocol.Run r -> {
                Workload w = workload(r.workload());
                yield w.runInside(params(w, r.params()), context(r.host()));
            }
            case Protocol.StartServer r -> {
                Workload w = workload(r.workload());
                if (!(w instanceof ServerWorkload sw)) {
                    throw new BadInputException(w.name() + " has no server side");
                }
                ServerSide s = sw.startServer(params(w, r.params()), context(r.host()), r.port());
                String id = "s" + nextServer++;
                servers.put(id, s);
                yield new Protocol.ServerStarted(id, s.facts());
            }
            case Protocol.StopServer r -> {
                ServerSide s = servers.remove(r.server());
                if (s == null) {
                    throw new BadInputException("no server '" + r.server() + "' is running");
                }
                yield s.stop();
            }
            case Protocol.Drive r -> {
                Workload w = workload(r.workload());
                if (!(w instanceof ServerWorkload sw)) {
                    throw new BadInputException(w.name() + " has no load side to drive: it runs inside with 'run'");
                }
                Endpoint e = r.endpoint();
                if (e == null || e.host() == null || e.port() <= 0) {
                    throw new BadInputException("a 'drive' request needs endpoint: {host, port, path}");
                }
                yield sw.drive(params(w, r.params()), e.path() == null ? new Endpoint(e.host(), e.port(), "") : e,
                        new HostContext(HostFacts.read(), dataDir));
            }
            case Protocol.Shutdown s -> {
                stopAll();
                yield new Protocol.Bye(true);
            }
        };
    }

    private InsideContext context(Map<String, Object> host) {
        return new InsideContext(dataDir, HostFacts.read(), host == null ? Map.of() : host);
    }

    private static Workload workload(String name) {
        return Workloads.get(String.valueOf(name), "agent request");
    }

    /**
     * The request's parameters, validated again inside. The host resolves every parameter, so
     * defaults are filled here only for requests made by hand (from the inside's own facts).
     */
    private static Params params(Workload w, Map<String, Object> given) {
        return Params.resolve(w.params(), given == null ? Map.of() : given, HostFacts.read(), "workload '" + w.name() + "'",
                "agent request");
    }

    private void stopAll() {
        for (ServerSide s : servers.values()) {
            try {
                s.stop();
            } catch (Exception e) {
                io.isobench.core.Console.say("agent: stopping a server failed: " + Errors.describe(e));
            }
        }
        servers.clear();
    }
}
