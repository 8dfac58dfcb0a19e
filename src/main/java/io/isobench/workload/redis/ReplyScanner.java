package io.isobench.workload.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Finds complete RESP2 replies in a buffer of bytes read so far, without allocating: the load
 * generator only needs to know that a reply is complete, its type and, for bulk strings, its
 * length (to check GET's answer). A reply split across reads is left in the buffer until the
 * rest arrives. Error replies keep their text for the message.
 */
final class ReplyScanner {

    /** The type byte of the last complete reply: '+', '-', ':', '$' or '*'. */
    byte type;
    /** For '$': the bulk length (-1 for a nil reply); for ':' the integer; for '*' the element count. */
    long number;
    /** For '-': the error text. */
    String error;

    /**
     * Consumes one complete reply from {@code buf} (in read mode) and returns true, or leaves
     * the position where it was and returns false when the reply is not all there yet.
     *
     * @throws IllegalStateException on bytes that are not RESP
     */
    boolean scan(ByteBuffer buf) {
        int start = buf.position();
        if (scanValue(buf, true)) {
            return true;
        }
        buf.position(start);
        return false;
    }

    private boolean scanValue(ByteBuffer buf, boolean top) {
        if (!buf.hasRemaining()) {
            return false;
        }
        byte t = buf.get();
        int lineStart = buf.position();
        int lineEnd = findCrlf(buf, lineStart);
        if (lineEnd < 0) {
            return false;
        }
        switch (t) {
            case '+' -> {
                buf.position(lineEnd + 2);
                set(top, t, 0, null);
                return true;
            }
            case '-' -> {
                String text = top ? ascii(buf, lineStart, lineEnd) : null;
                buf.position(lineEnd + 2);
                set(top, t, 0, text);
                return true;
            }
            case ':' -> {
                long n = parseLong(buf, lineStart, lineEnd);
                buf.position(lineEnd + 2);
                set(top, t, n, null);
                return true;
            }
            case '$' -> {
                long len = parseLong(buf, lineStart, lineEnd);
                int dataStart = lineEnd + 2;
                if (len < 0) {
                    buf.position(dataStart);
                    set(top, t, -1, null);
                    return true;
                }
                long end = dataStart + len + 2;
                if (end > buf.limit()) {
                    return false;
                }
                buf.position((int) end);
                set(top, t, len, null);
                return true;
            }
            case '*' -> {
                long count = parseLong(buf, lineStart, lineEnd);
                buf.position(lineEnd + 2);
                for (long i = 0; i < count; i++) {
                    if (!scanValue(buf, false)) {
                        return false;
                    }
                }
                set(top, t, count, null);
                return true;
            }
            default -> throw new IllegalStateException("not a RESP reply: first byte 0x" + Integer.toHexString(t & 0xff)
                    + " ('" + (char) t + "')");
        }
    }

    private void set(boolean top, byte t, long n, String err) {
        if (top) {
            type = t;
            number = n;
            error = err;
        }
    }

    /** The index of the CR of the first CRLF at or after {@code from}, or -1. */
    private static int findCrlf(ByteBuffer buf, int from) {
        int lim = buf.limit() - 1;
        for (int i = from; i < lim; i++) {
            if (buf.get(i) == '\r' && buf.get(i + 1) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long parseLong(ByteBuffer buf, int from, int to) {
        if (from >= to) {
            throw new IllegalStateException("not a RESP reply: empty number");
        }
        boolean neg = buf.get(from) == '-';
        long v = 0;
        for (int i = neg ? from + 1 : from; i < to; i++) {
            int d = buf.get(i) - '0';
            if (d < 0 || d > 9) {
                throw new IllegalStateException("not a RESP reply: bad number '" + ascii(buf, from, to) + "'");
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    private static String ascii(ByteBuffer buf, int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = 0; i < b.length; i++) {
            b[i] = buf.get(from + i);
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
