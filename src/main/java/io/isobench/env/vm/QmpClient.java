package io.isobench.env.vm;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.result.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A small client of the QEMU Machine Protocol on a unix socket: JSON objects one per line, a
 * greeting, capability negotiation, then commands each answered by a {@code return} or an
 * {@code error}, with asynchronous {@code event}s in between (kept, not interpreted).
 *
 * <p>Every command has a deadline; a QEMU that dies or hangs yields an {@link IOException},
 * never a hang.
 */
final class QmpClient implements AutoCloseable {

    private static final JsonNode EOF = Json.mapper().createObjectNode().put("eof", true);

    private final SocketChannel channel;
    private final OutputStream out;
    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final List<JsonNode> events = new ArrayList<>();
    private final JsonNode greeting;
    private long nextId = 1;

    private QmpClient(SocketChannel channel, Duration timeout) throws IOException {
        this.channel = channel;
        this.out = UnixSockets.out(channel);
        Thread.ofPlatform().daemon().name("qmp-reader").start(this::readLoop);
        this.greeting = next(timeout, "the QMP greeting");
        if (!greeting.has("QMP")) {
            throw new IOException("QEMU's monitor greeted with something that is not QMP: " + greeting);
        }
        execute("qmp_capabilities", Map.of(), timeout);
    }

    /** Connects to QEMU's QMP socket (retrying while QEMU creates it) and negotiates capabilities. */
    static QmpClient connect(Path socket, Duration timeout, BooleanSupplier qemuAlive) throws IOException, InterruptedException {
        SocketChannel ch = UnixSockets.connect(socket, timeout, qemuAlive, "QMP");
        try {
            return new QmpClient(ch, timeout);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void readLoop() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(UnixSockets.in(channel), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = Json.mapper().readTree(line);
                if (n.has("event")) {
                    synchronized (events) {
                        events.add(n);
                    }
                } else {
                    replies.add(n);
                }
            }
        } catch (IOException e) {
            // QEMU closed the monitor (it quit or died): same as end of stream
        } finally {
            replies.add(EOF);
        }
    }

    /** The version QEMU reported in its greeting, e.g. "7.2.22". */
    String version() {
        JsonNode q = greeting.path("QMP").path("version").path("qemu");
        return q.path("major").asInt() + "." + q.path("minor").asInt() + "." + q.path("micro").asInt();
    }

    /** The events QEMU sent so far (STOP, RESUME, SHUTDOWN...). */
    List<JsonNode> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * Runs one command and returns its {@code return} value.
     *
     * @throws IOException when QEMU answers with an error, goes away, or does not answer in time
     */
    synchronized JsonNode execute(String command, Map<String, Object> arguments, Duration timeout) throws IOException {
        long id = nextId++;
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("execute", command);
        if (!arguments.isEmpty()) {
            req.put("arguments", arguments);
        }
        req.put("id", id);
        out.write(Json.mapper().writeValueAsBytes(req));
        out.write('\n');
        out.flush();
        while (true) {
            JsonNode reply = next(timeout, "'" + command + "'");
            if (reply.path("id").asLong(-1) != id) {
                continue; // a late reply to a command that timed out earlier
            }
            if (reply.has("error")) {
                throw new IOException("QEMU refused '" + command + "': " + reply.path("error").path("class").asText() + ": "
                        + reply.path("error").path("desc").asText());
            }
            return reply.path("return");
        }
    }

    private JsonNode next(Duration timeout, String what) throws IOException {
        JsonNode n;
        try {
            n = replies.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for QEMU's answer to " + what);
        }
        if (n == null) {
            throw new IOException("QEMU did not answer " + what + " within " + timeout.toSeconds() + " s");
        }
        if (n == EOF) {
            replies.add(EOF);
            throw new IOException("QEMU closed its monitor while answering " + what);
        }
        return n;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort: QEMU is stopped by its process handle anyway
        }
    }
}
