package io.isobench.report.chart;

import io.isobench.report.chart.Html;
import io.isobench.report.chart.Chart.Anchor;
import io.isobench.report.chart.Chart.Style;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link Chart} as an SVG element: inline in the HTML page, or as a standalone .svg file.
 * Text and hover tips are escaped; styles are built only from the model's palette colours.
 */
public final class SvgRenderer {

    /** Fonts with wide coverage on Linux first; the PNG renderer uses the same family. */
    static final String FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif";
    /**
     * The text size and colour most labels use, set once on the root and inherited: a quick suite's
     * page holds thousands of marks, and repeating them made it a megabyte. Every shape states its
     * own fill, so the root's fill reaches only text.
     */
    static final double TEXT_SIZE = 11;
    static final String TEXT_COLOUR = "#222222";

    private SvgRenderer() {
    }

    /** An {@code <svg>} element for inlining into HTML. */
    public static String inline(Chart c) {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(c.width())
                .append("\" height=\"").append(c.height()).append("\" viewBox=\"0 0 ").append(c.width()).append(' ')
                .append(c.height()).append("\" role=\"img\" aria-label=\"").append(Html.escape(c.title()))
                .append("\" font-family=\"").append(FONT).append("\" font-size=\"").append(n(TEXT_SIZE)).append("\" fill=\"").append(TEXT_COLOUR)
                .append("\">\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(c.width()).append("\" height=\"").append(c.height())
                .append("\" fill=\"#ffffff\"/>\n");
        List<Chart.Mark> marks = c.marks();
        int i = 0;
        while (i < marks.size()) {
            int j = i + 1;
            while (j < marks.size() && sameRun(marks.get(i), marks.get(j))) {
                j++;
            }
            if (j - i == 1) {
                mark(sb, marks.get(i));
            } else if (marks.get(i) instanceof Chart.Line first && first.tip() == null) {
                // a run of plain lines alike (grid, ticks, whiskers) as one path of straight segments
                StringBuilder d = new StringBuilder();
                for (Chart.Mark m : marks.subList(i, j)) {
                    Chart.Line l = (Chart.Line) m;
                    d.append('M').append(n(l.x1())).append(' ').append(n(l.y1())).append('L').append(n(l.x2())).append(' ').append(n(l.y2()));
                }
                sb.append("<path d=\"").append(d).append('"').append(style(first.style())).append("/>\n");
            } else if (!(marks.get(i) instanceof Chart.Text)) {
                // a run of shapes of one style (bars, points, whiskers with tips) shares it through a group
                sb.append("<g").append(style(styleOf(marks.get(i)))).append(">\n");
                for (Chart.Mark m : marks.subList(i, j)) {
                    shape(sb, m, false);
                }
                sb.append("</g>\n");
            } else {
                // a run of texts alike (tick labels, row labels) shares its attributes through a group
                Chart.Text first = (Chart.Text) marks.get(i);
                sb.append("<g").append(textStyle(first)).append(">\n");
                for (Chart.Mark m : marks.subList(i, j)) {
                    text(sb, (Chart.Text) m, false);
                }
                sb.append("</g>\n");
            }
            i = j;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /**
     * Whether {@code b} can join {@code a}'s run: shapes of one kind and style (lines only all
     * with a tooltip or all without), or unrotated texts of one size, colour, anchor and weight.
     */
    private static boolean sameRun(Chart.Mark a, Chart.Mark b) {
        if (a instanceof Chart.Line x && b instanceof Chart.Line y) {
            return (x.tip() == null) == (y.tip() == null) && x.style().equals(y.style());
        }
        if (!(a instanceof Chart.Text) && a.getClass() == b.getClass()) {
            return styleOf(a).equals(styleOf(b));
        }
        if (a instanceof Chart.Text x && b instanceof Chart.Text y) {
            return x.rotate() == 0 && y.rotate() == 0 && x.size() == y.size() && x.colour().equalsIgnoreCase(y.colour())
                    && x.anchor() == y.anchor() && x.bold() == y.bold();
        }
        return false;
    }

    /** A text's own attributes, those it does not inherit from the root: size, colour, anchor, weight. */
    private static String textStyle(Chart.Text t) {
        return (t.size() == TEXT_SIZE ? "" : " font-size=\"" + n(t.size()) + "\"")
                + (t.colour().equalsIgnoreCase(TEXT_COLOUR) ? "" : " fill=\"" + t.colour() + "\"")
                + (t.anchor() == Anchor.START ? "" : t.anchor() == Anchor.MIDDLE ? " text-anchor=\"middle\"" : " text-anchor=\"end\"")
                + (t.bold() ? " font-weight=\"bold\"" : "");
    }

    private static void text(StringBuilder sb, Chart.Text t, boolean withStyle) {
        sb.append("<text x=\"").append(n(t.x())).append("\" y=\"").append(n(t.y())).append('"')
                .append(withStyle ? textStyle(t) : "")
                .append(t.rotate() == 0 ? "" : " transform=\"rotate(" + n(-t.rotate()) + " " + n(t.x()) + " " + n(t.y()) + ")\"")
                .append('>');
        // a tooltip only where it says more than the text shown (a shortened label's full text)
        if (t.tip() != null && !t.tip().equals(t.text())) {
            sb.append("<title>").append(Html.escape(t.tip())).append("</title>");
        }
        sb.append(Html.escape(t.text())).append("</text>\n");
    }

    /** A standalone SVG document (for --plots). */
    public static String document(Chart c) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + inline(c);
    }

    private static void mark(StringBuilder sb, Chart.Mark m) {
        if (m instanceof Chart.Text t) {
            text(sb, t, true);
        } else {
            shape(sb, m, true);
        }
    }

    private static Style styleOf(Chart.Mark m) {
        return switch (m) {
            case Chart.Line l -> l.style();
            case Chart.Rect r -> r.style();
            case Chart.Circle c -> c.style();
            case Chart.Diamond d -> d.style();
            case Chart.Polyline p -> p.style();
            case Chart.Text t -> throw new IllegalArgumentException("a text has no shape style");
        };
    }

    /** A shape, with its style or (inside a group that carries it) without. */
    private static void shape(StringBuilder sb, Chart.Mark m, boolean withStyle) {
        String st = withStyle ? style(styleOf(m)) : "";
        String open = switch (m) {
            // a line has no inside to fill
            case Chart.Line l -> "<line x1=\"" + n(l.x1()) + "\" y1=\"" + n(l.y1()) + "\" x2=\"" + n(l.x2()) + "\" y2=\""
                    + n(l.y2()) + "\"" + st.replace(" fill=\"none\"", "");
            case Chart.Rect r -> "<rect x=\"" + n(r.x()) + "\" y=\"" + n(r.y()) + "\" width=\"" + n(Math.max(0, r.w()))
                    + "\" height=\"" + n(Math.max(0, r.h())) + "\"" + st;
            case Chart.Circle ci -> "<circle cx=\"" + n(ci.cx()) + "\" cy=\"" + n(ci.cy()) + "\" r=\"" + n(ci.r()) + "\"" + st;
            case Chart.Diamond d -> "<polygon points=\"" + n(d.cx()) + "," + n(d.cy() - d.r()) + " " + n(d.cx() + d.r())
                    + "," + n(d.cy()) + " " + n(d.cx()) + "," + n(d.cy() + d.r()) + " " + n(d.cx() - d.r()) + "," + n(d.cy())
                    + "\"" + st;
            case Chart.Polyline p -> {
                StringBuilder pts = new StringBuilder();
                for (int i = 0; i < p.xs().length; i++) {
                    pts.append(i == 0 ? "" : " ").append(n(p.xs()[i])).append(',').append(n(p.ys()[i]));
                }
                yield "<polyline points=\"" + pts + "\"" + st;
            }
            case Chart.Text t -> throw new IllegalArgumentException("texts are written by text()");
        };
        if (m.tip() == null) {
            sb.append(open).append("/>\n");
        } else {
            String tag = open.substring(1, open.indexOf(' '));
            sb.append(open).append("><title>").append(Html.escape(m.tip())).append("</title></").append(tag).append(">\n");
        }
    }

    private static String style(Style s) {
        StringBuilder sb = new StringBuilder();
        sb.append(" fill=\"").append(s.fill() == null ? "none" : s.fill()).append('"');
        if (s.stroke() != null) {
            sb.append(" stroke=\"").append(s.stroke()).append("\" stroke-width=\"").append(n(s.strokeWidth())).append('"');
            if (s.dashed()) {
                sb.append(" stroke-dasharray=\"4 3\"");
            }
        }
        return sb.toString();
    }

    static String n(double v) {
        if (!Double.isFinite(v)) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
