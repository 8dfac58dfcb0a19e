package io.isobench.workload.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyScannerTest {

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void scansEachReplyTypeAndReportsItsShape() {
        ReplyScanner r = new ReplyScanner();
        ByteBuffer b = buf("+PONG\r\n:42\r\n$5\r\nhello\r\n$-1\r\n-ERR wrong type\r\n*2\r\n$1\r\na\r\n:7\r\n");
        assertThat(r.scan(b)).isTrue();
        assertThat((char) r.type).isEqualTo('+');
        assertThat(r.scan(b)).isTrue();
        assertThat(r.number).isEqualTo(42);
        assertThat(r.scan(b)).isTrue();
        assertThat((char) r.type).isEqualTo('$');
        assertThat(r.number).isEqualTo(5);
        assertThat(r.scan(b)).isTrue();
        assertThat(r.number).isEqualTo(-1);
        assertThat(r.scan(b)).isTrue();
        assertThat(r.error).isEqualTo("ERR wrong type");
        assertThat(r.scan(b)).isTrue();
        assertThat((char) r.type).isEqualTo('*');
        assertThat(r.number).isEqualTo(2);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void leavesAnIncompleteReplyInTheBufferAtEverySplitPoint() {
        String reply = "$11\r\nhello world\r\n";
        for (int cut = 0; cut < reply.length(); cut++) {
            ReplyScanner r = new ReplyScanner();
            ByteBuffer part = buf(reply.substring(0, cut));
            assertThat(r.scan(part)).as("cut at %d", cut).isFalse();
            assertThat(part.position()).isZero();
        }
        ReplyScanner r = new ReplyScanner();
        assertThat(r.scan(buf(reply))).isTrue();
        assertThat(r.number).isEqualTo(11);
    }

    @Test
    void anIncompleteArrayElementKeepsTheWholeArray() {
        ReplyScanner r = new ReplyScanner();
        ByteBuffer b = buf("*2\r\n:1\r\n$3\r\nab");
        assertThat(r.scan(b)).isFalse();
        assertThat(b.position()).isZero();
    }

    @Test
    void rejectsBytesThatAreNotResp() {
        ReplyScanner r = new ReplyScanner();
        assertThatThrownBy(() -> r.scan(buf("HTTP/1.1 400\r\n"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a RESP reply");
        assertThatThrownBy(() -> r.scan(buf(":12x\r\n"))).hasMessageContaining("bad number");
    }
}
