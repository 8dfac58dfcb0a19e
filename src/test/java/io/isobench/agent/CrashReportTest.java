package io.isobench.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

public class CrashReportTest {

    /** The header of a HotSpot crash report as JDK 25 writes it (abridged after the header). */
    public static final String SIGNAL = """
            #
            # A fatal error has been detected by the Java Runtime Environment:
            #
            #  SIGSEGV (0xb) at pc=0x00007f3c5d0a1b2c, pid=412, tid=420
            #
            # JRE version: OpenJDK Runtime Environment Temurin-25+36 (25.0+36) (build 25+36-LTS)
            # Java VM: OpenJDK 64-Bit Server VM Temurin-25+36 (25+36-LTS, mixed mode, sharing, tiered, compressed oops, parallel gc, linux-amd64)
            # Problematic frame:
            # V  [libjvm.so+0x8a1b2c]  PSPromotionManager::copy_to_survivor_space+0x5c
            #
            # No core dump will be written. Core dumps have been disabled.
            #
            # If you would like to submit a bug report, please visit:
            #   https://github.com/adoptium/adoptium-support/issues
            #

            ---------------  S U M M A R Y ------------
            """;

    static final String INTERNAL = """
            #
            # A fatal error has been detected by the Java Runtime Environment:
            #
            #  Internal Error (/src/hotspot/share/gc/parallel/psPromotionManager.inline.hpp:280), pid=77, tid=80
            #  guarantee(new_obj->is_oop()) failed: must be an oop
            #
            # JRE version: OpenJDK Runtime Environment (25.0+36)
            """;

    @Test
    void theSummaryNamesTheSignalAndTheFrameOrTheInternalError() {
        assertThat(CrashReport.summary(SIGNAL)).startsWith("SIGSEGV (0xb) at pc=0x00007f3c5d0a1b2c, pid=412, tid=420")
                .contains("problematic frame: V  [libjvm.so+0x8a1b2c]  PSPromotionManager::copy_to_survivor_space+0x5c")
                .doesNotContain("No core dump").doesNotContain("https://");
        assertThat(CrashReport.summary(INTERNAL)).contains("Internal Error (/src/hotspot/share/gc/parallel/psPromotionManager.inline.hpp:280)")
                .contains("guarantee(new_obj->is_oop()) failed: must be an oop");
        assertThat(CrashReport.summary("Exception in thread \"main\" java.lang.Error")).isEmpty();
    }

    @Test
    void exitStatusesAreSaidAsSignalsWhereTheyAreOne() {
        assertThat(AgentException.Death.exitStatus(137)).isEqualTo("killed by SIGKILL (status 137)");
        assertThat(AgentException.Death.exitStatus(134)).isEqualTo("aborted by SIGABRT (status 134)");
        assertThat(AgentException.Death.exitStatus(7)).isEqualTo("exited with status 7");
    }
}
