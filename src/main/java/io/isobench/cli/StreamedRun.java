package io.isobench.cli;

import io.isobench.remote.StreamProtocol;
import io.isobench.result.RunDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Consumer;

/**
 * The remote end of a fleet run ({@code isobench run --stream-samples}): from the command's first
 * moment it says its PID (what the controller stops when the host goes silent) and that it is
 * alive every few seconds (planning and checking the environments can take a while, and must not
 * look like silence); once the run folder exists ({@link #follow}) it tails the folder's
 * samples.jsonl and run.json and prints them on standard output as {@link StreamProtocol} lines.
 * It calls {@code onInputEnd} when standard input ends (the controller went away), which stops the
 * run as Ctrl-C does.
 */
final class StreamedRun implements AutoCloseable {

    private volatile RunDirectory dir;
    private final PrintWriter out;
    private final Thread tailer;
    private volatile boolean stop;
    private long offset;
    private long recordStamp = -1;

    StreamedRun(PrintWriter out, InputStream stdin, Consumer<String> onInputEnd) {
        this.out = out;
        synchronized (out) {
            out.println(StreamProtocol.line(StreamProtocol.PID, Long.toString(ProcessHandle.current().pid())));
            out.flush();
        }
        tailer = Thread.ofPlatform().daemon().name("stream-samples").start(this::tail);
        Thread.ofPlatform().daemon().name("stream-stdin").start(() -> {
            try {
                byte[] b = new byte[512];
                while (stdin.read(b) >= 0) {
                    // the controller sends nothing; only the end matters
                }
            } catch (IOException ignored) {
                // ended all the same
            }
            if (!stop) {
                onInputEnd.accept("the controller closed the connection");
            }
        });
    }

    /** The run folder is there: say where, and stream what lands in it from now on. */
    synchronized void follow(RunDirectory runDir) {
        synchronized (out) {
            out.println(StreamProtocol.line(StreamProtocol.RUN, runDir.path().toAbsolutePath().toString()));
            out.flush();
        }
        this.dir = runDir;
    }

    private void tail() {
        long lastAlive = 0;
        while (true) {
            boolean last = stop;
            try {
                pump();
            } catch (IOException e) {
                out.println("isobench: streaming samples: " + e.getMessage());
            }
            long now = System.currentTimeMillis();
            if (now - lastAlive >= StreamProtocol.ALIVE_EVERY_MS) {
                synchronized (out) {
                    out.println(StreamProtocol.line(StreamProtocol.ALIVE, null));
                    out.flush();
                }
                lastAlive = now;
            }
            if (last) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                stop = true;
            }
        }
    }

    /** Prints what is new in samples.jsonl (whole lines only) and run.json (when changed). */
    private synchronized void pump() throws IOException {
        RunDirectory dir = this.dir;
        if (dir == null) {
            return;
        }
        if (Files.exists(dir.samples())) {
            try (RandomAccessFile f = new RandomAccessFile(dir.samples().toFile(), "r")) {
                long len = f.length();
                if (len > offset) {
                    byte[] b = new byte[(int) (len - offset)];
                    f.seek(offset);
                    f.readFully(b);
                    int lastNl = -1;
                    for (int i = b.length - 1; i >= 0; i--) {
                        if (b[i] == '\n') {
                            lastNl = i;
                            break;
                        }
                    }
                    if (lastNl >= 0) {
                        for (String line : new String(b, 0, lastNl, StandardCharsets.UTF_8).split("\n")) {
                            if (!line.isBlank()) {
                                out.println(StreamProtocol.line(StreamProtocol.SAMPLE, line));
                            }
                        }
                        offset += lastNl + 1;
                    }
                }
            }
        }
        if (Files.exists(dir.runJson())) {
            long stamp = Files.getLastModifiedTime(dir.runJson()).toMillis() ^ Files.size(dir.runJson());
            if (stamp != recordStamp) {
                recordStamp = stamp;
                try {
                    var tree = io.isobench.result.Json.mapper().readTree(dir.runJson().toFile());
                    out.println(StreamProtocol.line(StreamProtocol.RECORD, io.isobench.result.Json.mapper().writeValueAsString(tree)));
                } catch (IOException e) {
                    recordStamp = -1; // caught mid-rename: next time
                }
            }
        }
        out.flush();
    }

    /** Streams what is left, then the exit code. */
    void end(int code) {
        close();
        out.println(StreamProtocol.line(StreamProtocol.END, Integer.toString(code)));
        out.flush();
    }

    @Override
    public void close() {
        if (!stop) {
            // the last pump sends run.json whatever its stamp says (a change within the clock's
            // granularity at the same size would look unchanged), and every sample left: wait for it,
            // since END before the last samples would lose them at the controller
            synchronized (this) {
                recordStamp = -1;
            }
            stop = true;
            try {
                tailer.join(300_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
