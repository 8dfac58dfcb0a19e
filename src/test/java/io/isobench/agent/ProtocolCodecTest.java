package io.isobench.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.core.Endpoint;
import io.isobench.result.Json;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one codec: typed messages on the version-1 wire, both ends. */
class ProtocolCodecTest {

    private static final List<Protocol.Request<?>> EVERY_REQUEST = List.of(
            new Protocol.Hello("/data"), new Protocol.Hello(null), new Protocol.Ping(), new Protocol.ReadFacts(),
            new Protocol.Run("stream", Map.of("threads", 2, "size", "64M"), Map.of("boot_id", "b1", "pid", 42)),
            new Protocol.StartServer("tcp_rr", Map.of("clients", List.of(1, 4)), 5201, Map.of("boot_id", "b1")),
            new Protocol.StopServer("s3"), new Protocol.Drive("redis", Map.of("clients", 10), new Endpoint("10.0.0.2", 6379, "veth")),
            new Protocol.Shutdown());

    @Test
    void everyRequestComesOutAsItWentIn() {
        long id = 1;
        for (Protocol.Request<?> r : EVERY_REQUEST) {
            Protocol.Received got = Protocol.decodeRequest(Protocol.encode(id, r));
            assertThat(got.error()).as(r.op()).isNull();
            assertThat(got.id()).isEqualTo(id);
            assertThat(got.request()).isEqualTo(r);
            id++;
        }
    }

    /** The lines version 1 sent before its messages were typed: an agent built then still understands them. */
    @Test
    void theWireIsVersionOnesAsItWas() throws Exception {
        assertThat(tree(Protocol.encode(7, new Protocol.Hello("/data"))))
                .isEqualTo(tree("{\"v\":1,\"id\":7,\"op\":\"hello\",\"args\":{\"dataDir\":\"/data\"}}"));
        assertThat(tree(Protocol.encode(1, new Protocol.Hello(null)))).isEqualTo(tree("{\"v\":1,\"id\":1,\"op\":\"hello\",\"args\":{}}"));
        assertThat(tree(Protocol.encode(2, new Protocol.Ping()))).isEqualTo(tree("{\"v\":1,\"id\":2,\"op\":\"ping\",\"args\":{}}"));
        assertThat(tree(Protocol.encode(3, new Protocol.Run("stream", Map.of("threads", 2), Map.of("pid", 9)))))
                .isEqualTo(tree("{\"v\":1,\"id\":3,\"op\":\"run\",\"args\":{\"workload\":\"stream\",\"params\":{\"threads\":2},\"host\":{\"pid\":9}}}"));
        assertThat(tree(Protocol.encode(4, new Protocol.StartServer("tcp_rr", Map.of(), 5201, Map.of()))))
                .isEqualTo(tree("{\"v\":1,\"id\":4,\"op\":\"server.start\",\"args\":{\"workload\":\"tcp_rr\",\"params\":{},\"port\":5201,\"host\":{}}}"));
        assertThat(tree(Protocol.encode(5, new Protocol.StopServer("s1"))))
                .isEqualTo(tree("{\"v\":1,\"id\":5,\"op\":\"server.stop\",\"args\":{\"server\":\"s1\"}}"));
        assertThat(tree(Protocol.encode(6, new Protocol.Drive("tcp_rr", Map.of(), new Endpoint("10.1.0.1", 80, "veth")))))
                .isEqualTo(tree("{\"v\":1,\"id\":6,\"op\":\"drive\",\"args\":{\"workload\":\"tcp_rr\",\"params\":{},"
                        + "\"endpoint\":{\"host\":\"10.1.0.1\",\"port\":80,\"path\":\"veth\"}}}"));
        assertThat(tree(Protocol.encode(8, new Protocol.ReadFacts()))).isEqualTo(tree("{\"v\":1,\"id\":8,\"op\":\"facts\",\"args\":{}}"));
        assertThat(tree(Protocol.encode(9, new Protocol.Shutdown()))).isEqualTo(tree("{\"v\":1,\"id\":9,\"op\":\"shutdown\",\"args\":{}}"));
        // answers
        WorkloadResult result = WorkloadResult.builder().higher("x", 1.5, "GB/s").fact("k", "v").build();
        assertThat(tree(Protocol.encodeAnswer(3, result)).path("result")).isEqualTo(Json.mapper().valueToTree(result));
        assertThat(tree(Protocol.encodeAnswer(4, new Protocol.ServerStarted("s1", Map.of("pid", 5)))))
                .isEqualTo(tree("{\"v\":1,\"id\":4,\"ok\":true,\"result\":{\"server\":\"s1\",\"facts\":{\"pid\":5}}}"));
        assertThat(tree(Protocol.encodeAnswer(9, new Protocol.Bye(true))))
                .isEqualTo(tree("{\"v\":1,\"id\":9,\"ok\":true,\"result\":{\"bye\":true}}"));
        assertThat(tree(Protocol.encodeError(2, "stream: validation failed")))
                .isEqualTo(tree("{\"v\":1,\"id\":2,\"ok\":false,\"error\":\"stream: validation failed\"}"));
    }

    @Test
    void whatCannotBeServedSaysWhyUnderTheRequestsId() {
        assertThat(Protocol.decodeRequest("{\"v\":2,\"id\":5,\"op\":\"ping\"}"))
                .satisfies(r -> assertThat(r.id()).isEqualTo(5))
                .satisfies(r -> assertThat(r.error()).contains("version 1").contains("version 2").contains("isobench image build"));
        assertThat(Protocol.decodeRequest("{\"v\":1,\"id\":6,\"op\":\"fly\"}").error())
                .contains("unknown operation 'fly'").contains("hello").contains("drive");
        assertThat(Protocol.decodeRequest("{\"v\":1,\"id\":7,\"op\":\"server.start\",\"args\":{\"workload\":\"tcp_rr\",\"port\":\"eighty\"}}"))
                .satisfies(r -> assertThat(r.id()).isEqualTo(7))
                .satisfies(r -> assertThat(r.error()).contains("arguments of 'server.start'"));
        assertThat(Protocol.decodeRequest("{\"v\":1,").error()).startsWith("not a protocol request");
    }

    @Test
    void theClientReadsEachAnswerIntoItsRequestsRecord() throws Exception {
        try (PipedOutputStream toClient = new PipedOutputStream(); PipedInputStream in = new PipedInputStream(toClient, 1 << 16);
             AgentClient client = new AgentClient("agent in test", in, new ByteArrayOutputStream(), () -> "")) {
            WorkloadResult sent = WorkloadResult.builder().add(Measurement.lower("latency", 12.5, "us").withLabel("clients", "4"))
                    .fact("server", Map.of("version", "7.0")).build();
            say(toClient, Protocol.encodeAnswer(1, sent));
            WorkloadResult got = client.call(new Protocol.Run("tcp_rr", Map.of(), null), Duration.ofSeconds(5));
            assertThat(got.measurements()).isEqualTo(sent.measurements());
            assertThat(got.metadata()).isEqualTo(sent.metadata());

            say(toClient, Protocol.encodeAnswer(2, new Protocol.Greeting(1, "/data", Map.of("kernel", "6.1"))));
            assertThat(client.call(new Protocol.Hello("/data"), Duration.ofSeconds(5)).facts()).containsEntry("kernel", "6.1");

            // an answer that is JSON of the protocol but not the record asked for: the agent is not to be trusted
            say(toClient, "{\"v\":1,\"id\":3,\"ok\":true,\"result\":{\"server\":[1,2]}}");
            assertThatThrownBy(() -> client.call(new Protocol.StartServer("tcp_rr", Map.of(), 1, null), Duration.ofSeconds(5)))
                    .isInstanceOf(AgentException.class).hasMessageContaining("not its answer").hasMessageContaining("server.start")
                    .satisfies(e -> assertThat(((AgentException) e).broken()).isTrue());
        }
    }

    private static void say(PipedOutputStream out, String line) throws Exception {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static JsonNode tree(String json) throws Exception {
        return Json.mapper().readTree(json);
    }
}
