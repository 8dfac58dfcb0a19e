package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.result.Direction;
import io.isobench.result.Sample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictsTest {

    static Sample sample(String variant, int iteration, boolean shared) {
        Map<String, Object> verdicts = Map.of("kernel_shared_with_host", Map.of("verdict", shared, "evidence", "boot id <b>x</b>"));
        return new Sample("r", "t1", "isolation", Map.of(), variant.startsWith("docker") ? "docker" : "native", variant, Map.of(), false,
                iteration, false, "capabilities", Map.of(), 14, "capabilities", Direction.LOWER, Instant.now(),
                Map.of("workload", Map.of("verdicts", verdicts)));
    }

    @Test
    void oneRowPerProbeAndOneColumnPerVariantFromTheLastIteration() {
        List<Verdicts> v = Verdicts.of(List.of(sample("native", 1, true), sample("docker", 1, false), sample("docker", 2, true)));
        assertThat(v).singleElement().satisfies(t -> {
            assertThat(t.variants()).containsExactly("native", "docker");
            assertThat(t.cells().get("kernel_shared_with_host").get("docker").verdict()).isEqualTo("true");
            assertThat(t.render()).contains("kernel_shared_with_host").contains("native").contains("docker");
        });
    }

    @Test
    void theOwnKernelVerdictIsExplainedOnceUnderTheTableWhereItOccurs() {
        Map<String, Object> own = Map.of("host_pid_namespace", Map.of("verdict", "own kernel: not shared", "evidence", "boot id a vs host's b"));
        Sample vm = new Sample("r", "t1", "isolation", Map.of(), "vm", "vm", Map.of(), true, 1, false, "capabilities", Map.of(), 41,
                "capabilities", Direction.LOWER, Instant.now(), Map.of("workload", Map.of("verdicts", own)));
        String withVm = Verdicts.of(List.of(sample("native", 1, true), vm)).get(0).render();
        assertThat(withVm).contains("own kernel: not shared").contains("a kernel of its own");
        assertThat(withVm.split("a kernel of its own", -1)).hasSize(2);
        assertThat(Verdicts.of(List.of(sample("native", 1, true))).get(0).render()).doesNotContain("a kernel of its own");
    }

    @Test
    void samplesWithoutVerdictsMakeNoTable() {
        Sample plain = new Sample("r", "t1", "hash", Map.of(), "native", "native", Map.of(), false, 1, false, "throughput", Map.of(), 1,
                "MB/s", Direction.HIGHER, Instant.now(), Map.of("workload", Map.of()));
        assertThat(Verdicts.of(List.of(plain))).isEmpty();
    }
}
