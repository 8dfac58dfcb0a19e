package io.isobench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {

    static final HostFacts HOST = HostFacts.of(2, 8L << 30, 32L << 20);

    static Suite suite(List<Suite.WorkloadEntry> ws, List<Suite.EnvironmentEntry> es, long seed) {
        return new Suite("t", "", ws, es, Repetition.fixed(1, 3), "native", seed);
    }

    static Suite.WorkloadEntry w(String name, Map<String, Object> params) {
        return new Suite.WorkloadEntry(name, new LinkedHashMap<>(params), "test");
    }

    static Suite.EnvironmentEntry native4() {
        // four native variants stand in for four environments: the planner does not care which
        return new Suite.EnvironmentEntry("native", List.of(Map.of("pin", List.of("none", "0", "1", "0-1"))), "test");
    }

    @Test
    void expandsWorkloadsParametersAndVariantsIntoTrials() {
        Plan plan = Planner.plan(suite(List.of(w("test_constant", Map.of("value", List.of(1, 2, 3))), w("test_noise", Map.of())),
                List.of(native4()), 1), HOST);
        // (3 values + 1) x 4 variants
        assertThat(plan.trials()).hasSize(16);
        assertThat(plan.variants()).extracting(v -> v.label())
                .containsExactly("native", "native[pin=0]", "native[pin=1]", "native[pin=0-1]");
        assertThat(plan.baseline().label()).isEqualTo("native");
        assertThat(plan.trials().stream().map(Trial::id).distinct()).hasSize(16);
        assertThat(plan.trials().stream().filter(t -> t.workload().name().equals("test_constant")).map(t -> t.params().getDouble("value")).distinct())
                .containsExactlyInAnyOrder(1.0, 2.0, 3.0);
        assertThat(plan.plannedIterations()).isEqualTo(16 * 4);
    }

    @Test
    void commaSeparatedTextAlsoMakesOneTrialPerValue() {
        Plan plan = Planner.plan(suite(List.of(w("test_constant", Map.of("value", "1,2"))),
                List.of(new Suite.EnvironmentEntry("native", List.of(), "test")), 1), HOST);
        assertThat(plan.trials()).hasSize(2);
    }

    @Test
    void everyRoundRunsEachTrialOnceInASeededOrderThatInterleavesEnvironments() {
        Plan plan = Planner.plan(suite(List.of(w("test_constant", Map.of()), w("test_noise", Map.of())), List.of(native4()), 42), HOST);
        List<Trial> all = plan.trials();
        Set<List<String>> orders = new HashSet<>();
        for (int round = 1; round <= 5; round++) {
            List<Trial> order = plan.roundOrder(all, round);
            assertThat(order).containsExactlyInAnyOrderElementsOf(all);
            orders.add(order.stream().map(Trial::id).toList());
            // seeded: the same round comes out the same
            assertThat(plan.roundOrder(all, round)).isEqualTo(order);
        }
        assertThat(orders).hasSizeGreaterThan(1);
        // not all of one variant first: in some round, variants alternate within the first half
        boolean interleaved = false;
        for (List<String> ids : orders) {
            List<String> firstHalf = ids.subList(0, ids.size() / 2);
            Set<String> variants = new HashSet<>();
            for (String id : firstHalf) {
                variants.add(all.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow().variant().label());
            }
            interleaved |= variants.size() > 2;
        }
        assertThat(interleaved).isTrue();
        // another seed, another order
        Plan other = Planner.plan(new Suite("t", "", plan.suite().workloads(), plan.suite().environments(), Repetition.fixed(1, 3),
                "native", 43), HOST);
        assertThat(other.roundOrder(other.trials(), 1).stream().map(Trial::id).toList())
                .isNotEqualTo(plan.roundOrder(all, 1).stream().map(Trial::id).toList());
    }

    @Test
    void eachRoundRunsBlocksOfOneWorkloadAndParametersWithTheirVariantsBackToBackInASeededOrder() {
        Plan plan = Planner.plan(suite(List.of(w("test_constant", Map.of("value", List.of(1, 2, 3))), w("test_noise", Map.of())),
                List.of(native4()), 42), HOST);
        List<Trial> all = plan.trials();
        Set<List<List<Object>>> blockOrders = new HashSet<>();
        Set<List<String>> variantOrders = new HashSet<>();
        for (int round = 1; round <= 8; round++) {
            List<Trial> order = plan.roundOrder(all, round);
            assertThat(order).containsExactlyInAnyOrderElementsOf(all);
            assertThat(plan.roundOrder(all, round)).as("seeded by the suite's seed and the round").isEqualTo(order);
            // blocks are contiguous: once a block is left it never comes back in the round
            List<List<Object>> blocks = new ArrayList<>();
            for (Trial t : order) {
                List<Object> b = Plan.block(t);
                if (blocks.isEmpty() || !blocks.get(blocks.size() - 1).equals(b)) {
                    assertThat(blocks).as("block %s split in round %d", b, round).doesNotContain(b);
                    blocks.add(b);
                }
            }
            assertThat(blocks).hasSize(4);
            blockOrders.add(blocks);
            // every block holds the four variants, the baseline among them
            for (int i = 0; i < order.size(); i += 4) {
                assertThat(order.subList(i, i + 4).stream().map(t -> t.variant().label()).distinct()).hasSize(4);
            }
            variantOrders.add(order.subList(0, 4).stream().map(t -> t.variant().label()).toList());
        }
        assertThat(blockOrders).as("the blocks' order varies by round").hasSizeGreaterThan(1);
        assertThat(variantOrders).as("the variants' order inside a block varies by round").hasSizeGreaterThan(1);
        // a trial that needs no more leaves its block; the rest of the block stays together
        List<Trial> fewer = new ArrayList<>(all);
        fewer.remove(0);
        List<Trial> order = plan.roundOrder(fewer, 3);
        assertThat(order).containsExactlyInAnyOrderElementsOf(fewer);
        List<Object> firstBlock = Plan.block(all.get(0));
        int from = order.indexOf(order.stream().filter(t -> Plan.block(t).equals(firstBlock)).findFirst().orElseThrow());
        assertThat(order.subList(from, from + 3)).allMatch(t -> Plan.block(t).equals(firstBlock));
    }

    @Test
    void unknownNamesAreRejectedWithASuggestion() {
        assertThatThrownBy(() -> Planner.plan(suite(List.of(w("test_constnt", Map.of())), List.of(native4()), 1), HOST))
                .isInstanceOf(BadInputException.class).hasMessageContaining("unknown workload 'test_constnt'")
                .hasMessageContaining("did you mean 'test_constant'");
        assertThatThrownBy(() -> Planner.plan(suite(List.of(w("test_constant", Map.of())),
                List.of(new Suite.EnvironmentEntry("natve", List.of(), "suite.yaml:9:5")), 1), HOST))
                .isInstanceOf(BadInputException.class).hasMessageContaining("suite.yaml:9:5")
                .hasMessageContaining("unknown environment 'natve'").hasMessageContaining("did you mean 'native'");
        assertThatThrownBy(() -> Planner.plan(suite(List.of(w("test_constant", Map.of())),
                List.of(new Suite.EnvironmentEntry("native", List.of(Map.of("pinn", "0")), "test")), 1), HOST))
                .hasMessageContaining("no setting 'pinn'").hasMessageContaining("did you mean 'pin'");
        assertThatThrownBy(() -> Planner.plan(suite(List.of(w("test_constant", Map.of())),
                List.of(new Suite.EnvironmentEntry("native", List.of(Map.of("pin", "99")), "test")), 1), HOST))
                .hasMessageContaining("CPU 99");
    }

    @Test
    void aBaselineThatIsNotInTheRunIsRejected() {
        assertThatThrownBy(() -> Planner.plan(new Suite("t", "", List.of(w("test_constant", Map.of())), List.of(native4()),
                Repetition.fixed(0, 1), "docker", 1), HOST)).hasMessageContaining("baseline 'docker'");
    }

    @Test
    void variantListsExpandToEveryCombination() {
        List<Map<String, Object>> out = Planner.expand(new LinkedHashMap<>(Map.of("a", List.of(1, 2), "b", List.of("x", "y", "z"))));
        assertThat(out).hasSize(6);
        assertThat(new ArrayList<>(out)).contains(Map.of("a", 2, "b", "z"));
    }

    @Test
    void aTrialThatCannotFitItsVariantsMemoryIsRefusedBeforeAnythingRunsNamingTheParameterAndTheLimit() {
        // (as under KVM: no emulation sizes) stream's three arrays of 256 MiB live outside the heap: they cannot fit a 512 MiB VM beside the agent's JVM
        var vm = new Suite.EnvironmentEntry("vm", List.of(Map.of("memory", "512M")), "test");
        assertThatThrownBy(() -> Planner.plan(suite(List.of(w("stream", Map.of("size", "256M", "threads", 1))), List.of(vm), 1), HOST, v -> false))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("stream does not fit vm[memory=536870912]")
                .hasMessageContaining("size=268435456")
                .hasMessageContaining("more than its 512 MiB")
                .hasMessageContaining("vm.memory=");
        // the same arrays fit a 2 GiB VM, and a small array fits the small VM
        assertThat(Planner.plan(suite(List.of(w("stream", Map.of("size", "256M", "threads", 1))),
                List.of(new Suite.EnvironmentEntry("vm", List.of(Map.of("memory", "2G")), "test")), 1), HOST, v -> false).trials()).hasSize(1);
        assertThat(Planner.plan(suite(List.of(w("stream", Map.of("size", "16M", "threads", 1))), List.of(vm), 1), HOST, v -> false).trials()).hasSize(1);
        // a container's memory limit is a limit too; without one (and natively) the host's memory is the only bound
        var docker = new Suite.EnvironmentEntry("docker", List.of(Map.of("memory", "512M")), "test");
        assertThatThrownBy(() -> Planner.plan(suite(List.of(w("stream", Map.of("size", "256M", "threads", 1))), List.of(docker), 1), HOST, v -> false))
                .isInstanceOf(BadInputException.class).hasMessageContaining("docker.memory=");
        assertThat(Planner.plan(suite(List.of(w("stream", Map.of("size", "256M", "threads", 1))),
                List.of(new Suite.EnvironmentEntry("native", List.of(), "test")), 1), HOST, v -> false).trials()).hasSize(1);
    }

    @Test
    void anEmulatedVariantRunsTheEmulationSizeAndTheBaselineRunsItTooForALikeForLikeComparison() {
        Suite s = suite(List.of(w("linpack", Map.of("n", 3000)), w("tcp_rr", Map.of())), List.of(native4()), 1);
        Plan plan = Planner.plan(s, HOST, v -> v.label().equals("native[pin=1]"));
        Map<String, List<Integer>> nByVariant = new LinkedHashMap<>();
        plan.trials().stream().filter(t -> t.workload().name().equals("linpack"))
                .forEach(t -> nByVariant.computeIfAbsent(t.variant().label(), k -> new ArrayList<>()).add(t.params().getInt("n")));
        // the emulated variant at the smaller order, the baseline at both, the others as asked
        assertThat(nByVariant).containsEntry("native[pin=1]", List.of(750)).containsEntry("native", List.of(3000, 750))
                .containsEntry("native[pin=0]", List.of(3000)).containsEntry("native[pin=0-1]", List.of(3000));
        // a workload bounded by time keeps its parameters everywhere: no extra baseline trial
        assertThat(plan.trials().stream().filter(t -> t.workload().name().equals("tcp_rr"))).hasSize(4);
        assertThat(plan.scaled()).singleElement().asString().contains("native[pin=1]").contains("n=3000 -> 750")
                .contains("native at the same size");
        assertThat(plan.trials().stream().map(Trial::id).distinct()).hasSize(plan.trials().size());
    }

    @Test
    void anEmulatedBaselineAddsNoTrialOfItsOwn() {
        Suite s = suite(List.of(w("linpack", Map.of("n", 3000))), List.of(native4()), 1);
        Plan plan = Planner.plan(s, HOST, v -> true);
        assertThat(plan.trials()).hasSize(4).allSatisfy(t -> assertThat(t.params().getInt("n")).isEqualTo(750));
        assertThat(plan.scaled()).singleElement().asString().doesNotContain("same size");
    }

    @Test
    void noVariantEmulatedMeansThePlanAsWritten() {
        Suite s = suite(List.of(w("linpack", Map.of("n", 3000))), List.of(native4()), 1);
        Plan plan = Planner.plan(s, HOST, v -> false);
        assertThat(plan.trials()).hasSize(4).allSatisfy(t -> assertThat(t.params().getInt("n")).isEqualTo(3000));
        assertThat(plan.scaled()).isEmpty();
    }
}
