package io.isobench.workload.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small blocking RESP2 client for the control path: waiting for PING, reading INFO, SHUTDOWN,
 * filling the key space with pipelined SETs. The measured load uses {@link LoadGenerator}.
 * Replies decode to String (simple strings), Long, byte[] (bulk, null for nil), List, or
 * {@link ErrorReply}.
 */
final class RespClient implements Closeable {

    /** A RESP error reply ("-ERR ..."), returned rather than thrown so pipelines can count them. */
    record ErrorReply(String message) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespClient(String host, int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one command and returns its decoded reply. */
    Object call(String... args) throws IOException {
        send(args);
        flush();
        return read();
    }

    /** Queues one command (written on {@link #flush}); read its reply with {@link #read}. */
    void send(String... args) throws IOException {
        byte[][] b = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            b[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        send(b);
    }

    void send(byte[]... args) throws IOException {
        out.write(encode(args));
    }

    void flush() throws IOException {
        out.flush();
    }

    /** The request bytes of one command as a RESP array of bulk strings. */
    static byte[] encode(byte[]... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        header(b, '*', args.length);
        for (byte[] a : args) {
            header(b, '$', a.length);
            b.writeBytes(a);
            b.write('\r');
            b.write('\n');
        }
        return b.toByteArray();
    }

    private static void header(ByteArrayOutputStream b, char type, long n) {
        b.write(type);
        b.writeBytes(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
        b.write('\r');
        b.write('\n');
    }

    /** Reads one reply. */
    Object read() throws IOException {
        int t = in.read();
        if (t < 0) {
            throw new EOFException("the server closed the connection");
        }
        String line = readLine();
        switch (t) {
            case '+':
                return line;
            case '-':
                return new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(len);
                if (data.length < len || in.read() != '\r' || in.read() != '\n') {
                    throw new EOFException("the server closed the connection inside a reply");
                }
                return data;
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(read());
                }
                return items;
            }
            default:
                throw new IOException("not a RESP reply: first byte 0x" + Integer.toHexString(t));
        }
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("not a RESP reply: CR without LF");
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        throw new EOFException("the server closed the connection inside a reply");
    }

    /** The reply as text, failing on an error reply. */
    static String text(Object reply, String what) throws IOException {
        if (reply instanceof ErrorReply e) {
            throw new IOException(what + " failed: " + e.message());
        }
        if (reply instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return String.valueOf(reply);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
