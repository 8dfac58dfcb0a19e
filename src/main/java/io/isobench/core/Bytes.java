package io.isobench.core;

import java.util.Locale;

/** Byte counts as a person reads them. */
public final class Bytes {

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

    private Bytes() {
    }

    /** "512 B", "3.0 MiB", "1.5 GiB", "120 GiB": binary units, three significant digits at most. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, UNITS[u]);
    }
}
