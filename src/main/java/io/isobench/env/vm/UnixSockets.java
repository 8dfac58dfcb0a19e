package io.isobench.env.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Unix domain sockets QEMU serves (QMP, the agent's virtio-serial port): connecting while QEMU is
 * still creating them, and plain streams over a channel.
 *
 * <p>The streams call {@link SocketChannel#read} and {@link SocketChannel#write} directly: a read
 * blocked in one thread must not hold a lock a writer in another thread needs.
 */
final class UnixSockets {

    private UnixSockets() {
    }

    /**
     * Connects to {@code socket} once QEMU has created it, retrying until {@code timeout}, or
     * fails at once when {@code alive} says QEMU is gone.
     */
    static SocketChannel connect(Path socket, Duration timeout, BooleanSupplier alive, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new IOException("QEMU exited before its " + what + " socket " + socket + " answered");
            }
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return ch;
            } catch (IOException e) {
                ch.close();
                last = e;
            }
            Thread.sleep(20);
        }
        throw new IOException("QEMU's " + what + " socket " + socket + " did not answer within " + timeout.toSeconds() + " s"
                + (last == null ? "" : " (" + last.getMessage() + ")"));
    }

    static InputStream in(SocketChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n = ch.read(ByteBuffer.wrap(b, off, len));
                return n < 0 ? -1 : n;
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    static OutputStream out(SocketChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
