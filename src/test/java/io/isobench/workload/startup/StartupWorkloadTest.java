package io.isobench.workload.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.core.Params;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an emulated variant starts: at most two instances together, never more than asked. */
class StartupWorkloadTest {

    @Test
    void anEmulatedVariantStartsAtMostTwoInstancesTogether() {
        StartupWorkload w = new StartupWorkload();
        assertThat(w.scaledForEmulation(Params.of(Map.of("instances", 3))).getInt("instances")).isEqualTo(2);
        assertThat(w.scaledForEmulation(Params.of(Map.of("instances", 16))).getInt("instances")).isEqualTo(2);
        // fewer than two stay as asked; two still start together, so density stays a density
        assertThat(w.scaledForEmulation(Params.of(Map.of("instances", 1))).getInt("instances")).isEqualTo(1);
        assertThat(w.scaledForEmulation(Params.of(Map.of("instances", 2))).getInt("instances")).isEqualTo(2);
    }
}
