package io.isobench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.core.Console;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines said anywhere reach the person through the progress display while it is up. */
class ProgressTest {

    @Test
    void whatEnvironmentsSayGoesThroughTheProgressUntilItCloses() {
        List<String> after = new ArrayList<>();
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        try (Console.Route outside = Console.route(after::add)) {
            try (Progress p = Progress.routed(new Progress.Lines(new PrintStream(shown, true, StandardCharsets.UTF_8)))) {
                p.begin("stream on docker", 0, 4);
                Console.say("isobench: could not remove tap isb-1: busy");
            }
            Console.say("isobench: after the run");
        }
        String text = shown.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("stream on docker").contains("isobench: could not remove tap isb-1: busy");
        assertThat(text.indexOf("stream on docker")).isLessThan(text.indexOf("could not remove"));
        assertThat(text).doesNotContain("after the run");
        assertThat(after).containsExactly("isobench: after the run");
    }
}
