package io.isobench.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one baseline rule, for the planner and for reports of old runs alike. */
class BaselineTest {

    record V(String label, String environment) {
    }

    private static final List<V> VARIANTS = List.of(new V("docker[network=host]", "docker"), new V("docker", "docker"),
            new V("native[pin=0]", "native"), new V("native", "native"));

    @Test
    void aLabelFirstThenTheFirstVariantOfAnEnvironment() {
        assertThat(Baseline.find("docker", VARIANTS, V::label, V::environment)).contains(VARIANTS.get(1));
        assertThat(Baseline.find("native[pin=0]", VARIANTS, V::label, V::environment)).contains(VARIANTS.get(2));
        List<V> noPlainDocker = List.of(VARIANTS.get(0), VARIANTS.get(3));
        assertThat(Baseline.find("docker", noPlainDocker, V::label, V::environment)).contains(VARIANTS.get(0));
    }

    @Test
    void nativeWhenNoneIsNamedAndNothingWhenNoneMatches() {
        assertThat(Baseline.find(null, VARIANTS, V::label, V::environment)).contains(VARIANTS.get(3));
        assertThat(Baseline.find(" ", VARIANTS, V::label, V::environment)).contains(VARIANTS.get(3));
        assertThat(Baseline.find("vm", VARIANTS, V::label, V::environment)).isEmpty();
        assertThat(Baseline.wanted(null)).isEqualTo(Baseline.DEFAULT).isEqualTo("native");
    }
}
