package io.isobench.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {

    private static final Protocol.Run RUN = new Protocol.Run("test_constant", Map.of(), null);

    /** A fake agent on the other end of a pipe, to show how the client treats a misbehaving one. */
    private static final class Peer implements AutoCloseable {
        final PipedOutputStream toClient = new PipedOutputStream();
        final PipedInputStream fromPeer;
        final ByteArrayOutputStream requests = new ByteArrayOutputStream();
        final AgentClient client;

        Peer() throws IOException {
            fromPeer = new PipedInputStream(toClient, 1 << 16);
            client = new AgentClient("agent in test", fromPeer, requests, () -> "diagnostics: console tail here");
        }

        void say(String line) throws IOException {
            toClient.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            toClient.flush();
        }

        @Override
        public void close() throws IOException {
            client.close();
            toClient.close();
        }
    }

    @Test
    void clientReturnsTheResultOfItsOwnRequestAndSkipsLateAnswers() throws Exception {
        try (Peer p = new Peer()) {
            p.say("{\"v\":1,\"id\":0,\"ok\":true,\"result\":{\"late\":true}}");
            p.say("{\"v\":1,\"id\":1,\"ok\":true,\"result\":{\"facts\":{\"x\":5}}}");
            Protocol.Facts r = p.client.call(new Protocol.ReadFacts(), Duration.ofSeconds(5));
            assertThat(r.facts().get("x")).isEqualTo(5);
            assertThat(p.requests.toString(StandardCharsets.UTF_8)).contains("\"op\":\"facts\"").contains("\"v\":1");
        }
    }

    @Test
    void garbageFromTheAgentBreaksItWithTheLineAndDiagnostics() throws Exception {
        try (Peer p = new Peer()) {
            p.say("Segmentation fault (core dumped)");
            assertThatThrownBy(() -> p.client.call(RUN, Duration.ofSeconds(5)))
                    .isInstanceOf(AgentException.class)
                    .hasMessageContaining("not the protocol")
                    .hasMessageContaining("Segmentation fault")
                    .hasMessageContaining("console tail here")
                    .satisfies(e -> assertThat(((AgentException) e).broken()).isTrue());
            assertThat(p.client.broken()).isTrue();
        }
    }

    @Test
    void anAgentThatExitsIsReportedNotWaitedFor() throws Exception {
        try (Peer p = new Peer()) {
            p.toClient.close();
            assertThatThrownBy(() -> p.client.call(RUN, Duration.ofSeconds(30)))
                    .isInstanceOf(AgentException.class).hasMessageContaining("exited");
        }
    }

    /**
     * A guest's virtio port stays open after the agent behind it died: the channel says nothing.
     * The environment's watch (here: a real process, killed with SIGKILL) tells, and the call
     * fails with the cause long before its deadline.
     */
    @Test
    void aDeathTheChannelDoesNotShowIsNoticedFromTheWatchNotAtTheDeadline() throws Exception {
        Process agent = new ProcessBuilder("sleep", "600").start();
        try (PipedOutputStream keptOpen = new PipedOutputStream(); PipedInputStream channel = new PipedInputStream(keptOpen);
             AgentClient client = new AgentClient("agent in test", channel, new ByteArrayOutputStream(), () -> "diagnostics here",
                     () -> agent.isAlive() ? null : new AgentException.Death("the agent process "
                             + AgentException.Death.exitStatus(agent.exitValue()), "/logs/agent.log"))) {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException ignored) {
                    // killed at once then
                }
                agent.destroyForcibly();
            });
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.call(RUN, Duration.ofSeconds(600)))
                    .isInstanceOf(AgentException.class)
                    .hasMessageContaining("died while answering 'run'")
                    .hasMessageContaining("killed by SIGKILL (status 137)")
                    .hasMessageContaining("see /logs/agent.log")
                    .hasMessageContaining("diagnostics here")
                    .satisfies(e -> assertThat(((AgentException) e).death()).isNotNull());
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
            assertThat(client.broken()).isTrue();
        } finally {
            agent.destroyForcibly();
        }
    }

    @Test
    void aHangIsNotADeath() throws Exception {
        try (Peer p = new Peer()) {
            assertThatThrownBy(() -> p.client.call(RUN, Duration.ofMillis(300)))
                    .isInstanceOf(AgentException.class).hasMessageContaining("hangs")
                    .satisfies(e -> assertThat(((AgentException) e).death()).isNull());
        }
    }

    @Test
    void anAgentThatHangsFailsAtTheDeadline() throws Exception {
        try (Peer p = new Peer()) {
            assertThatThrownBy(() -> p.client.call(RUN, Duration.ofMillis(200)))
                    .isInstanceOf(AgentException.class).hasMessageContaining("hangs");
            // a broken agent is not asked again
            assertThatThrownBy(() -> p.client.call(new Protocol.ReadFacts(), Duration.ofSeconds(1)))
                    .hasMessageContaining("no longer usable");
        }
    }

    @Test
    void anErrorResponseLeavesTheAgentUsable() throws Exception {
        try (Peer p = new Peer()) {
            p.say("{\"v\":1,\"id\":1,\"ok\":false,\"error\":\"stream: validation failed\"}");
            assertThatThrownBy(() -> p.client.call(RUN, Duration.ofSeconds(5)))
                    .isInstanceOf(AgentException.class).hasMessageContaining("validation failed")
                    .satisfies(e -> assertThat(((AgentException) e).broken()).isFalse());
            p.say("{\"v\":1,\"id\":2,\"ok\":true,\"result\":{}}");
            assertThat(p.client.call(new Protocol.ReadFacts(), Duration.ofSeconds(5))).isNotNull();
        }
    }

    @Test
    void anAgentOfAnotherVersionIsBroken() throws Exception {
        try (Peer p = new Peer()) {
            p.say("{\"v\":2,\"id\":1,\"ok\":true,\"result\":{}}");
            assertThatThrownBy(() -> p.client.call(new Protocol.Hello(null), Duration.ofSeconds(5)))
                    .hasMessageContaining("protocol version 2").hasMessageContaining("rebuild the guest image");
        }
    }

}
