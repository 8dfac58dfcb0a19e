package io.isobench.result;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends samples to {@code samples.jsonl}, one JSON object a line, flushed to the OS as each line
 * is written: a crash of isobench loses nothing that was measured.
 */
public final class SampleWriter implements AutoCloseable {

    private final Writer out;
    private final Path path;

    public SampleWriter(Path path) throws IOException {
        this.path = path;
        // a FileOutputStream, not a channel: a thread interrupted by Ctrl-C must not close the file
        // under a sample being written (interruptible channels do), so nothing measured is lost
        this.out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(new java.io.FileOutputStream(path.toFile(), true),
                StandardCharsets.UTF_8));
    }

    public Path path() {
        return path;
    }

    public synchronized void append(Sample sample) throws IOException {
        out.write(Json.mapper().writeValueAsString(sample));
        out.write('\n');
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
