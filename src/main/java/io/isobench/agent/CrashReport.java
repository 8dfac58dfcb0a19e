package io.isobench.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A HotSpot fatal error report ({@code hs_err_pid*.log}): where environments keep them and the
 * few lines of it that name the cause. Every environment gives the agent's JVM
 * {@code -XX:ErrorFile} so the report lands where the run keeps its logs (natively directly, from
 * a container or a guest by copying it out), and never on the protocol channel.
 */
public final class CrashReport {

    /** The first line of every HotSpot crash report's header. */
    public static final String HEADER = "# A fatal error has been detected by the Java Runtime Environment";

    private CrashReport() {
    }

    /**
     * The lines of a report's header that say what happened: the signal or internal error with
     * its pc, the problematic frame, and for an internal error its message, joined as one line;
     * empty when the text is not a crash report.
     */
    public static String summary(String report) {
        List<String> lines = report.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(HEADER)) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            return "";
        }
        List<String> picked = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && lines.get(i).startsWith("#"); i++) {
            String l = lines.get(i);
            // "#  SIGSEGV (0xb) at pc=...", "#  Internal Error (...)", "#  guarantee(...) failed: ...", "#  Out of Memory Error ..."
            if (l.startsWith("#  ") && !l.isBlank() && !l.contains("://")) { // not the bug-report address
                picked.add(l.substring(3).strip());
            } else if (l.startsWith("# Problematic frame:") && i + 1 < lines.size()) {
                picked.add("problematic frame: " + lines.get(i + 1).replaceFirst("^#\\s*", "").strip());
            }
        }
        return String.join("; ", picked);
    }

    /** The newest crash report in {@code dir} whose name matches {@code glob}, if any. */
    public static Optional<Path> newest(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
            return s.filter(p -> matcher.matches(p.getFileName())).max((a, b) -> {
                try {
                    return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
                } catch (IOException e) {
                    return 0;
                }
            });
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** "JVM crash: SUMMARY" for the report at {@code file}, or null when there is no readable report there. */
    public static String describe(Path file) {
        try {
            // a report may hold bytes that are not UTF-8 (memory dumps): decode leniently
            String s = summary(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8));
            return s.isEmpty() ? "JVM crash (report " + file + ")" : "JVM crash: " + s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
