package io.isobench.report;

import java.util.Locale;

/** Number formatting shared by every report: figures with a sensible number of significant digits. */
public final class Format {

    private Format() {
    }

    /** Four significant digits, no exponent for everyday magnitudes. */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e9)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** A ratio: "0.874". */
    public static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** "[a, b]" or "-" when undefined. */
    public static String interval(double lo, double hi) {
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return "-";
        }
        return "[" + number(lo) + ", " + number(hi) + "]";
    }

    public static String ratioInterval(double lo, double hi) {
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return "-";
        }
        return "[" + ratio(lo) + ", " + ratio(hi) + "]";
    }
}
