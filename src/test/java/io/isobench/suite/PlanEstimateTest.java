package io.isobench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.core.Params;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.workload.Workload;
import io.isobench.workload.Workloads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The plan's estimate: an emulated variant takes longer for work-bound workloads, not for those that run for a set time. */
class PlanEstimateTest {

    static final HostFacts HOST = HostFacts.of(2, 8L << 30, 32L << 20);
    static final Variant NATIVE = Variant.of("native", Map.of());
    static final Variant TCG = Variant.of("vm", Map.of("accel", "tcg"));

    private static Params params(Workload w, Map<String, Object> given) {
        return Params.resolve(w.params(), given, HOST, "workload '" + w.name() + "'", "test");
    }

    private static Duration estimate(Workload w, Params p) {
        Suite suite = new Suite("t", "", List.of(), List.of(), Repetition.fixed(1, 3), "native", 1);
        Plan plan = new Plan(suite, List.of(new Trial("a", w, p, NATIVE), new Trial("b", w, p, TCG)), NATIVE, List.of(), List.of(),
                Set.of(TCG.label()));
        return plan.estimate();
    }

    @Test
    void aTimeBoundWorkloadTakesAsLongEmulatedAsNatively() {
        Workload tcpRr = Workloads.get("tcp_rr", "test");
        assertThat(tcpRr.timeBound()).isTrue();
        Params p = params(tcpRr, Map.of("duration", "2s"));
        // four iterations (one warm-up, three measured) on each of the two variants, none multiplied
        assertThat(estimate(tcpRr, p)).isEqualTo(tcpRr.estimate(p).multipliedBy(4 * 2));
    }

    @Test
    void aWorkBoundWorkloadTakesSeveralTimesLongerEmulated() {
        Workload hash = Workloads.get("hash", "test");
        assertThat(hash.timeBound()).isFalse();
        Params p = params(hash, Map.of());
        assertThat(estimate(hash, p)).isEqualTo(hash.estimate(p).multipliedBy(4 * (1 + Plan.EMULATION_SLOWDOWN)));
    }

    @Test
    void theTimeBoundWorkloadsAreThoseWithADurationThatEmulationDoesNotScale() {
        List<Workload> timeBound = Workloads.all().stream().filter(Workload::timeBound).toList();
        assertThat(timeBound).extracting(Workload::name).contains("tcp_rr", "udp_rr", "tcp_stream", "blockio");
        for (Workload w : timeBound) {
            assertThat(w.params()).as(w.name()).anyMatch(s -> s.name().equals("duration"));
            Params p = params(w, Map.of());
            assertThat(w.scaledForEmulation(p)).as(w.name() + " at its emulation size").isEqualTo(p);
        }
    }
}
