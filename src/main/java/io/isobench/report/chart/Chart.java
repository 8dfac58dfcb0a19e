package io.isobench.report.chart;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A drawn chart as plain data: a canvas size and the marks on it, in pixel coordinates with the
 * origin at the top left. Chart builders ({@link io.isobench.report.Charts}) lay a chart out once;
 * renderers turn the same model into SVG text ({@link SvgRenderer}) or a bitmap
 * ({@link ImageRenderer}), so the page and the PNG files never disagree.
 *
 * <p>Text in marks is run data (metric names, variant labels): renderers escape it. Colours come
 * only from the builders' own palette, never from a run.
 */
public final class Chart {

    private final String name;
    private final String title;
    private final int width;
    private final int height;
    private final List<Mark> marks = new ArrayList<>();

    /**
     * @param name  a file-name-safe identifier, used for {@code --plots} files
     * @param title what the chart shows (run data allowed; escaped when rendered)
     */
    public Chart(String name, String title, int width, int height) {
        this.name = name;
        this.title = title;
        this.width = width;
        this.height = height;
    }

    public Chart add(Mark m) {
        marks.add(m);
        return this;
    }

    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public List<Mark> marks() {
        return Collections.unmodifiableList(marks);
    }

    /** How a mark is painted. Colours are "#rrggbb" from the builders' palette; null means none. */
    public record Style(String fill, String stroke, double strokeWidth, boolean dashed) {
        public static Style fill(String colour) {
            return new Style(colour, null, 0, false);
        }

        public static Style stroke(String colour, double width) {
            return new Style(null, colour, width, false);
        }

        public Style withDash() {
            return new Style(fill, stroke, strokeWidth, true);
        }
    }

    /** Horizontal text anchoring. */
    public enum Anchor { START, MIDDLE, END }

    /** One thing drawn. {@code tip} is an optional hover text (an SVG title), also escaped. */
    public sealed interface Mark permits Line, Rect, Circle, Polyline, Diamond, Text {
        String tip();
    }

    public record Line(double x1, double y1, double x2, double y2, Style style, String tip) implements Mark {
    }

    public record Rect(double x, double y, double w, double h, Style style, String tip) implements Mark {
    }

    public record Circle(double cx, double cy, double r, Style style, String tip) implements Mark {
    }

    /** A diamond centred on (cx, cy): the study's reference figure. */
    public record Diamond(double cx, double cy, double r, Style style, String tip) implements Mark {
    }

    public record Polyline(double[] xs, double[] ys, Style style, String tip) implements Mark {
    }

    /**
     * @param rotate degrees, counter-clockwise, about (x, y): -90 for a vertical axis title
     */
    public record Text(double x, double y, String text, double size, Anchor anchor, boolean bold, String colour,
                       double rotate, String tip) implements Mark {
        public static Text of(double x, double y, String text, double size, Anchor anchor) {
            return new Text(x, y, text, size, anchor, false, "#222222", 0, null);
        }
    }
}
