package io.isobench.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quoting of remote command lines, checked by a real POSIX shell reading them back. */
class ShellTest {

    /** What /bin/sh makes of the line: each argument as printf hands it back, NUL-terminated. */
    private static List<String> shellReads(List<String> args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
        argv.addAll(args);
        Process p = new ProcessBuilder("/bin/sh", "-c", Shell.commandLine(argv)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        List<String> got = new ArrayList<>(List.of(out.split("\0", -1)));
        got.remove(got.size() - 1);
        return got;
    }

    @Test
    void everyArgumentComesBackAsItWas() throws Exception {
        List<String> hostile = List.of("plain", "two words", "it's", "''", "'", "\"double\"", "$HOME", "${PATH}", "`id`", "$(id)",
                "a;b", "a|b", "a&&b", "> /tmp/x", "*", "?", "~", "tab\there", "new\nline", "back\\slash", "-n", "", " ", "é ünïcode",
                "!event", "#comment");
        assertThat(shellReads(hostile)).containsExactlyElementsOf(hostile);
    }

    @Test
    void eachArgumentIsOneWordEvenWhenItLooksLikeMany() throws Exception {
        assertThat(shellReads(List.of("x' 'y"))).containsExactly("x' 'y");
        assertThat(shellReads(List.of("a", "b c", "d"))).hasSize(3);
    }

    @Test
    void aNulByteOrAnEmptyCommandIsRefused() {
        assertThatThrownBy(() -> Shell.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Shell.commandLine(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
