package io.isobench.report;

import io.isobench.report.chart.Chart;
import io.isobench.report.chart.Chart.Anchor;
import io.isobench.report.chart.Chart.Style;
import io.isobench.report.chart.Chart.Text;
import io.isobench.report.chart.Scale;
import io.isobench.report.chart.TextWidth;
import java.util.List;

/**
 * Lays out the report's four kinds of chart as {@link Chart} models: performance relative to the
 * baseline as horizontal bars with CI whiskers (the study's figure style), lines over a swept
 * number (clients, threads), grouped bars (latency percentiles), and raw iterations as a strip plot.
 * Builders take plain figures; which figures go into which chart is the HTML report's business.
 */
public final class Charts {

    /** Okabe-Ito colours: distinguishable with colour-blindness, readable on white. */
    private static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#8C564B"};
    /** Emulated (TCG) figures are grey whatever their variant, so they never pass for KVM ones. */
    static final String EMULATED = "#9A9A9A";
    private static final String AXIS = "#444444";
    private static final String GRID = "#E3E3E3";

    private Charts() {
    }

    /** The colour of the variant with this index in the run (the same in every chart). */
    public static String colour(int index, boolean emulated) {
        return emulated ? EMULATED : PALETTE[Math.floorMod(index, PALETTE.length)];
    }

    /**
     * One bar of the relative chart.
     *
     * @param study  the study's ratio for the same figure, NaN when none
     * @param detail a short text after the value, e.g. the figure's mean and unit; may be empty
     * @param group  the heading of the bar's group (a trial's parameters), drawn on a line of its
     *               own above the first bar of the group; empty for none
     */
    public record RelativeBar(String group, String label, String colour, double value, double low, double high, boolean significant,
                              double study, String detail, String tip) {
    }

    /**
     * Performance relative to the baseline in the study's style: a bar per environment from 0, a
     * whisker for the CI, a dashed line at 1, "*" where significant, the study's ratio as a diamond.
     * The title is shortened to the room beside the legend; {@code tip} (the full title with every
     * parameter) is its tooltip.
     */
    public static Chart relative(String name, String title, String tip, String baseline, List<RelativeBar> bars) {
        int rowH = 22;
        int top = 34;
        int plotW = 380;
        int valueW = 170;
        double widest = 0;
        for (RelativeBar b : bars) {
            widest = Math.max(widest, TextWidth.of(b.label(), 11, false));
        }
        int labelW = (int) Math.ceil(Math.min(270, Math.max(120, widest + 16)));
        int width = labelW + plotW + valueW;
        // each bar's row, and a heading line where a group starts
        int groupH = 18;
        double[] rowY = new double[bars.size()];
        List<double[]> headings = new java.util.ArrayList<>(); // {y, index of the group's first bar}
        double yy = top;
        String group = "";
        for (int i = 0; i < bars.size(); i++) {
            String g = bars.get(i).group() == null ? "" : bars.get(i).group();
            if (!g.isEmpty() && !g.equals(group)) {
                headings.add(new double[] {yy, i});
                yy += groupH;
            }
            group = g;
            rowY[i] = yy;
            yy += rowH;
        }
        int plotBottom = (int) Math.ceil(bars.isEmpty() ? top + rowH : yy);
        int height = plotBottom + 58;
        Chart c = new Chart(name, tip == null ? title : tip, width, height);
        boolean anyStudy = bars.stream().anyMatch(b -> Double.isFinite(b.study()));
        String studyKey = "study (2014)";
        double keyW = anyStudy ? 18 + TextWidth.of(studyKey, 10, false) + 8 : 0;
        c.add(new Text(8, 18, TextWidth.fit(title, 13, true, width - 16 - keyW - 12), 13, Anchor.START, true, "#111111", 0, tip == null ? title : tip));
        if (anyStudy) {
            double kx = width - keyW;
            c.add(new Chart.Diamond(kx + 6, 14, 5, new Style("#FFFFFF", "#111111", 1.2, false), null));
            c.add(Text.of(kx + 15, 18, studyKey, 10, Anchor.START));
        }
        double max = 1.1;
        for (RelativeBar b : bars) {
            max = Math.max(max, finite(b.high(), b.value()));
            max = Math.max(max, finite(b.study(), 0));
        }
        Scale x = Scale.nice(0, max, labelW, labelW + plotW - 10);
        List<Double> xt = x.ticks(6);
        for (double t : xt) {
            c.add(new Chart.Line(x.at(t), top - 4, x.at(t), plotBottom, Style.stroke(GRID, 1), null));
        }
        for (double t : xt) {
            c.add(Text.of(x.at(t), plotBottom + 14, tick(t, xt), 10, Anchor.MIDDLE));
        }
        c.add(new Chart.Line(x.at(1), top - 6, x.at(1), plotBottom + 2, Style.stroke("#111111", 1.5).withDash(), null));
        for (double[] h : headings) {
            // a white band so grid lines do not run through the heading
            String g = bars.get((int) h[1]).group();
            c.add(new Chart.Rect(4, h[0] + 1, width - 8, groupH - 2, Style.fill("#FFFFFF"), null));
            c.add(new Text(8, h[0] + groupH - 5, TextWidth.fit(g, 11, true, width - 16), 11, Anchor.START, true, "#333333", 0, g));
        }
        for (int i = 0; i < bars.size(); i++) {
            RelativeBar b = bars.get(i);
            double y = rowY[i];
            double cy = y + rowH / 2.0;
            c.add(new Text(labelW - 8, cy + 4, TextWidth.fit(b.label(), 11, false, labelW - 16), 11, Anchor.END, false, "#222222", 0,
                    b.label()));
            if (Double.isFinite(b.value())) {
                c.add(new Chart.Rect(x.at(0), y + 4, x.at(Math.min(x.d1(), b.value())) - x.at(0), rowH - 8, Style.fill(b.colour()), b.tip()));
            }
            if (Double.isFinite(b.low()) && Double.isFinite(b.high())) {
                double lo = x.at(Math.max(0, b.low()));
                double hi = x.at(Math.min(x.d1(), b.high()));
                c.add(new Chart.Line(lo, cy, hi, cy, Style.stroke("#111111", 1.2), null));
                c.add(new Chart.Line(lo, cy - 5, lo, cy + 5, Style.stroke("#111111", 1.2), null));
                c.add(new Chart.Line(hi, cy - 5, hi, cy + 5, Style.stroke("#111111", 1.2), null));
            }
            if (Double.isFinite(b.study())) {
                c.add(new Chart.Diamond(x.at(b.study()), cy, 5, new Style("#FFFFFF", "#111111", 1.2, false),
                        "study: " + Format.ratio(b.study())));
            }
            String v = Format.ratio(b.value()) + (b.significant() ? " *" : "");
            double vw = TextWidth.of(v, 11, b.significant());
            c.add(new Text(labelW + plotW, cy + 4, v, 11, Anchor.START, b.significant(), "#222222", 0, null));
            if (b.detail() != null && !b.detail().isEmpty()) {
                double dx = labelW + plotW + vw + 8;
                c.add(new Text(dx, cy + 4, TextWidth.fit(b.detail(), 10, false, width - dx - 4), 10, Anchor.START, false, "#666666", 0,
                        b.detail()));
            }
        }
        if (bars.isEmpty()) {
            c.add(Text.of(labelW + plotW / 2.0, top + rowH / 2.0 + 4, TextWidth.fit("no variant to compare with " + baseline, 11, false, plotW),
                    11, Anchor.MIDDLE));
        }
        c.add(new Chart.Line(labelW, plotBottom, labelW + plotW - 10, plotBottom, Style.stroke(AXIS, 1), null));
        String axis = "performance relative to " + baseline + " (1 = same; above 1 is better)";
        c.add(new Text(labelW + (plotW - 10) / 2.0, plotBottom + 30, TextWidth.fit(axis, 11, false, plotW - 10), 11, Anchor.MIDDLE, false,
                "#222222", 0, axis));
        String key = "whisker: 95% CI   * significant (CI excludes 1, p<0.05, and after the run's Benjamini-Hochberg correction, FDR 5%)";
        c.add(new Text(8, plotBottom + 48, TextWidth.fit(key, 10, false, width - 16), 10, Anchor.START, false, "#222222", 0, null));
        return c;
    }

    /** A point of a line: x, the median, and the CI of the mean (NaN when undefined). */
    public record Point(double x, double y, double low, double high) {
    }

    /** One line (or one set of bars) per variant. */
    public record Series(String label, String colour, List<Point> points) {
    }

    /** Figures against a swept number (clients, threads): a line per variant with CI bars. */
    public static Chart lines(String name, String title, String xLabel, String yLabel, List<Series> series) {
        int left = 74;
        int right = 20;
        int top = 34;
        int plotW = 520;
        int plotH = 260;
        int legendH = 18 * series.size() + 8;
        Chart c = new Chart(name, title, left + plotW + right, top + plotH + 48 + legendH);
        title(c, title);
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymax = 0;
        double ymin = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                xmin = Math.min(xmin, p.x());
                xmax = Math.max(xmax, p.x());
                ymax = Math.max(ymax, finite(p.high(), p.y()));
                ymin = Math.min(ymin, finite(p.low(), p.y()));
            }
        }
        Scale x = Scale.nice(xmin, xmax, left, left + plotW);
        Scale y = Scale.nice(ymin, ymax, top + plotH, top);
        // a sweep over counts (clients 1, 10, 50) is labelled at the counts measured, not at 12.5
        java.util.TreeSet<Double> xs0 = new java.util.TreeSet<>();
        series.forEach(s -> s.points().forEach(p -> xs0.add(p.x())));
        boolean counts = xs0.size() <= 10 && xs0.stream().allMatch(v -> v == Math.rint(v));
        java.util.function.DoubleUnaryOperator at = x::at;
        if (counts && !xs0.isEmpty()) {
            // counts that span more than a factor of 16 (sizes 512K to 16M, clients 1 to 256) on a log
            // axis: on a linear one the small ones crowd into the corner and their labels overprint
            boolean log = xs0.first() > 0 && xs0.last() / xs0.first() >= 16;
            Scale xl = log ? new Scale(Math.log(xs0.first()), Math.log(xs0.last()), left, left + plotW)
                    : new Scale(xs0.first(), xs0.last(), left, left + plotW);
            at = log ? v -> xl.at(Math.log(v)) : xl::at;
        }
        axes(c, at, y, left, top, plotW, plotH, xLabel, yLabel, counts ? List.copyOf(xs0) : x.ticks(6));
        for (Series s : series) {
            double[] xs = new double[s.points().size()];
            double[] ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                Point p = s.points().get(i);
                xs[i] = at.applyAsDouble(p.x());
                ys[i] = y.at(p.y());
                if (Double.isFinite(p.low()) && Double.isFinite(p.high())) {
                    c.add(new Chart.Line(xs[i], y.at(p.low()), xs[i], y.at(p.high()), Style.stroke(s.colour(), 1), null));
                }
            }
            c.add(new Chart.Polyline(xs, ys, Style.stroke(s.colour(), 2), s.label()));
            for (int i = 0; i < xs.length; i++) {
                Point p = s.points().get(i);
                c.add(new Chart.Circle(xs[i], ys[i], 3.5, Style.fill(s.colour()), s.label() + " at " + count(p.x()) + ": " + Format.number(p.y())));
            }
        }
        legend(c, series, 8, top + plotH + 48);
        return c;
    }

    /** Grouped bars: a group per category (p50, p99...), a bar per variant, CI whiskers. */
    public static Chart groupedBars(String name, String title, List<String> groups, String yLabel, List<Series> series) {
        int left = 74;
        int right = 20;
        int top = 34;
        int groupW = Math.max(60, Math.min(140, 26 * series.size() + 24));
        int plotW = Math.max(300, groupW * groups.size());
        int plotH = 240;
        int legendH = 18 * series.size() + 8;
        Chart c = new Chart(name, title, left + plotW + right, top + plotH + 48 + legendH);
        title(c, title);
        double ymax = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                ymax = Math.max(ymax, finite(p.high(), p.y()));
            }
        }
        Scale y = Scale.nice(0, ymax, top + plotH, top);
        List<Double> yt = y.ticks(5);
        for (double t : yt) {
            c.add(new Chart.Line(left, y.at(t), left + plotW, y.at(t), Style.stroke(GRID, 1), null));
        }
        for (double t : yt) {
            c.add(Text.of(left - 6, y.at(t) + 4, tick(t, yt), 10, Anchor.END));
        }
        double slot = (double) plotW / Math.max(1, groups.size());
        double barW = Math.min(24, (slot - 16) / Math.max(1, series.size()));
        // a variant's bars, then every whisker, then the labels: marks alike in a row are written once (SvgRenderer)
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            for (int g = 0; g < groups.size(); g++) {
                Point p = s.points().get(g);
                if (Double.isFinite(p.y())) {
                    double bx = left + g * slot + (slot - barW * series.size()) / 2 + si * barW;
                    c.add(new Chart.Rect(bx + 1, y.at(p.y()), barW - 2, y.at(0) - y.at(p.y()), Style.fill(s.colour()),
                            s.label() + " " + groups.get(g) + ": " + Format.number(p.y())));
                }
            }
        }
        for (int si = 0; si < series.size(); si++) {
            for (int g = 0; g < groups.size(); g++) {
                Point p = series.get(si).points().get(g);
                if (Double.isFinite(p.y()) && Double.isFinite(p.low()) && Double.isFinite(p.high())) {
                    double mx = left + g * slot + (slot - barW * series.size()) / 2 + si * barW + barW / 2;
                    c.add(new Chart.Line(mx, y.at(Math.max(0, p.low())), mx, y.at(p.high()), Style.stroke("#111111", 1), null));
                }
            }
        }
        for (int g = 0; g < groups.size(); g++) {
            c.add(new Text(left + g * slot + slot / 2, top + plotH + 16, TextWidth.fit(groups.get(g), 11, false, slot - 6), 11,
                    Anchor.MIDDLE, false, "#222222", 0, groups.get(g)));
        }
        c.add(new Chart.Line(left, top + plotH, left + plotW, top + plotH, Style.stroke(AXIS, 1), null));
        c.add(new Chart.Line(left, top, left, top + plotH, Style.stroke(AXIS, 1), null));
        c.add(new Text(16, top + plotH / 2.0, TextWidth.fit(yLabel, 11, false, plotH), 11, Anchor.MIDDLE, false, "#222222", 90, yLabel));
        legend(c, series, 8, top + plotH + 48);
        return c;
    }

    /** A row of the strip plot: one variant's (and label's) raw values. */
    public record Strip(String label, String colour, double[] values, double median) {
    }

    /** Raw iterations as points, a row per variant, the median as a tick: outliers stand out. */
    public static Chart strip(String name, String title, String unit, List<Strip> rows) {
        int labelW = 300;
        int plotW = 460;
        int rowH = 26;
        int top = 34;
        int width = labelW + plotW + 30;
        int height = top + Math.max(1, rows.size()) * rowH + 44;
        Chart c = new Chart(name, title, width, height);
        title(c, title);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Strip s : rows) {
            for (double v : s.values()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        Scale x = Scale.nice(lo, hi, labelW, labelW + plotW);
        double plotBottom = top + rows.size() * rowH;
        List<Double> xt = x.ticks(6);
        for (double t : xt) {
            c.add(new Chart.Line(x.at(t), top, x.at(t), plotBottom, Style.stroke(GRID, 1), null));
        }
        for (double t : xt) {
            c.add(Text.of(x.at(t), plotBottom + 14, tick(t, xt), 10, Anchor.MIDDLE));
        }
        // labels, then each row's points, then the medians: marks alike in a row are written once (SvgRenderer)
        for (int i = 0; i < rows.size(); i++) {
            Strip s = rows.get(i);
            double cy = top + i * rowH + rowH / 2.0;
            c.add(new Text(labelW - 8, cy + 4, TextWidth.fit(s.label(), 11, false, labelW - 16), 11, Anchor.END, false, "#222222", 0, s.label()));
        }
        for (int i = 0; i < rows.size(); i++) {
            Strip s = rows.get(i);
            double cy = top + i * rowH + rowH / 2.0;
            double[] v = s.values();
            for (int k = 0; k < v.length; k++) {
                // a small deterministic vertical jitter keeps equal values apart
                double jitter = ((k * 7) % 9 - 4) * 1.5;
                // no tooltip per point: each value is in the figures table, in iteration order
                c.add(new Chart.Circle(x.at(v[k]), cy + jitter, 3.2, new Style(s.colour(), "#FFFFFF", 0.6, false), null));
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            Strip s = rows.get(i);
            double cy = top + i * rowH + rowH / 2.0;
            if (Double.isFinite(s.median())) {
                c.add(new Chart.Line(x.at(s.median()), cy - 9, x.at(s.median()), cy + 9, Style.stroke("#111111", 2), "median "
                        + Format.number(s.median())));
            }
        }
        c.add(new Chart.Line(labelW, plotBottom, labelW + plotW, plotBottom, Style.stroke(AXIS, 1), null));
        String caption = unit + "  (each point one iteration; bar: median)";
        c.add(new Text(labelW + plotW / 2.0, plotBottom + 32, TextWidth.fit(caption, 11, false, plotW), 11, Anchor.MIDDLE, false, "#222222",
                0, caption));
        return c;
    }

    private static void axes(Chart c, java.util.function.DoubleUnaryOperator xAt, Scale y, int left, int top, int plotW, int plotH,
                             String xLabel, String yLabel, List<Double> xt) {
        List<Double> yt = y.ticks(5);
        for (double t : yt) {
            c.add(new Chart.Line(left, y.at(t), left + plotW, y.at(t), Style.stroke(GRID, 1), null));
        }
        for (double t : yt) {
            c.add(Text.of(left - 6, y.at(t) + 4, tick(t, yt), 10, Anchor.END));
        }
        for (double t : xt) {
            c.add(new Chart.Line(xAt.applyAsDouble(t), top + plotH, xAt.applyAsDouble(t), top + plotH + 4, Style.stroke(AXIS, 1), null));
        }
        // a label that would touch the one before it is left out (its tick stays; the points' tooltips say the value)
        double lastRight = Double.NEGATIVE_INFINITY;
        for (double t : xt) {
            String label = tick(t, xt);
            double w = io.isobench.report.chart.TextWidth.of(label, 10, false);
            double mid = xAt.applyAsDouble(t);
            if (mid - w / 2 < lastRight + 4) {
                continue;
            }
            c.add(Text.of(mid, top + plotH + 16, label, 10, Anchor.MIDDLE));
            lastRight = mid + w / 2;
        }
        c.add(new Chart.Line(left, top + plotH, left + plotW, top + plotH, Style.stroke(AXIS, 1), null));
        c.add(new Chart.Line(left, top, left, top + plotH, Style.stroke(AXIS, 1), null));
        c.add(new Text(left + plotW / 2.0, top + plotH + 34, TextWidth.fit(xLabel, 11, false, plotW), 11, Anchor.MIDDLE, false, "#222222", 0,
                xLabel));
        c.add(new Text(16, top + plotH / 2.0, TextWidth.fit(yLabel, 11, false, plotH), 11, Anchor.MIDDLE, false, "#222222", 90, yLabel));
    }

    private static void legend(Chart c, List<Series> series, double x, double y) {
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            double ly = y + i * 18;
            c.add(new Chart.Rect(x, ly - 9, 12, 12, Style.fill(s.colour()), null));
            c.add(new Text(x + 18, ly + 1, TextWidth.fit(s.label(), 11, false, c.width() - x - 22), 11, Anchor.START, false, "#222222", 0,
                    s.label()));
        }
    }

    /** A swept value as the reader typed it: 10, not 10.00. */
    static String count(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : Format.number(v);
    }

    /** A tick label with as many decimals as the tick step needs: 0, 2.5, 5 rather than 0.000, 2.500. */
    static String tick(double v, List<Double> ticks) {
        double step = ticks.size() > 1 ? Math.abs(ticks.get(1) - ticks.get(0)) : Math.abs(v);
        int decimals = 0;
        while (decimals < 6 && step > 0 && Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals))) > 1e-6) {
            decimals++;
        }
        double a = Math.abs(v);
        if (a >= 1e6 && decimals == 0) {
            return String.format(java.util.Locale.ROOT, "%.3g", v).replace("e+0", "e").replace("e+", "e");
        }
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }

    /** The chart's title, shortened to its width; the whole title is its tooltip. */
    private static void title(Chart c, String title) {
        c.add(new Text(8, 18, TextWidth.fit(title, 13, true, c.width() - 16), 13, Anchor.START, true, "#111111", 0, title));
    }

    private static double finite(double v, double fallback) {
        return Double.isFinite(v) ? v : fallback;
    }
}
