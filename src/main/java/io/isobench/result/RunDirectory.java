package io.isobench.result;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * A run's folder, {@code results/<run-id>/}: samples.jsonl, run.json, logs/ (agent and guest
 * consoles). Reports read only this folder.
 */
public final class RunDirectory {

    public static final String SAMPLES = "samples.jsonl";
    public static final String RUN = "run.json";

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /** A fresh id: sortable by time, unique enough for concurrent runs on one host. */
    public static String newRunId() {
        byte[] r = new byte[2];
        new SecureRandom().nextBytes(r);
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + HexFormat.of().formatHex(r);
    }

    /**
     * Creates {@code parent/runId}. Fails with a message naming the folder and the fix when the
     * parent cannot be written, before anything is measured.
     */
    public static RunDirectory create(Path parent, String runId) throws IOException {
        Path dir = parent.resolve(runId);
        try {
            Files.createDirectories(dir.resolve("logs"));
            Path probe = Files.createTempFile(dir, ".probe", "");
            Files.delete(probe);
        } catch (FileSystemException e) {
            throw new io.isobench.BadInputException("cannot write the results directory " + parent.toAbsolutePath()
                    + " (" + reason(e) + "): choose a writable one with --results DIR", e);
        }
        return new RunDirectory(dir);
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    /** Opens an existing run folder (for report and resume); names the fix when it is not one. */
    public static RunDirectory open(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(RUN))) {
            throw new io.isobench.BadInputException(dir + " is not an isobench run directory (no " + RUN
                    + "): pass a folder under results/, e.g. results/" + latestHint(dir.getParent()));
        }
        return new RunDirectory(dir);
    }

    private static String latestHint(Path parent) {
        try {
            if (parent != null && Files.isDirectory(parent)) {
                try (var s = Files.list(parent)) {
                    return s.filter(p -> Files.isRegularFile(p.resolve(RUN))).map(p -> p.getFileName().toString())
                            .sorted().reduce((a, b) -> b).orElse("<run-id>");
                }
            }
        } catch (IOException ignored) {
            // only a hint
        }
        return "<run-id>";
    }

    public Path path() {
        return dir;
    }

    public Path samples() {
        return dir.resolve(SAMPLES);
    }

    public Path runJson() {
        return dir.resolve(RUN);
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    public String id() {
        return dir.getFileName().toString();
    }

    public RunRecord readRecord() throws IOException {
        return Json.mapper().readValue(runJson().toFile(), RunRecord.class);
    }

    public List<Sample> readSamples() throws IOException {
        return SampleReader.read(samples());
    }

    /** Writes run.json through a temporary file and a rename, so a reader never sees half of it. */
    public synchronized void writeRecord(RunRecord record) throws IOException {
        Path tmp = dir.resolve(RUN + ".tmp");
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), record);
        try {
            Files.move(tmp, runJson(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, runJson(), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
