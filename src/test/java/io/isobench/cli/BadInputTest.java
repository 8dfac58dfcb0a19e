package io.isobench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gets one clear message naming what and where, exit code 2, and nothing runs. */
class BadInputTest {

    @TempDir
    Path tmp;

    private Cli run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--results=" + tmp.resolve("results");
        return Cli.run(all);
    }

    private void assertBad(Cli c, String... phrases) {
        assertThat(c.exit()).as(c.all()).isEqualTo(Main.BAD_INPUT);
        for (String p : phrases) {
            assertThat(c.err()).as(c.all()).contains(p);
        }
        assertThat(c.err()).as("no stack trace for bad input").doesNotContain("\tat ");
        assertThat(tmp.resolve("results")).as("nothing ran").doesNotExist();
    }

    @Test
    void passingThroughAVariableTheShellDoesNotSet() {
        assertBad(Cli.run("run", "--env", "native", "--workload", "hash", "--pass-env", "ISOBENCH_NO_SUCH_VARIABLE_1234", "--dry-run"),
                "--pass-env", "ISOBENCH_NO_SUCH_VARIABLE_1234", "does not set it");
        assertBad(Cli.run("run", "--env", "native", "--workload", "hash", "--pass-env", "not-a-name", "--dry-run"),
                "not-a-name", "is not a variable name");
    }

    @Test
    void unknownWorkload() {
        assertBad(run("--env", "native", "--workload", "hsah"), "--workload", "unknown workload 'hsah'", "did you mean 'hash'");
    }

    @Test
    void unknownEnvironment() {
        assertBad(run("--env", "nativ", "--workload", "hash"), "--env", "unknown environment 'nativ'", "did you mean 'native'");
    }

    @Test
    void unknownVariantSetting() {
        assertBad(run("--env", "native", "--workload", "hash", "--variant", "native.pinning=0"), "no setting 'pinning'", "did you mean 'pin'");
    }

    @Test
    void unknownParameter() {
        assertBad(run("--env", "native", "--workload", "hash", "-p", "hash.sise=1M"), "no parameter 'sise'", "did you mean 'size'");
    }

    @Test
    void parameterOfTheWrongType() {
        assertBad(run("--env", "native", "--workload", "hash", "-p", "threads=two"), "'threads' must be a integer, not 'two'");
    }

    @Test
    void parameterOutOfRange() {
        assertBad(run("--env", "native", "--workload", "hash", "-p", "hash.size=1"), "'size' is 1, out of range");
    }

    @Test
    void malformedFlags() {
        assertBad(run("--env", "native", "--workload", "hash", "-p", "nonsense"), "--param nonsense", "NAME=VALUE");
        assertBad(run("--env", "native", "--workload", "hash", "--iterations", "0"), "iterations must be at least 1");
        assertBad(run("--env", "native", "--workload", "hash", "--iterations", "many"), "--iterations");
        assertBad(run("--env", "native", "--workload", "hash", "--frobnicate"), "--frobnicate");
    }

    @Test
    void unwritableResultsDirectory() throws Exception {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "not a folder");
        Cli c = Cli.run("run", "--env", "native", "--workload", "hash", "--results", file.toString());
        assertThat(c.exit()).as(c.all()).isEqualTo(Main.BAD_INPUT);
        assertThat(c.err()).contains("cannot write the results directory").contains(file.toString()).contains("--results DIR");
    }

    @Test
    void aSuiteFileThatIsNotThere() {
        assertBad(run("--suite", tmp.resolve("nope.yaml").toString()), "no such built-in suite or file");
    }

    @Test
    void reportOfAFolderThatIsNotARun() {
        Cli c = Cli.run("report", tmp.toString());
        assertThat(c.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(c.err()).contains("is not an isobench run directory");
    }
}
