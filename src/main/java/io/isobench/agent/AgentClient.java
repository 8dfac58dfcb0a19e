package io.isobench.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The host's end of the agent protocol over a pair of byte streams. Every call has a deadline:
 * an agent that dies, hangs or answers garbage yields an {@link AgentException} with the
 * environment's diagnostics (e.g. the agent's stderr or the guest console tail), never a hang.
 *
 * <p>A death is noticed within {@link #WATCH_PERIOD} or so, not at the deadline: while it waits
 * for an answer the client asks the environment's {@link Watch} whether the agent still lives
 * (native: its process; docker: the container; a VM: the guest init's report on the console and
 * the guest kernel's log). The protocol channel alone cannot tell: a guest's virtio port stays
 * open while the agent behind it is dead.
 */
public final class AgentClient implements AutoCloseable {

    private static final String EOF = "\u0000eof";
    /** How often the watch is asked while an answer is awaited. */
    static final Duration WATCH_PERIOD = Duration.ofMillis(250);
    /** How long, after the channel closed or garbage arrived, the watch gets to confirm a death and find its cause. */
    static final Duration CONFIRM = Duration.ofSeconds(4);

    /**
     * How an environment tells, from outside the protocol, that its agent died and why. Called
     * every {@link #WATCH_PERIOD} while an answer is awaited, so it must be cheap (a flag, a
     * process state, the new bytes of a log) until the agent is gone.
     */
    @FunctionalInterface
    public interface Watch {
        /** Null while the agent may be alive; once it is dead, how it died, from the evidence. */
        AgentException.Death death();

        Watch NONE = () -> null;
    }

    private final String name;
    private final OutputStream toAgent;
    private final Supplier<String> diagnostics;
    private final Watch watch;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;
    private long nextId = 1;
    private volatile boolean broken;
    private volatile String brokenReason;

    /**
     * @param name        how to call this agent in messages, e.g. "agent in docker[network=nat]"
     * @param diagnostics what to append to a failure message (stderr tail, console tail)
     */
    public AgentClient(String name, InputStream fromAgent, OutputStream toAgent, Supplier<String> diagnostics) {
        this(name, fromAgent, toAgent, diagnostics, Watch.NONE);
    }

    /**
     * @param watch how to tell that the agent died, and why (see {@link Watch})
     */
    public AgentClient(String name, InputStream fromAgent, OutputStream toAgent, Supplier<String> diagnostics, Watch watch) {
        this.name = name;
        this.toAgent = toAgent;
        this.diagnostics = diagnostics;
        this.watch = watch == null ? Watch.NONE : watch;
        this.reader = Thread.ofPlatform().daemon().name("agent-reader-" + name).start(() -> readLoop(fromAgent));
    }

    private void readLoop(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the stream broke: same as end of stream for the caller
        } finally {
            lines.add(EOF);
        }
    }

    public String name() {
        return name;
    }

    /** True once the agent died, hung or spoke garbage: the instance must be replaced. */
    public boolean broken() {
        return broken;
    }

    /**
     * Sends one request and waits for its answer.
     *
     * @return the answer, read into the record the request names
     * @throws AgentException when the workload failed (agent fine) or the agent broke
     */
    public synchronized <A> A call(Protocol.Request<A> request, Duration deadline) throws AgentException {
        String op = request.op();
        if (broken) {
            throw new AgentException(name + " is no longer usable: " + brokenReason, true);
        }
        long id = nextId++;
        try {
            toAgent.write(Protocol.encode(id, request).getBytes(StandardCharsets.UTF_8));
            toAgent.write('\n');
            toAgent.flush();
        } catch (IOException e) {
            AgentException.Death d = confirmDeath();
            throw d != null ? died(op, d) : fail("could not send '" + op + "' (" + e.getMessage() + "): the agent has gone");
        }
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            String line;
            try {
                line = left <= 0 ? null : lines.poll(Math.min(left, WATCH_PERIOD.toNanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail("interrupted while waiting for '" + op + "'");
            }
            if (line == null) {
                AgentException.Death d = watch.death();
                if (d != null) {
                    throw died(op, d);
                }
                if (deadlineNanos - System.nanoTime() > 0) {
                    continue;
                }
                throw fail("no answer to '" + op + "' within " + human(deadline) + ": the agent hangs");
            }
            if (line == EOF) {
                lines.add(EOF); // later calls see the end too
                AgentException.Death d = confirmDeath();
                throw died(op, d != null ? d : new AgentException.Death("the agent's channel closed: it exited (no cause found)", null));
            }
            Protocol.AnswerFrame answer;
            try {
                answer = Protocol.readAnswer(line);
            } catch (JsonProcessingException e) {
                // what a dying process leaves on its way out (a crash report's first line) is not garbage but a death
                AgentException.Death d = confirmDeath();
                if (d != null) {
                    throw died(op, d);
                }
                throw fail("answered something that is not the protocol: '" + abbreviate(line) + "'");
            }
            if (answer.v() != Protocol.VERSION) {
                throw fail("speaks protocol version " + answer.v() + ", this isobench speaks " + Protocol.VERSION + ": "
                        + Protocol.VERSION_FIX);
            }
            if (answer.id() != id) {
                continue; // a late answer to an earlier request that timed out
            }
            if (!answer.ok()) {
                throw new AgentException(name + ": " + answer.error(), false);
            }
            try {
                return Protocol.decodeAnswer(answer.result(), request);
            } catch (JsonProcessingException e) {
                throw fail("answered '" + op + "' with something that is not its answer (" + e.getOriginalMessage() + "): '"
                        + abbreviate(line) + "'");
            }
        }
    }

    private AgentException fail(String why) {
        broken = true;
        brokenReason = why;
        return new AgentException(name + " " + why + diagnosticsText(), true);
    }

    private AgentException died(String op, AgentException.Death d) {
        broken = true;
        brokenReason = "it died: " + d.cause();
        return new AgentException(name + " died while answering '" + op + "': " + d.describe() + diagnosticsText(), d);
    }

    private String diagnosticsText() {
        String diag = diagnostics == null ? "" : diagnostics.get();
        return diag == null || diag.isBlank() ? "" : "\n" + diag.strip();
    }

    /**
     * After the channel closed or garbage arrived: asks the watch for up to {@link #CONFIRM}
     * whether the agent died (a process is reaped, a container's state or a guest's report
     * arrives a moment after the channel closes). Null when it did not confirm one.
     */
    private AgentException.Death confirmDeath() {
        long until = System.nanoTime() + CONFIRM.toNanos();
        while (true) {
            AgentException.Death d = watch.death();
            if (d != null || watch == Watch.NONE || System.nanoTime() > until) {
                return d;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static String human(Duration d) {
        return d.toSeconds() >= 1 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void close() {
        try {
            toAgent.close();
        } catch (IOException ignored) {
            // closing is best effort: the environment ends the process anyway
        }
        reader.interrupt();
    }
}
