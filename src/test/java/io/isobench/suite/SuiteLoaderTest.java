package io.isobench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import org.junit.jupiter.api.Test;

class SuiteLoaderTest {

    @Test
    void readsASuiteAndRoundTripsThroughItsRecordedForm() {
        Suite s = SuiteLoader.parse("""
                name: mine
                seed: 9
                repetition: {warmup: 2, iterations: 4, target: 0.05, max: 12}
                workloads:
                  - name: test_constant
                    params: {value: [1, 2]}
                  - test_noise
                environments:
                  - name: native
                    variants: [{pin: none}, {pin: "0"}]
                """, "mine.yaml");
        assertThat(s.name()).isEqualTo("mine");
        assertThat(s.seed()).isEqualTo(9);
        assertThat(s.repetition()).isEqualTo(new Repetition(2, 4, 0.05, 12));
        assertThat(s.workloads()).hasSize(2);
        assertThat(s.environments().get(0).variants()).hasSize(2);
        Suite again = SuiteLoader.fromMap(SuiteLoader.toMap(s), "run.json");
        assertThat(again.repetition()).isEqualTo(s.repetition());
        assertThat(again.workloads().get(0).params()).isEqualTo(s.workloads().get(0).params());
        assertThat(again.environments().get(0).variants()).isEqualTo(s.environments().get(0).variants());
    }

    @Test
    void anUnknownKeyIsReportedWithLineAndColumn() {
        assertThatThrownBy(() -> SuiteLoader.parse("""
                name: x
                workloads: [test_noise]
                enviroments: [native]
                """, "x.yaml"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("x.yaml:3:1").hasMessageContaining("unknown key 'enviroments'")
                .hasMessageContaining("did you mean 'environments'");
    }

    @Test
    void aWrongTypeIsReportedWithItsPlace() {
        assertThatThrownBy(() -> SuiteLoader.parse("""
                workloads: [test_noise]
                environments: [native]
                repetition:
                  iterations: five
                """, "y.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("y.yaml:4:3")
                .hasMessageContaining("repetition.iterations must be an integer, not 'five'");
    }

    @Test
    void theBuiltInQuickSuiteLoadsAndAnUnknownSuiteIsNamed() {
        assertThat(SuiteLoader.load("quick").workloads()).isNotEmpty();
        assertThatThrownBy(() -> SuiteLoader.load("quik")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("did you mean 'quick'");
    }
}
