package io.isobench.remote;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one way a command line for a remote host is made: SSH carries a single string that the
 * user's login shell (a POSIX shell: sh, bash, dash, zsh) splits again, so every argument is put
 * in single quotes, a quote inside it written as {@code '\''}. Nothing of a suite or a flag reaches
 * a remote shell any other way.
 */
public final class Shell {

    private Shell() {
    }

    /** One argument, quoted so that a POSIX shell reads back exactly these bytes. */
    public static String quote(String arg) {
        if (arg.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an argument cannot hold a NUL byte");
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** A command line of these arguments, each quoted. */
    public static String commandLine(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("an empty command");
        }
        return argv.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }
}
