package io.isobench.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code samples.jsonl}. A last line cut short by a crash (no newline, not valid JSON) is
 * skipped; a damaged line elsewhere is an error naming its line number.
 */
public final class SampleReader {

    private SampleReader() {
    }

    public static List<Sample> read(Path path) throws IOException {
        List<Sample> samples = new ArrayList<>();
        if (!Files.exists(path)) {
            return samples;
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                samples.add(Json.mapper().readValue(line, Sample.class));
            } catch (JsonProcessingException e) {
                boolean last = i == lines.size() - 1;
                if (!last) {
                    throw new IOException(path + ":" + (i + 1) + ": not a sample (" + e.getOriginalMessage()
                            + "); the file is damaged: remove that line to read the rest", e);
                }
                // the run was killed while writing its last line: everything before it stands
            }
        }
        return samples;
    }
}
