package io.isobench.inside;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.agent.Protocol;
import io.isobench.result.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The agent's own end of the protocol: each request line answered, failures as error responses. */
class AgentTest {

    private static JsonNode reply(Agent agent, String request) throws IOException {
        return Json.mapper().readTree(agent.handle(request).line());
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
