package io.isobench.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every agent starts with, whatever the invoking shell sets. */
class AgentEnvironmentTest {

    /** A shell like this workplace's: a BLAS core type, JVM options, a locale and unrelated variables. */
    private static final Map<String, String> SHELL = Map.of(
            "OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "512", "JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1",
            "LANG", "C.UTF-8", "LC_ALL", "de_DE.UTF-8", "PATH", "/root/bin:/usr/bin", "TERM", "xterm", "EDITOR", "vi");

    @Test
    void agentsGetTheBaseSetAndNothingOfTheShell() {
        AgentEnvironment e = AgentEnvironment.of(SHELL, List.of(), "--pass-env");
        assertThat(e.variables()).isEqualTo(AgentEnvironment.BASE);
        assertThat(e.passedThrough()).isEmpty();
        // influential variables the shell sets are named; a LANG equal to ours changes nothing and is not
        assertThat(e.leftBehind()).containsOnlyKeys("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "JAVA_TOOL_OPTIONS", "LC_ALL");
        assertThat(e.warning()).contains("OPENBLAS_CORETYPE").contains("JAVA_TOOL_OPTIONS").contains("--pass-env");
    }

    @Test
    void aVariablePassedThroughReachesEveryAgentAndIsRecorded() {
        AgentEnvironment e = AgentEnvironment.of(SHELL, List.of("OPENBLAS_CORETYPE"), "--pass-env");
        assertThat(e.variables()).containsEntry("OPENBLAS_CORETYPE", "Haswell").containsAllEntriesOf(AgentEnvironment.BASE);
        assertThat(e.passedThrough()).containsExactly(Map.entry("OPENBLAS_CORETYPE", "Haswell"));
        assertThat(e.leftBehind()).doesNotContainKey("OPENBLAS_CORETYPE");
        assertThat(e.assignments()).contains("OPENBLAS_CORETYPE=Haswell", "LANG=C.UTF-8");
        // run.json keeps the values: a resumed run starts its agents the same way
        assertThat(AgentEnvironment.fromMap(e.toMap())).isEqualTo(e);
    }

    @Test
    void noInfluentialVariableNoWarning() {
        assertThat(AgentEnvironment.of(Map.of("PATH", "/bin", "TERM", "xterm"), List.of(), "x").warning()).isNull();
    }

    @Test
    void passingThroughWhatTheShellLacksOrWhatIsNoNameIsBadInput() {
        assertThatThrownBy(() -> AgentEnvironment.of(SHELL, List.of("OMP_NUM_THREADS"), "--pass-env"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("OMP_NUM_THREADS").hasMessageContaining("export");
        assertThatThrownBy(() -> AgentEnvironment.of(SHELL, List.of("A=B"), "suite.yaml:3:11"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("suite.yaml:3:11").hasMessageContaining("not a variable name");
    }

    @Test
    void theLaunchersRenamedJvmOptionsAreReadBackUnderTheirOwnNames() {
        Map<String, String> seen = AgentEnvironment.invokingShell(Map.of("ISOBENCH_SHELL_JAVA_TOOL_OPTIONS", "-Xint", "TERM", "xterm"));
        assertThat(seen).containsEntry("JAVA_TOOL_OPTIONS", "-Xint").containsEntry("TERM", "xterm")
                .doesNotContainKey("ISOBENCH_SHELL_JAVA_TOOL_OPTIONS");
    }
}
