package io.isobench.workload.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The commands the load generator sends, shaped as redis-benchmark sends them so the two can be
 * compared: GET and SET on {@code key:NNNNNNNNNNNN} (12 random digits within the key space),
 * LPUSH and LPOP on one list, SADD of {@code element:NNNNNNNNNNNN} to one set. Values are the
 * letter x repeated to the value size.
 */
enum RedisCommand {
    PING, SET, GET, LPUSH, LPOP, SADD;

    /** Width of the random number in keys and elements (redis-benchmark's __rand_int__). */
    static final int DIGITS = 12;
    private static final String RANDOM_FIELD = "#".repeat(DIGITS);

    /** The metric name: the command in lower case. */
    String metric() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** One request with a placeholder of {@link #DIGITS} '#' bytes where a random number goes (if any). */
    byte[] template(int valueSize) {
        byte[] value = new byte[valueSize];
        Arrays.fill(value, (byte) 'x');
        return switch (this) {
            case PING -> RespClient.encode(b("PING"));
            case SET -> RespClient.encode(b("SET"), b("key:" + RANDOM_FIELD), value);
            case GET -> RespClient.encode(b("GET"), b("key:" + RANDOM_FIELD));
            case LPUSH -> RespClient.encode(b("LPUSH"), b("mylist"), value);
            case LPOP -> RespClient.encode(b("LPOP"), b("mylist"));
            case SADD -> RespClient.encode(b("SADD"), b("myset"), b("element:" + RANDOM_FIELD));
        };
    }

    /** Where the random digits start in {@link #template}, or -1 when the command has none. */
    static int randomFieldOffset(byte[] template) {
        outer:
        for (int i = 0; i + DIGITS <= template.length; i++) {
            for (int j = 0; j < DIGITS; j++) {
                if (template[i + j] != '#') {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Checks one reply (its type and, for bulk replies, the length) and returns null when it is
     * what this command must answer, else what is wrong.
     *
     * @param populated whether every key of the key space was SET before (GET must then hit)
     */
    String check(ReplyScanner r, int valueSize, boolean populated) {
        if (r.type == '-') {
            return metric().toUpperCase(Locale.ROOT) + " got the error reply '" + r.error + "'";
        }
        byte expected = switch (this) {
            case PING, SET -> (byte) '+';
            case GET, LPOP -> (byte) '$';
            case LPUSH, SADD -> (byte) ':';
        };
        if (r.type != expected) {
            return name() + " got a reply of type '" + (char) r.type + "', expected '" + (char) expected + "'";
        }
        if (this == GET && r.number != valueSize && (r.number != -1 || populated)) {
            return "GET returned " + (r.number < 0 ? "nil" : r.number + " bytes") + " for a key that was SET to "
                    + valueSize + " bytes";
        }
        if (this == LPOP && r.number >= 0 && r.number != valueSize) {
            return "LPOP returned " + r.number + " bytes, but every element pushed has " + valueSize;
        }
        return null;
    }

    static RedisCommand parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
