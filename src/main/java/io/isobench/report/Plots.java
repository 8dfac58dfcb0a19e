package io.isobench.report;

import io.isobench.report.chart.Chart;
import io.isobench.report.chart.ImageRenderer;
import io.isobench.report.chart.SvgRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes charts as files for papers and slides: each as NAME.svg and NAME.png (twice the pixels, for sharpness). */
public final class Plots {

    /** PNGs are drawn at twice the SVG's size so they stay sharp on slides. */
    public static final double PNG_SCALE = 2;

    private Plots() {
    }

    /** Writes every chart into {@code dir} (created if needed); returns the files written. */
    public static List<Path> write(List<Chart> charts, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (Chart c : charts) {
            Path svg = dir.resolve(c.name() + ".svg");
            Files.writeString(svg, SvgRenderer.document(c), StandardCharsets.UTF_8);
            Path png = dir.resolve(c.name() + ".png");
            ImageRenderer.writePng(c, PNG_SCALE, png);
            written.add(svg);
            written.add(png);
        }
        return written;
    }
}
