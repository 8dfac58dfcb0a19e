package io.isobench.report.chart;

import java.util.ArrayList;
import java.util.List;

/** A linear map from data values to pixels, with "nice" tick values (1, 2, 2.5, 5 x 10^k). */
public record Scale(double d0, double d1, double p0, double p1) {

    public double at(double v) {
        if (d1 == d0) {
            return (p0 + p1) / 2;
        }
        return p0 + (v - d0) / (d1 - d0) * (p1 - p0);
    }

    /** A domain widened to nice bounds around [lo, hi] (a zero-width one gets some room). */
    public static Scale nice(double lo, double hi, double p0, double p1) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            lo = 0;
            hi = 1;
        }
        if (hi == lo) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = step(lo, hi, 5);
        return new Scale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, p0, p1);
    }

    /** Tick values inside the domain, about {@code count} of them. */
    public List<Double> ticks(int count) {
        List<Double> out = new ArrayList<>();
        double lo = Math.min(d0, d1);
        double hi = Math.max(d0, d1);
        if (hi == lo) {
            out.add(lo);
            return out;
        }
        double step = step(lo, hi, count);
        for (double t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
        }
        return out;
    }

    static double step(double lo, double hi, int count) {
        double raw = (hi - lo) / Math.max(1, count);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * mag;
    }
}
