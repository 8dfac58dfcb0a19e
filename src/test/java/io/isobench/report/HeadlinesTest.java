package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.result.Direction;
import io.isobench.stats.Comparison;
import io.isobench.stats.MetricSummary;
import io.isobench.stats.Summary;
import io.isobench.workload.Workload;
import io.isobench.workload.WorkloadFamily;
import io.isobench.workload.Workloads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every workload has a headline, and the sweep rules pick what they say. */
class HeadlinesTest {

    private static MetricSummary m(String workload, String metric, Map<String, Object> labels, Direction d) {
        Summary s = Summary.of(new double[] {1, 2});
        return new MetricSummary(workload, Map.of(), metric, labels, "u", d, "native", "native", false, s, (Comparison) null);
    }

    @Test
    void everyWorkloadWithFiguresDeclaresAHeadline() {
        for (Workload w : Workloads.all()) {
            if (!w.getClass().getPackageName().startsWith("io.isobench.workload")) {
                continue; // the tests' own workloads (io.isobench.testing)
            }
            if (w.family() == WorkloadFamily.SECURITY) {
                assertThat(Headlines.declaration(w.name())).as(w.name() + " reports verdicts, not figures").isEmpty();
            } else {
                assertThat(Headlines.declaration(w.name())).as("a headline for " + w.name() + ": add it to Headlines").isPresent();
            }
        }
        // and nothing is declared for a workload that does not exist
        assertThat(Headlines.all()).allMatch(d -> Workloads.find(d.workload()).isPresent());
    }

    @Test
    void sweepsPickTheValueNearestTheStudysOnALogScale() {
        List<MetricSummary> redis = new ArrayList<>();
        for (String cmd : List.of("set", "get")) {
            for (int clients : List.of(1, 10, 50)) {
                redis.add(m("redis", cmd, Map.of("clients", clients), Direction.HIGHER));
                redis.add(m("redis", cmd + "_p50", Map.of("clients", clients), Direction.LOWER));
            }
        }
        Headlines.Pick p = Headlines.pick("redis", Map.of(), redis).orElseThrow();
        assertThat(p.metric()).isEqualTo("get");
        assertThat(p.labels()).isEqualTo(Map.of("clients", 10));
        // mysql's quick sweep 1, 4, 16: 16 is nearer 10 than 4 on a log scale; 5 and 20 tie, the larger wins
        List<MetricSummary> mysql = List.of(m("mysql", "tps", Map.of("threads", 1), Direction.HIGHER),
                m("mysql", "tps", Map.of("threads", 4), Direction.HIGHER), m("mysql", "tps", Map.of("threads", 16), Direction.HIGHER));
        assertThat(Headlines.pick("mysql", Map.of(), mysql).orElseThrow().labels()).isEqualTo(Map.of("threads", 16));
        List<MetricSummary> tie = List.of(m("mysql", "tps", Map.of("threads", 5), Direction.HIGHER),
                m("mysql", "tps", Map.of("threads", 20), Direction.HIGHER));
        assertThat(Headlines.pick("mysql", Map.of(), tie).orElseThrow().labels()).isEqualTo(Map.of("threads", 20));
        // redis without GET: the first command measured, at the same client count
        List<MetricSummary> noGet = redis.stream().filter(x -> !x.metric().startsWith("get")).toList();
        Headlines.Pick set = Headlines.pick("redis", Map.of(), noGet).orElseThrow();
        assertThat(set.metric()).isEqualTo("set");
        assertThat(set.labels()).isEqualTo(Map.of("clients", 10));
        assertThat(set.why()).contains("get was not measured");
    }

    @Test
    void modesAndDirectionsPickTheStudysFigure() {
        List<MetricSummary> blockio = List.of(m("blockio", "throughput", Map.of(), Direction.HIGHER), m("blockio", "iops", Map.of(), Direction.HIGHER),
                m("blockio", "latency_p50", Map.of(), Direction.LOWER));
        assertThat(Headlines.pick("blockio", Map.of("mode", "seq_write"), blockio).orElseThrow().metric()).isEqualTo("throughput");
        assertThat(Headlines.pick("blockio", Map.of("mode", "rand_rw"), blockio).orElseThrow().metric()).isEqualTo("iops");
        List<MetricSummary> stream = List.of(m("tcp_stream", "throughput", Map.of("direction", "env_to_host"), Direction.HIGHER),
                m("tcp_stream", "throughput", Map.of("direction", "host_to_env"), Direction.HIGHER),
                m("tcp_stream", "cpu_host", Map.of("direction", "host_to_env"), Direction.LOWER));
        assertThat(Headlines.pick("tcp_stream", Map.of(), stream).orElseThrow().labels()).isEqualTo(Map.of("direction", "host_to_env"));
        // a workload this version does not know: its first higher-is-better figure without labels, and it says so
        List<MetricSummary> unknown = List.of(m("old", "p99", Map.of(), Direction.LOWER), m("old", "ops", Map.of(), Direction.HIGHER));
        Headlines.Pick p = Headlines.pick("old", Map.of(), unknown).orElseThrow();
        assertThat(p.metric()).isEqualTo("ops");
        assertThat(p.why()).contains("no headline declared for old");
        assertThat(Headlines.pick("old", Map.of(), List.of())).isEmpty();
    }
}
