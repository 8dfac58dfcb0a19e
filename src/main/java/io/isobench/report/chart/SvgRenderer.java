package io.isobench.report.chart;

import io.isobench.report.Html;
import io.isobench.report.chart.Chart.Anchor;
import io.isobench.report.chart.Chart.Style;
import java.util.Locale;

/**
 * Writes a {@link Chart} as an SVG element: inline in the HTML page, or as a standalone .svg file.
 * Text and hover tips are escaped; styles are built only from the model's palette colours.
 */
public final class SvgRenderer {

    /** Fonts with wide coverage on Linux first; the PNG renderer uses the same family. */
    static final String FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif";

    private SvgRenderer() {
    }

    /** An {@code <svg>} element for inlining into HTML. */
    public static String inline(Chart c) {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(c.width())
                .append("\" height=\"").append(c.height()).append("\" viewBox=\"0 0 ").append(c.width()).append(' ')
                .append(c.height()).append("\" role=\"img\" aria-label=\"").append(Html.escape(c.title()))
                .append("\" font-family=\"").append(FONT).append("\">\n");
        sb.append("<title>").append(Html.escape(c.title())).append("</title>\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(c.width()).append("\" height=\"").append(c.height())
                .append("\" fill=\"#ffffff\"/>\n");
        for (Chart.Mark m : c.marks()) {
            mark(sb, m);
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** A standalone SVG document (for --plots). */
    public static String document(Chart c) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + inline(c);
    }

    private static void mark(StringBuilder sb, Chart.Mark m) {
        String open;
        switch (m) {
            case Chart.Line l -> open = "<line x1=\"" + n(l.x1()) + "\" y1=\"" + n(l.y1()) + "\" x2=\"" + n(l.x2()) + "\" y2=\""
                    + n(l.y2()) + "\"" + style(l.style());
            case Chart.Rect r -> open = "<rect x=\"" + n(r.x()) + "\" y=\"" + n(r.y()) + "\" width=\"" + n(Math.max(0, r.w()))
                    + "\" height=\"" + n(Math.max(0, r.h())) + "\"" + style(r.style());
            case Chart.Circle ci -> open = "<circle cx=\"" + n(ci.cx()) + "\" cy=\"" + n(ci.cy()) + "\" r=\"" + n(ci.r()) + "\""
                    + style(ci.style());
            case Chart.Diamond d -> open = "<polygon points=\"" + n(d.cx()) + "," + n(d.cy() - d.r()) + " " + n(d.cx() + d.r())
                    + "," + n(d.cy()) + " " + n(d.cx()) + "," + n(d.cy() + d.r()) + " " + n(d.cx() - d.r()) + "," + n(d.cy())
                    + "\"" + style(d.style());
            case Chart.Polyline p -> {
                StringBuilder pts = new StringBuilder();
                for (int i = 0; i < p.xs().length; i++) {
                    pts.append(i == 0 ? "" : " ").append(n(p.xs()[i])).append(',').append(n(p.ys()[i]));
                }
                open = "<polyline points=\"" + pts + "\"" + style(p.style());
            }
            case Chart.Text t -> {
                sb.append("<text x=\"").append(n(t.x())).append("\" y=\"").append(n(t.y())).append("\" font-size=\"")
                        .append(n(t.size())).append("\" fill=\"").append(t.colour()).append('"')
                        .append(t.anchor() == Anchor.START ? "" : t.anchor() == Anchor.MIDDLE ? " text-anchor=\"middle\"" : " text-anchor=\"end\"")
                        .append(t.bold() ? " font-weight=\"bold\"" : "")
                        .append(t.rotate() == 0 ? "" : " transform=\"rotate(" + n(-t.rotate()) + " " + n(t.x()) + " " + n(t.y()) + ")\"")
                        .append('>');
                if (t.tip() != null) {
                    sb.append("<title>").append(Html.escape(t.tip())).append("</title>");
                }
                sb.append(Html.escape(t.text())).append("</text>\n");
                return;
            }
        }
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
