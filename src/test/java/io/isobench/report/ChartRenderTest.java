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
}
