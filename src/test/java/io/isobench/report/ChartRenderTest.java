package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.report.chart.Chart;
import io.isobench.report.chart.ImageRenderer;
import io.isobench.report.chart.SvgRenderer;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One chart model, two renderers: the SVG and the bitmap draw the same marks. */
class ChartRenderTest {

    private static Chart relative() {
        return Charts.relative("t", "test", "test (every parameter)", "native", List.of(
                new Charts.RelativeBar("", "native (baseline)", Charts.colour(0, false), 1, Double.NaN, Double.NaN, false, Double.NaN, "10 GB/s", null),
                new Charts.RelativeBar("", "vm EMULATED (TCG)", Charts.colour(1, true), 0.3, 0.28, 0.32, true, 0.97, "3 GB/s", null),
                new Charts.RelativeBar("", "docker", Charts.colour(2, false), 0.95, 0.9, 1.0, false, Double.NaN, "", null)));
    }

    @Test
    void svgHasAnElementPerMark() {
        Chart c = relative();
        String svg = SvgRenderer.inline(c);
        long rects = c.marks().stream().filter(m -> m instanceof Chart.Rect).count();
        long lines = c.marks().stream().filter(m -> m instanceof Chart.Line).count();
        long texts = c.marks().stream().filter(m -> m instanceof Chart.Text).count();
        assertThat(HtmlReportTest.count(svg, "<rect ")).isEqualTo(rects + 1); // + the white background
        // plain lines alike are written as one path of segments (M ... L ...), the others as line elements
        int segments = 0;
        java.util.regex.Matcher d = java.util.regex.Pattern.compile("<path d=\"([^\"]*)\"").matcher(svg);
        while (d.find()) {
            segments += HtmlReportTest.count(d.group(1), "M");
        }
        assertThat(HtmlReportTest.count(svg, "<line ") + segments).isEqualTo(lines);
        assertThat(HtmlReportTest.count(svg, "<text ")).isEqualTo(texts);
        assertThat(HtmlReportTest.count(svg, "<polygon ")).isEqualTo(2); // the one study diamond and its legend
        assertThat(svg).contains("0.300 *"); // significant
    }

    @Test
    void bitmapPaintsTheSameBarsWhereTheModelPutsThem() {
        Chart c = relative();
        double scale = 2;
        BufferedImage img = ImageRenderer.render(c, scale);
        assertThat(img.getWidth()).isEqualTo(c.width() * 2);
        assertThat(img.getHeight()).isEqualTo(c.height() * 2);
        List<Chart.Rect> bars = c.marks().stream().filter(m -> m instanceof Chart.Rect).map(m -> (Chart.Rect) m).toList();
        assertThat(bars).hasSize(3);
        for (Chart.Rect r : bars) {
            // a point inside the bar, away from whiskers and the 1.0 line: the bar's own colour
            int x = (int) ((r.x() + Math.min(r.w() * 0.25, 20)) * scale);
            int y = (int) ((r.y() + r.h() / 2 - 3) * scale);
            int rgb = img.getRGB(x, y) & 0xFFFFFF;
            assertThat(String.format("#%06X", rgb)).as(r.toString()).isEqualToIgnoringCase(r.style().fill());
        }
        // and outside the marks the page is white
        assertThat(img.getRGB(2, img.getHeight() - 2) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        // the emulated bar is grey, never a variant colour
        assertThat(bars.get(1).style().fill()).isEqualTo(Charts.EMULATED);
    }

    @Test
    void aSweepOverSizesThatSpanManyTimesIsSpreadOnALogAxisAndItsLabelsNeverTouch() {
        List<Double> sizes = List.of(524288.0, 1048576.0, 2097152.0, 16777216.0);
        List<Charts.Point> pts = sizes.stream().map(x -> new Charts.Point(x, 10, 9, 11)).toList();
        Chart c = Charts.lines("s", "compress throughput by size", "size", "MB/s", List.of(
                new Charts.Series("native", Charts.colour(0, false), pts)));
        List<Chart.Circle> dots = c.marks().stream().filter(m -> m instanceof Chart.Circle).map(m -> (Chart.Circle) m).toList();
        // equal ratios, equal steps: 512K -> 1M -> 2M are as far apart as each other, 2M -> 16M three times that
        double step = dots.get(1).cx() - dots.get(0).cx();
        assertThat(dots.get(2).cx() - dots.get(1).cx()).isCloseTo(step, org.assertj.core.api.Assertions.within(0.01));
        assertThat(dots.get(3).cx() - dots.get(2).cx()).isCloseTo(3 * step, org.assertj.core.api.Assertions.within(0.01));
        // the labels under the axis: none overlaps the next
        double axisY = dots.get(0).cy();
        List<Chart.Text> labels = c.marks().stream().filter(m -> m instanceof Chart.Text t && t.y() > axisY && t.rotate() == 0
                && t.anchor() == io.isobench.report.chart.Chart.Anchor.MIDDLE && t.text().matches("[0-9.e+]+[KMG]?")).map(m -> (Chart.Text) m).sorted(java.util.Comparator.comparingDouble(Chart.Text::x)).toList();
        assertThat(labels).isNotEmpty();
        for (int i = 1; i < labels.size(); i++) {
            double prevRight = labels.get(i - 1).x() + io.isobench.report.chart.TextWidth.of(labels.get(i - 1).text(), 10, false) / 2;
            double left = labels.get(i).x() - io.isobench.report.chart.TextWidth.of(labels.get(i).text(), 10, false) / 2;
            assertThat(left).as(labels.get(i - 1).text() + " then " + labels.get(i).text()).isGreaterThan(prevRight);
        }
    }
}
