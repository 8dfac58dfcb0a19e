package io.isobench.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.result.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {

    private static JsonNode reply(Agent agent, String request) throws IOException {
        return Json.mapper().readTree(Json.mapper().writeValueAsString(agent.handle(request)));
    }

    @Test
    void helloAnswersWithTheProtocolVersionAndInsideFacts() throws Exception {
        JsonNode r = reply(new Agent(), "{\"v\":1,\"id\":3,\"op\":\"hello\",\"args\":{}}");
        assertThat(r.get("id").asLong()).isEqualTo(3);
        assertThat(r.get("ok").asBoolean()).isTrue();
        assertThat(r.at("/result/protocol").asInt()).isEqualTo(Protocol.VERSION);
        assertThat(r.at("/result/facts/kernel").asText()).isNotBlank();
        assertThat(r.at("/result/facts/ns_net").asText()).startsWith("net:[");
    }

    @Test
    void runReturnsTheWorkloadsFigures() throws Exception {
        JsonNode r = reply(new Agent(), "{\"v\":1,\"id\":1,\"op\":\"run\",\"args\":{\"workload\":\"test_constant\",\"params\":{\"value\":3.5}}}");
        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.at("/result/measurements/0/metric").asText()).isEqualTo("value");
        assertThat(r.at("/result/measurements/0/value").asDouble()).isEqualTo(3.5);
        assertThat(r.at("/result/measurements/1/labels/clients").asInt()).isEqualTo(2);
    }

    @Test
    void failuresBecomeErrorResponsesNotCrashes() throws Exception {
        Agent agent = new Agent();
        JsonNode fail = reply(agent, "{\"v\":1,\"id\":2,\"op\":\"run\",\"args\":{\"workload\":\"test_fail\"}}");
        assertThat(fail.get("ok").asBoolean()).isFalse();
        assertThat(fail.get("error").asText()).contains("verification failed on purpose");
        JsonNode unknown = reply(agent, "{\"v\":1,\"id\":4,\"op\":\"fly\"}");
        assertThat(unknown.get("error").asText()).contains("unknown operation 'fly'");
        JsonNode noWorkload = reply(agent, "{\"v\":1,\"id\":5,\"op\":\"run\",\"args\":{\"workload\":\"nope\"}}");
        assertThat(noWorkload.get("error").asText()).contains("unknown workload 'nope'");
        JsonNode garbage = reply(agent, "this is not json");
        assertThat(garbage.get("ok").asBoolean()).isFalse();
        assertThat(garbage.get("error").asText()).contains("not a protocol request");
    }

    @Test
    void anotherProtocolVersionIsRefused() throws Exception {
        JsonNode r = reply(new Agent(), "{\"v\":99,\"id\":1,\"op\":\"hello\"}");
        assertThat(r.get("ok").asBoolean()).isFalse();
        assertThat(r.get("error").asText()).contains("version 1").contains("version 99");
    }

    @Test
    void serveAnswersEachLineAndStopsAtShutdown() throws Exception {
        String in = "{\"v\":1,\"id\":1,\"op\":\"facts\"}\n\n{\"v\":1,\"id\":2,\"op\":\"shutdown\"}\n{\"v\":1,\"id\":3,\"op\":\"facts\"}\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Agent().serve(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), out);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2); // the request after shutdown is never read
        assertThat(Json.mapper().readTree(lines[1]).at("/result/bye").asBoolean()).isTrue();
    }

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
            p.say("{\"v\":1,\"id\":1,\"ok\":true,\"result\":{\"x\":5}}");
            JsonNode r = p.client.call("facts", Map.of(), Duration.ofSeconds(5));
            assertThat(r.get("x").asInt()).isEqualTo(5);
            assertThat(p.requests.toString(StandardCharsets.UTF_8)).contains("\"op\":\"facts\"").contains("\"v\":1");
        }
    }

    @Test
    void garbageFromTheAgentBreaksItWithTheLineAndDiagnostics() throws Exception {
        try (Peer p = new Peer()) {
            p.say("Segmentation fault (core dumped)");
            assertThatThrownBy(() -> p.client.call("run", Map.of(), Duration.ofSeconds(5)))
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
            assertThatThrownBy(() -> p.client.call("run", Map.of(), Duration.ofSeconds(30)))
                    .isInstanceOf(AgentException.class).hasMessageContaining("exited");
        }
    }

    @Test
    void anAgentThatHangsFailsAtTheDeadline() throws Exception {
        try (Peer p = new Peer()) {
            assertThatThrownBy(() -> p.client.call("run", Map.of(), Duration.ofMillis(200)))
                    .isInstanceOf(AgentException.class).hasMessageContaining("hangs");
            // a broken agent is not asked again
            assertThatThrownBy(() -> p.client.call("facts", Map.of(), Duration.ofSeconds(1)))
                    .hasMessageContaining("no longer usable");
        }
    }

    @Test
    void anErrorResponseLeavesTheAgentUsable() throws Exception {
        try (Peer p = new Peer()) {
            p.say("{\"v\":1,\"id\":1,\"ok\":false,\"error\":\"stream: validation failed\"}");
            assertThatThrownBy(() -> p.client.call("run", Map.of(), Duration.ofSeconds(5)))
                    .isInstanceOf(AgentException.class).hasMessageContaining("validation failed")
                    .satisfies(e -> assertThat(((AgentException) e).broken()).isFalse());
            p.say("{\"v\":1,\"id\":2,\"ok\":true,\"result\":{}}");
            assertThat(p.client.call("facts", Map.of(), Duration.ofSeconds(5))).isNotNull();
        }
    }

    @Test
    void anAgentOfAnotherVersionIsBroken() throws Exception {
        try (Peer p = new Peer()) {
            p.say("{\"v\":2,\"id\":1,\"ok\":true,\"result\":{}}");
            assertThatThrownBy(() -> p.client.call("hello", Map.of(), Duration.ofSeconds(5)))
                    .hasMessageContaining("protocol version 2").hasMessageContaining("rebuild the guest image");
        }
    }

    @Test
    void driveRunsAServerWorkloadsLoadSideInTheAgentAgainstAnEndpoint() throws Exception {
        Agent agent = new Agent();
        io.isobench.workload.ServerWorkload echo = (io.isobench.workload.ServerWorkload) io.isobench.workload.Workloads.get("test_echo", "test");
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        var server = echo.startServer(null, null, port);
        try {
            JsonNode r = reply(agent, "{\"v\":1,\"id\":5,\"op\":\"drive\",\"args\":{\"workload\":\"test_echo\",\"params\":{\"count\":7},"
                    + "\"endpoint\":{\"host\":\"127.0.0.1\",\"port\":" + port + ",\"path\":\"loopback\"}}}");
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.at("/result/measurements/0/value").asDouble()).isEqualTo(7);
            assertThat(r.at("/result/metadata/path").asText()).isEqualTo("loopback");
        } finally {
            server.stop();
        }
        JsonNode notServer = reply(agent, "{\"v\":1,\"id\":6,\"op\":\"drive\",\"args\":{\"workload\":\"test_constant\"}}");
        assertThat(notServer.get("error").asText()).contains("no load side");
        JsonNode noEndpoint = reply(agent, "{\"v\":1,\"id\":7,\"op\":\"drive\",\"args\":{\"workload\":\"test_echo\"}}");
        assertThat(noEndpoint.get("error").asText()).contains("endpoint");
    }
}
