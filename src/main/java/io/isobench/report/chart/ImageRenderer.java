package io.isobench.report.chart;

import io.isobench.report.chart.Chart.Anchor;
import io.isobench.report.chart.Chart.Style;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Paints a {@link Chart} with Java2D into a bitmap (for PNG files), mark for mark as the SVG
 * renderer writes them. Scales by {@code scale} (2 gives crisp images for slides).
 */
public final class ImageRenderer {

    private ImageRenderer() {
    }

    public static BufferedImage render(Chart c, double scale) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage((int) Math.ceil(c.width() * scale), (int) Math.ceil(c.height() * scale),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(scale, scale);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, c.width(), c.height());
            for (Chart.Mark m : c.marks()) {
                paint(g, m);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    public static void writePng(Chart c, double scale, Path file) throws IOException {
        if (!ImageIO.write(render(c, scale), "png", file.toFile())) {
            throw new IOException("no PNG writer in this JRE");
        }
    }

    private static void paint(Graphics2D g, Chart.Mark m) {
        switch (m) {
            case Chart.Line l -> draw(g, new Line2D.Double(l.x1(), l.y1(), l.x2(), l.y2()), l.style());
            case Chart.Rect r -> draw(g, new Rectangle2D.Double(r.x(), r.y(), Math.max(0, r.w()), Math.max(0, r.h())), r.style());
            case Chart.Circle ci -> draw(g, new Ellipse2D.Double(ci.cx() - ci.r(), ci.cy() - ci.r(), 2 * ci.r(), 2 * ci.r()), ci.style());
            case Chart.Diamond d -> {
                Path2D.Double p = new Path2D.Double();
                p.moveTo(d.cx(), d.cy() - d.r());
                p.lineTo(d.cx() + d.r(), d.cy());
                p.lineTo(d.cx(), d.cy() + d.r());
                p.lineTo(d.cx() - d.r(), d.cy());
                p.closePath();
                draw(g, p, d.style());
            }
            case Chart.Polyline pl -> {
                Path2D.Double p = new Path2D.Double();
                for (int i = 0; i < pl.xs().length; i++) {
                    if (i == 0) {
                        p.moveTo(pl.xs()[i], pl.ys()[i]);
                    } else {
                        p.lineTo(pl.xs()[i], pl.ys()[i]);
                    }
                }
                draw(g, p, pl.style());
            }
            case Chart.Text t -> text(g, t);
        }
    }

    private static void draw(Graphics2D g, java.awt.Shape s, Style style) {
        if (style.fill() != null) {
            g.setColor(colour(style.fill()));
            g.fill(s);
        }
        if (style.stroke() != null) {
            g.setColor(colour(style.stroke()));
            g.setStroke(style.dashed()
                    ? new BasicStroke((float) style.strokeWidth(), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f)
                    : new BasicStroke((float) style.strokeWidth()));
            g.draw(s);
        }
    }

    private static void text(Graphics2D g, Chart.Text t) {
        Font f = new Font("DejaVu Sans", t.bold() ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) t.size());
        g.setFont(f);
        g.setColor(colour(t.colour()));
        double w = g.getFontMetrics().getStringBounds(t.text(), g).getWidth();
        double dx = t.anchor() == Anchor.START ? 0 : t.anchor() == Anchor.MIDDLE ? -w / 2 : -w;
        AffineTransform saved = g.getTransform();
        g.translate(t.x(), t.y());
        if (t.rotate() != 0) {
            g.rotate(Math.toRadians(-t.rotate()));
        }
        g.drawString(t.text(), (float) dx, 0f);
        g.setTransform(saved);
    }

    private static Color colour(String hex) {
        return new Color(Integer.parseInt(hex.substring(1), 16));
    }
}
