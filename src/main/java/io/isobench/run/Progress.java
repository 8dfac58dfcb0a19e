package io.isobench.run;

import io.isobench.core.Console;
import java.io.PrintStream;
import java.time.Duration;

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

    /**
     * A bar on a terminal, lines elsewhere; until it is closed it is also where every other part
     * of isobench says its lines ({@link Console#say}), so none is overdrawn by the bar.
     */
    static Progress forConsole(PrintStream out) {
        return routed(System.console() != null ? new Bar(out) : new Lines(out));
    }

    /** {@code p}, taking the lines said through {@link Console} until it is closed. */
    static Progress routed(Progress p) {
        Console.Route route = Console.route(p::say);
        return new Progress() {
            @Override
            public void begin(String what, long done, long total) {
                p.begin(what, done, total);
            }

            @Override
            public void say(String line) {
                p.say(line);
            }

            @Override
            public void close() {
                route.close();
                p.close();
            }
        };
    }

    /**
     * One status line for interactive terminals, redrawn in place ({@code \r} and erase-line), with
     * the iteration in hand and the time left; lines said go above it. Written by hand rather than
     * with a terminal library: JLine (under the progressbar library used before) sets SIGINT to the
     * operating system's default when it opens the terminal, so Ctrl-C killed the JVM outright, with
     * no teardown at all (VM folders and run.json RUNNING were left behind).
     */
    final class Bar implements Progress {
        private static final String ERASE = "\r\033[2K";
        private final PrintStream out;
        private final int width = terminalWidth();
        private final Eta eta = new Eta();
        private String status = "";

        Bar(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void begin(String what, long done, long total) {
            status = "isobench " + eta.line(what, done, total);
            redraw();
        }

        @Override
        public synchronized void say(String line) {
            out.print(ERASE);
            out.println(line);
            redraw();
        }

        private void redraw() {
            String shown = status.length() >= width ? status.substring(0, Math.max(0, width - 2)) + "\u2026" : status;
            out.print(ERASE + shown);
            out.flush();
        }

        @Override
        public synchronized void close() {
            if (!status.isEmpty()) {
                out.print(ERASE);
                out.flush();
            }
        }

        /** The terminal's columns ({@code COLUMNS}, else stty's answer), 100 when neither says. */
        private static int terminalWidth() {
            try {
                String cols = System.getenv("COLUMNS");
                if (cols != null && cols.matches("\\d+")) {
                    return Integer.parseInt(cols);
                }
                Process p = new ProcessBuilder("stty", "size").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
                        .redirectErrorStream(true).start();
                String[] f = new String(p.getInputStream().readAllBytes()).trim().split("\\s+");
                if (p.waitFor() == 0 && f.length == 2 && f[1].matches("\\d+") && Integer.parseInt(f[1]) > 20) {
                    return Integer.parseInt(f[1]);
                }
            } catch (java.io.IOException e) {
                // no terminal to ask
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 100;
        }
    }

    /** "[3/36, 2m05s left] what": progress and the time left, from the pace so far. */
    final class Eta {
        private final long startNanos = System.nanoTime();
        private long firstDone = -1;

        String line(String what, long done, long total) {
            if (firstDone < 0) {
                firstDone = done;
            }
            long elapsed = System.nanoTime() - startNanos;
            long did = done - firstDone;
            String left = did <= 0 ? "?" : Lines.format(Duration.ofNanos(elapsed / did * (total - done)));
            return String.format("[%d/%d, %s left] %s", done + 1, total, left, what);
        }
    }

    /** One line per iteration with the estimated time left, for logs. */
    final class Lines implements Progress {
        private final PrintStream out;
        private final Eta eta = new Eta();

        Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void begin(String what, long done, long total) {
            out.println(eta.line(what, done, total));
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
