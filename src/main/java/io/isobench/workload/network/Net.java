package io.isobench.workload.network;

import io.isobench.BadInputException;
import io.isobench.core.Endpoint;
import io.isobench.core.ParamKey;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the network workloads share: binding a server side (with a clear message for a port in
 * use), connecting the load side (with a clear message for a server that cannot be reached), the
 * small handshake every TCP connection starts with, and full reads/writes on blocking channels.
 *
 * <p>The handshake ({@link #MAGIC}, a kind, two int arguments and a long, answered by
 * {@link #MAGIC}) proves before anything is timed that the bytes really reach our server: a
 * forwarder that accepts connections with nothing behind it (slirp, docker-proxy) would
 * otherwise look like a server.
 */
final class Net {

    /** "isob": first word of every handshake and of its answer. */
    static final int MAGIC = 0x69736F62;
    static final int HEADER_BYTES = 4 + 4 + 4 + 4 + 8;

    /** Handshake kinds. */
    static final int KIND_STREAM_TO_SERVER = 1;
    static final int KIND_STREAM_FROM_SERVER = 2;
    static final int KIND_RR = 3;

    private Net() {
    }

    /** How long the load side keeps trying: a parameter of every network workload. */
    static final ParamKey<Duration> CONNECT_TIMEOUT = ParamKey.duration("connect_timeout",
                    "how long the load side keeps trying to reach the server side before the trial fails")
            .defaultValue("10s").range(1, 600_000).unit("ms").build();

    /** The measured time: a parameter of every network workload. */
    static final ParamKey<Duration> DURATION = ParamKey.duration("duration", "measured time per iteration (per direction for tcp_stream both)")
            .defaultValue("10s").range(10, 3_600_000).unit("ms").build();

    /** A TCP listener on all addresses (IPv4 and IPv6 wildcard) at {@code port}. */
    static ServerSocketChannel listenTcp(String workload, int port) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            // lets a new iteration bind while connections of the last one sit in TIME_WAIT;
            // a socket that still listens on the port makes bind fail all the same
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(port), 512);
            return ch;
        } catch (BindException e) {
            ch.close();
            throw portInUse(workload, "TCP", port, e);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A UDP socket on all addresses at {@code port}, blocking. */
    static DatagramChannel bindUdp(String workload, int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.bind(new InetSocketAddress(port));
            return ch;
        } catch (BindException e) {
            ch.close();
            throw portInUse(workload, "UDP", port, e);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static BadInputException portInUse(String workload, String proto, int port, BindException e) {
        return new BadInputException(workload + ": the server side cannot listen on " + proto + " port " + port
                + " inside the environment (" + e.getMessage() + "): another process holds port " + port
                + "; stop it or let the environment assign another port");
    }

    /**
     * Connects to the server side, retrying refused connections until {@code timeoutMillis}
     * passes (a forwarded port may take a moment to appear), then does the handshake.
     */
    static SocketChannel connect(String workload, Endpoint ep, long timeoutMillis, int kind, int a, int b, long c)
            throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        IOException last;
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            SocketChannel ch = SocketChannel.open();
            try {
                ch.socket().connect(new InetSocketAddress(ep.host(), ep.port()), (int) Math.max(1, Math.min(left, Integer.MAX_VALUE)));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                handshake(workload, ch, ep, deadline, kind, a, b, c);
                return ch;
            } catch (ConnectException | SocketTimeoutException | EOFException e) {
                ch.close();
                last = e;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            sleep(50);
        }
        throw new ConnectException(workload + ": cannot reach the server side at " + ep + " within " + timeoutMillis
                + " ms (" + last.getMessage() + "): the environment does not carry traffic to that port; check its"
                + " network setting (published port, bridge address, VM port forward) or raise connect_timeout");
    }

    private static void handshake(String workload, SocketChannel ch, Endpoint ep, long deadline, int kind, int a, int b, long c)
            throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        h.putInt(MAGIC).putInt(kind).putInt(a).putInt(b).putLong(c).flip();
        writeFully(ch, h);
        // the answer is read through the socket's stream so that a timeout applies; the channel
        // stays in blocking mode and is used directly afterwards
        int timeout = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        ch.socket().setSoTimeout(timeout);
        InputStream in = ch.socket().getInputStream();
        byte[] ack = new byte[4];
        int got = 0;
        while (got < 4) {
            int n = in.read(ack, got, 4 - got);
            if (n < 0) {
                throw new EOFException("the connection was closed before the server side answered");
            }
            got += n;
        }
        ch.socket().setSoTimeout(0);
        if (ByteBuffer.wrap(ack).getInt() != MAGIC) {
            throw new IOException(workload + ": something at " + ep + " answered, but not an isobench server side");
        }
    }

    /**
     * Server end of the handshake: reads the header, checks it is ours and of the expected kind
     * (any of {@code kinds}), answers. Returns the header, or null when the client closed before
     * sending one (a reachability probe, a retried connect).
     */
    static ByteBuffer acceptHandshake(SocketChannel ch, int... kinds) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        if (!readFully(ch, h)) {
            return null;
        }
        h.flip();
        if (h.getInt() != MAGIC) {
            throw new IOException("a client that is not isobench connected");
        }
        int kind = h.getInt(4);
        boolean known = false;
        for (int k : kinds) {
            known |= k == kind;
        }
        if (!known) {
            throw new IOException("a client asked for handshake kind " + kind + ", which this server does not serve");
        }
        ByteBuffer ack = ByteBuffer.allocate(4).putInt(MAGIC).flip();
        writeFully(ch, ack);
        return h;
    }

    static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Fills {@code b}. Returns false on end of stream before the first byte; throws
     * {@link EOFException} on end of stream in the middle.
     */
    static boolean readFully(SocketChannel ch, ByteBuffer b) throws IOException {
        int start = b.position();
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                if (b.position() == start) {
                    return false;
                }
                throw new EOFException("the peer closed the connection in the middle of a message");
            }
        }
        return true;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing during teardown: nothing left to do with it
        }
    }
}
