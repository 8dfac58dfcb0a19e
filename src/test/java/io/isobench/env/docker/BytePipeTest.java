package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pipe between docker-java's callback threads and the agent client. */
class BytePipeTest {

    @Test
    void bytesWrittenByShortLivedThreadsArriveInOrderThenEndOfStream() throws Exception {
        BytePipe pipe = new BytePipe();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = pipe.input()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            byte[] chunk = ("line " + i + "\n").getBytes();
            expected.write(chunk);
            // each writer thread ends right after writing: java.io.PipedInputStream would break here
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    pipe.output().write(chunk);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            t.join();
        }
        pipe.closeWriter();
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(expected.toByteArray());
    }

    @Test
    void aReaderThatLeftMakesWritesFail() throws IOException {
        BytePipe pipe = new BytePipe();
        pipe.output().write(1);
        assertThat(pipe.input().read()).isEqualTo(1);
        pipe.input().close();
        assertThatThrownBy(() -> pipe.output().write(2)).isInstanceOf(IOException.class);
    }

    @Test
    void partialReadsKeepTheRest() throws IOException {
        BytePipe pipe = new BytePipe();
        pipe.output().write("abcdef".getBytes());
        byte[] two = new byte[2];
        assertThat(pipe.input().read(two, 0, 2)).isEqualTo(2);
        assertThat(new String(two)).isEqualTo("ab");
        assertThat(pipe.input().available()).isEqualTo(4);
        pipe.closeWriter();
        assertThat(new String(pipe.input().readAllBytes())).isEqualTo("cdef");
        assertThat(pipe.input().read()).isEqualTo(-1);
    }
}
