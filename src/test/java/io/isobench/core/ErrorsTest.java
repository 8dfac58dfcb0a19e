package io.isobench.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    @Test
    void theChainIsToldOnceEachFromTheTopDown() {
        IOException root = new IOException("Connection refused");
        // new UncheckedIOException(cause) carries the cause's toString(): nothing of its own to add
        RuntimeException wrapped = new RuntimeException("no Docker Engine answers", new UncheckedIOException(root.toString(), root));
        assertThat(Errors.describe(wrapped)).isEqualTo("no Docker Engine answers: Connection refused");
        assertThat(Errors.describe(new RuntimeException(root))).isEqualTo("Connection refused");
        // a message that already holds its cause's is not followed by it again
        assertThat(Errors.describe(new IOException("start failed: Connection refused", root))).isEqualTo("start failed: Connection refused");
    }

    @Test
    void exceptionsWithoutAMessageOrWithAPuzzlingOneAreNamed() {
        assertThat(Errors.describe(new NullPointerException())).isEqualTo("NullPointerException");
        assertThat(Errors.describe(new OutOfMemoryError("Java heap space"))).isEqualTo("OutOfMemoryError Java heap space");
        assertThat(Errors.describe(new IllegalStateException("verify failed", new ArithmeticException())))
                .isEqualTo("verify failed: ArithmeticException");
    }

    @Test
    void aCauseLoopEnds() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(Errors.describe(b)).isEqualTo("b: a");
    }
}
