package io.isobench.run;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows how far a run is: a progress bar with the trial in hand and the time left on a terminal,
 * one line per iteration elsewhere (CI logs, pipes), so both stay readable.
 */
public interface Progress extends AutoCloseable {

    /** Another iteration starts; {@code total} may grow in adaptive mode. */
    void begin(String what, long done, long total);

    /** A line that must not be lost among the bar's redraws (a failure, a warning). */
    void say(String line);

    @Override
    void close();

    static Progress forConsole(PrintStream out) {
        return System.console() != null ? new Bar(out) : new Lines(out);
    }

    /** A progress bar for interactive terminals. */
    final class Bar implements Progress {
        private final PrintStream out;
        private ProgressBar bar;

        Bar(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void begin(String what, long done, long total) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("isobench").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(500).showSpeed().build();
            }
            bar.maxHint(total);
            bar.stepTo(done);
            bar.setExtraMessage(what);
        }

        @Override
        public synchronized void say(String line) {
            out.println();
            out.println(line);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /** One line per iteration with the estimated time left, for logs. */
    final class Lines implements Progress {
        private final PrintStream out;
        private final long startNanos = System.nanoTime();
        private long firstDone = -1;

        Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void begin(String what, long done, long total) {
            if (firstDone < 0) {
                firstDone = done;
            }
            long elapsed = System.nanoTime() - startNanos;
            long did = done - firstDone;
            String eta = did <= 0 ? "?" : format(Duration.ofNanos(elapsed / did * (total - done)));
            out.printf("[%d/%d, %s left] %s%n", done + 1, total, eta, what);
            out.flush();
        }

        @Override
        public synchronized void say(String line) {
            out.println(line);
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }

        public static String format(Duration d) {
            long s = d.toSeconds();
            return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
        }
    }
}
