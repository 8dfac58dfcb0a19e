package io.isobench.core;

import java.util.Locale;

/**
 * The types a workload parameter or an environment setting can have, with the one parser each
 * uses everywhere (CLI flags, suite files, the agent protocol), so "64M" means the same thing
 * wherever it is written.
 */
public enum ParamType {
    INT("integer"),
    LONG("integer"),
    DOUBLE("number"),
    BOOL("true or false"),
    STRING("text"),
    /** A byte count: 4096, 64K, 16M, 2G (binary multiples). */
    SIZE("size such as 4096, 64K, 16M or 2G"),
    /** A duration in milliseconds: 500ms, 10s, 2m, or a bare number of seconds. */
    DURATION("duration such as 500ms, 10s or 2m"),
    /** One of a fixed set of words. */
    CHOICE("one of the listed values");

    private final String describes;

    ParamType(String describes) {
        this.describes = describes;
    }

    public String describes() {
        return describes;
    }

    /** Parses text into the canonical Java value of this type (Integer, Long, Double, Boolean, String). */
    public Object parse(String text) {
        String t = text.trim();
        switch (this) {
            case INT:
                return Math.toIntExact(parseLongLenient(t));
            case LONG:
                return parseLongLenient(t);
            case DOUBLE:
                return Double.parseDouble(t);
            case BOOL:
                if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("yes") || t.equals("1")) {
                    return Boolean.TRUE;
                }
                if (t.equalsIgnoreCase("false") || t.equalsIgnoreCase("no") || t.equals("0")) {
                    return Boolean.FALSE;
                }
                throw new NumberFormatException("not a boolean");
            case SIZE:
                return parseSize(t);
            case DURATION:
                return parseDurationMillis(t);
            case STRING:
            case CHOICE:
            default:
                return t;
        }
    }

    /** Converts a value that came from JSON or YAML (a number, a boolean or text) to this type. */
    public Object coerce(Object raw) {
        if (raw instanceof Number n) {
            switch (this) {
                case INT:
                    if (n.doubleValue() != Math.rint(n.doubleValue())) {
                        throw new NumberFormatException("not an integer");
                    }
                    return Math.toIntExact(n.longValue());
                case LONG:
                case SIZE:
                    if (n.doubleValue() != Math.rint(n.doubleValue())) {
                        throw new NumberFormatException("not an integer");
                    }
                    return n.longValue();
                case DURATION:
                    // a bare number is seconds, as in text; resolved values travel as "<n>ms"
                    return Math.round(n.doubleValue() * 1000);
                case DOUBLE:
                    return n.doubleValue();
                default:
                    return parse(String.valueOf(raw));
            }
        }
        if (raw instanceof Boolean b) {
            if (this == BOOL) {
                return b;
            }
            throw new NumberFormatException("a boolean where a " + describes + " is expected");
        }
        return parse(String.valueOf(raw));
    }

    private static long parseLongLenient(String t) {
        String s = t.replace("_", "");
        if (s.matches("[0-9]+(\\.[0-9]+)?[eE][0-9]+")) {
            return (long) Double.parseDouble(s);
        }
        return Long.parseLong(s);
    }

    static long parseSize(String t) {
        String s = t.replace("_", "").toUpperCase(Locale.ROOT);
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) {
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        long mult = 1;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        switch (last) {
            case 'K' -> mult = 1L << 10;
            case 'M' -> mult = 1L << 20;
            case 'G' -> mult = 1L << 30;
            case 'T' -> mult = 1L << 40;
            default -> mult = 1;
        }
        if (mult != 1) {
            s = s.substring(0, s.length() - 1);
        }
        double v = Double.parseDouble(s);
        if (v < 0) {
            throw new NumberFormatException("negative size");
        }
        return Math.round(v * mult);
    }

    /** "200ms", "1.5s", "9m", "1h" (a bare number is seconds) in milliseconds; NumberFormatException otherwise. */
    public static long parseDurationMillis(String t) {
        String s = t.trim().toLowerCase(Locale.ROOT);
        double mult;
        if (s.endsWith("ms")) {
            mult = 1;
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            mult = 1000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            mult = 60_000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            mult = 3_600_000;
            s = s.substring(0, s.length() - 1);
        } else {
            mult = 1000;
        }
        double v = Double.parseDouble(s.trim());
        if (v < 0) {
            throw new NumberFormatException("negative duration");
        }
        return Math.round(v * mult);
    }
}
