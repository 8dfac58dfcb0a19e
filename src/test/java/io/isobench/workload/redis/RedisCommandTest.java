package io.isobench.workload.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.core.Params;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class RedisCommandTest {

    private static final HostFacts HOST = HostFacts.of(2, 8L << 30, 0);

    @Test
    void keyedCommandsCarryTheRandomFieldAndOthersDoNot() {
        for (RedisCommand c : RedisCommand.values()) {
            byte[] t = c.template(50);
            boolean keyed = c == RedisCommand.GET || c == RedisCommand.SET || c == RedisCommand.SADD;
            assertThat(RedisCommand.randomFieldOffset(t) >= 0).as(c.name()).isEqualTo(keyed);
        }
        String set = new String(RedisCommand.SET.template(5), StandardCharsets.US_ASCII);
        assertThat(set).isEqualTo("*3\r\n$3\r\nSET\r\n$16\r\nkey:############\r\n$5\r\nxxxxx\r\n");
    }

    @Test
    void randomDigitsAreZeroPaddedToTheFieldWidth() {
        byte[] t = RedisCommand.GET.template(50);
        int off = RedisCommand.randomFieldOffset(t);
        LoadGenerator.writeDigits(t, off, 4711);
        assertThat(new String(t, StandardCharsets.US_ASCII)).contains("key:000000004711\r\n");
    }

    @Test
    void checksRepliesAgainstWhatEachCommandMustAnswer() {
        ReplyScanner r = new ReplyScanner();
        r.scan(ByteBuffer.wrap("$50\r\n".concat("x".repeat(50)).concat("\r\n").getBytes(StandardCharsets.US_ASCII)));
        assertThat(RedisCommand.GET.check(r, 50, true)).isNull();
        assertThat(RedisCommand.GET.check(r, 60, true)).contains("GET returned 50 bytes");
        assertThat(RedisCommand.SET.check(r, 50, true)).contains("expected '+'");
        r.scan(ByteBuffer.wrap("$-1\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(RedisCommand.GET.check(r, 50, true)).contains("nil");
        assertThat(RedisCommand.GET.check(r, 50, false)).isNull();
        assertThat(RedisCommand.LPOP.check(r, 50, true)).isNull();
        r.scan(ByteBuffer.wrap("-WRONGTYPE Operation against a key\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(RedisCommand.LPUSH.check(r, 50, true)).contains("WRONGTYPE");
    }

    @Test
    void commandsRunInRedisBenchmarksOrderWhateverOrderTheyAreGiven() {
        RedisWorkload w = new RedisWorkload();
        Params p = Params.resolve(w.params(), Map.of("commands", "SADD,GET,PING"), HOST, "workload 'redis'", "test");
        assertThat(RedisWorkload.commands(p)).containsExactly(RedisCommand.PING, RedisCommand.GET, RedisCommand.SADD);
        Params d = Params.resolve(w.params(), Map.of(), HOST, "workload 'redis'", "test");
        assertThat(RedisWorkload.commands(d)).hasSize(6);
        assertThat(d.getIntList("clients")).containsExactly(1, 2, 4, 8, 16, 32, 64, 120);
    }

    @Test
    void badInputNamesTheParameterAndTheFix() {
        RedisWorkload w = new RedisWorkload();
        Assertions.assertThatThrownBy(() -> Params.resolve(w.params(), Map.of("commands", "GET,HGET"), HOST, "workload 'redis'", "test"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("commands").hasMessageContaining("HGET");
        Assertions.assertThatThrownBy(() -> Params.resolve(w.params(), Map.of("clients", List.of(0)), HOST, "workload 'redis'", "test"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("clients");
        Params huge = Params.resolve(w.params(), Map.of("keyspace", 50_000_000, "value_size", "1K"), HOST, "workload 'redis'", "test");
        Assertions.assertThatThrownBy(() -> w.validate(huge, HOST)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("keyspace=50000000").hasMessageContaining("lower keyspace or value_size");
    }

    @Test
    void infoIsParsedIntoFields() {
        var m = RedisServer.parseInfo("# Server\r\nredis_version:7.0.15\r\nused_memory:123\r\n\r\n# Stats\r\ntotal_commands_processed:9\r\n");
        assertThat(m).containsEntry("redis_version", "7.0.15").containsEntry("used_memory", "123")
                .containsEntry("total_commands_processed", "9");
    }
}
