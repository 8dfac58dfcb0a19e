package io.isobench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import java.util.List;
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
    void aWorkloadsOwnRepetitionIsMergedOverTheSuitesAndTheBudgetIsTheSuitesAlone() {
        Suite s = SuiteLoader.parse("""
                repetition: {warmup: 1, iterations: 3, target: 0.05, max: 6, budget: 9m}
                workloads:
                  - name: test_constant
                    repetition: {iterations: 5, max: 20}
                  - name: test_noise
                    repetition: {max: 4}
                  - test_echo
                environments: [native]
                """, "r.yaml");
        assertThat(s.repetition()).isEqualTo(new Repetition(1, 3, 0.05, 6, java.time.Duration.ofMinutes(9)));
        assertThat(s.workloads().get(0).repetition()).isEqualTo(new Repetition(1, 5, 0.05, 20));
        assertThat(s.workloads().get(1).repetition()).isEqualTo(new Repetition(1, 3, 0.05, 4));
        assertThat(s.workloads().get(2).repetition()).isNull();
        Plan plan = Planner.plan(s, HOST, v -> false);
        assertThat(plan.trials()).extracting(t -> plan.repetition(t).maxIterations()).containsExactly(20, 4, 6);
        Suite again = SuiteLoader.fromMap(SuiteLoader.toMap(s), "run.json");
        assertThat(again.repetition()).isEqualTo(s.repetition());
        assertThat(again.workloads()).extracting(Suite.WorkloadEntry::repetition)
                .containsExactlyElementsOf(s.workloads().stream().map(Suite.WorkloadEntry::repetition).toList());

        assertThatThrownBy(() -> SuiteLoader.parse("""
                repetition: {budget: soon}
                workloads: [test_noise]
                environments: [native]
                """, "b.yaml")).isInstanceOf(BadInputException.class).hasMessageStartingWith("b.yaml:1:22:")
                .hasMessageContaining("budget is a duration, e.g. budget: 9m");
        assertThatThrownBy(() -> SuiteLoader.parse("""
                workloads:
                  - name: test_noise
                    repetition: {budget: 1m}
                environments: [native]
                """, "w.yaml")).isInstanceOf(BadInputException.class).hasMessageStartingWith("w.yaml:3:18:")
                .hasMessageContaining("the time budget is the whole run's");
        assertThatThrownBy(() -> SuiteLoader.parse("""
                workloads:
                  - name: test_noise
                    repetition: {iterations: 9, max: 4}
                environments: [native]
                """, "m.yaml")).isInstanceOf(BadInputException.class).hasMessageStartingWith("m.yaml:3:17:");
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
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("y.yaml:4:15:")
                .hasMessageContaining("iterations must be an integer, not 'five'");
    }

    @Test
    void theBuiltInQuickSuiteLoadsAndAnUnknownSuiteIsNamed() {
        assertThat(SuiteLoader.load("quick").workloads()).isNotEmpty();
        assertThatThrownBy(() -> SuiteLoader.load("quik")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("did you mean 'quick'");
    }

    private static final io.isobench.host.HostFacts HOST = io.isobench.host.HostFacts.of(2, 8L << 30, 32L << 20);

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> planning(String yaml) {
        return assertThatThrownBy(() -> Planner.plan(SuiteLoader.parse(yaml, "s.yaml"), HOST)).isInstanceOf(BadInputException.class);
    }

    @Test
    void everyValidationErrorPointsAtItsLineAndColumn() {
        // an unknown parameter: at its key
        planning("""
                workloads:
                  - name: test_constant
                    params:
                      value: 2
                      vlaue: 3
                environments: [native]
                """).hasMessageStartingWith("s.yaml:5:7:").hasMessageContaining("no parameter 'vlaue'").hasMessageContaining("did you mean 'value'");
        // a parameter of the wrong type: at its key
        planning("""
                workloads:
                  - name: test_constant
                    params: {size: huge}
                environments: [native]
                """).hasMessageStartingWith("s.yaml:3:14:").hasMessageContaining("'size' must be a size");
        // out of range
        planning("""
                workloads:
                  - {name: test_constant, params: {value: -1}}
                environments: [native]
                """).hasMessageStartingWith("s.yaml:2:36:").hasMessageContaining("out of range");
        // an unknown workload: at its name
        planning("""
                workloads:
                  - name: test_constant
                  - name: strem
                environments: [native]
                """).hasMessageStartingWith("s.yaml:3:11:").hasMessageContaining("unknown workload 'strem'");
        // an unknown environment, an unknown setting, a bad setting value: at the environment or variant
        planning("""
                workloads: [test_constant]
                environments:
                  - name: native
                  - name: natve
                """).hasMessageStartingWith("s.yaml:4:11:").hasMessageContaining("did you mean 'native'");
        planning("""
                workloads: [test_constant]
                environments:
                  - name: native
                    variants:
                      - {pin: none}
                      - {pinned: "0"}
                """).hasMessageStartingWith("s.yaml:6:9:").hasMessageContaining("no setting 'pinned'");
        // a duplicated key
        assertThatThrownBy(() -> SuiteLoader.parse("""
                workloads: [test_constant]
                environments: [native]
                workloads: [test_noise]
                """, "s.yaml")).hasMessageStartingWith("s.yaml:3:1:").hasMessageContaining("appears twice (first at s.yaml:1:1)");
        // broken YAML
        assertThatThrownBy(() -> SuiteLoader.parse("workloads: [test_constant\nenvironments: native\n", "s.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("s.yaml:").hasMessageContaining("not valid YAML");
        // a mapping where a list belongs
        assertThatThrownBy(() -> SuiteLoader.parse("workloads: {name: x}\nenvironments: [native]\n", "s.yaml"))
                .hasMessageStartingWith("s.yaml:1:12:").hasMessageContaining("'workloads' must be a list");
        // an impossible repetition
        assertThatThrownBy(() -> SuiteLoader.parse("workloads: [x]\nenvironments: [native]\nrepetition: {iterations: 1, target: 0.1}\n", "s.yaml"))
                .hasMessageStartingWith("s.yaml:3:13:").hasMessageContaining("adaptive mode needs at least 2 iterations");
    }

    @Test
    void everyBuiltInSuitePlansAndTheSandboxSaysWhatItSkips() {
        for (String name : SuiteLoader.BUILT_IN) {
            Plan plan = Planner.plan(SuiteLoader.load(name), HostFacts.of(2, 24L << 30, 32L << 20));
            assertThat(plan.trials()).as(name).isNotEmpty();
            // the sandbox suite compares sandboxes with runc, the others everything with native
            assertThat(plan.baseline().label()).isEqualTo(name.equals("sandbox") ? "docker" : "native");
        }
        Plan paper = Planner.plan(SuiteLoader.load("paper"), HostFacts.of(2, 24L << 30, 32L << 20));
        assertThat(paper.variants()).extracting(v -> v.label())
                .contains("native", "docker[network=host]", "docker", "docker[storage=volume]", "vm", "vm[tuning=tuned]", "vm[disk=qcow2,tuning=tuned]");
        assertThat(paper.trials()).extracting(t -> t.workload().name()).contains("isolation", "syscall", "startup", "mysql", "redis");
        Plan sandbox = Planner.plan(SuiteLoader.load("sandbox"), HostFacts.of(2, 24L << 30, 32L << 20));
        String passthrough = "docker[runsc_network=host,runtime=runsc]";
        String netstack = "docker[runtime=runsc]";
        // gVisor with a network runs the network and application workloads, as runc does
        for (String w : List.of("tcp_rr", "tcp_stream", "redis", "syscall", "startup", "isolation")) {
            assertThat(sandbox.trials()).as(w).anyMatch(t -> t.workload().name().equals(w) && t.variant().label().equals(passthrough));
            assertThat(sandbox.trials()).as(w).anyMatch(t -> t.workload().name().equals(w) && t.variant().label().contains("machine=microvm"));
            assertThat(sandbox.trials()).as(w).anyMatch(t -> t.workload().name().equals(w) && t.variant().label().startsWith("vm[")
                    && !t.variant().label().contains("machine="));
        }
        // gVisor's own stack runs where runsc accepts it; where it does not, the plan says so in runsc's words
        boolean planned = sandbox.variants().stream().anyMatch(v -> v.label().equals(netstack));
        if (!planned) {
            assertThat(sandbox.skipped()).anySatisfy(s -> assertThat(s).startsWith("skipping " + netstack + ": runsc refuses")
                    .contains("runsc said: "));
        }
        assertThat(sandbox.skipped()).noneMatch(s -> s.contains(" skips " + passthrough));
    }

    @Test
    void theClientIsAPlaceOrAPlaceWithALinkAndRoundTrips() {
        String body = """
                workloads: [tcp_rr]
                environments: [native]
                """;
        assertThat(SuiteLoader.parse("name: a\n" + body, "a.yaml").client()).isEqualTo(io.isobench.client.ClientSpec.DEFAULT);
        Suite netns = SuiteLoader.parse("name: b\nclient: netns\n" + body, "b.yaml");
        assertThat(netns.client().place()).isEqualTo(io.isobench.client.ClientSpec.Place.NETNS);
        Suite linked = SuiteLoader.parse("name: c\nclient: {place: netns, link: 10gbit}\n" + body, "c.yaml");
        assertThat(linked.client().link()).isEqualTo("10gbit");
        assertThat(SuiteLoader.fromMap(SuiteLoader.toMap(linked), "run.json").client()).isEqualTo(linked.client());
        assertThatThrownBy(() -> SuiteLoader.parse("name: d\nclient: {place: netns, speed: 10gbit}\n" + body, "d.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("d.yaml:2").hasMessageContaining("speed");
        assertThatThrownBy(() -> SuiteLoader.parse("name: e\nclient: {place: netns, link: fast}\n" + body, "e.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("e.yaml:2").hasMessageContaining("10gbit");
        assertThatThrownBy(() -> SuiteLoader.parse("name: f\nclient: elsewhere\n" + body, "f.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("f.yaml:2");
    }

    @Test
    void thePaperSuiteLoadsFromANamespaceOnTheStudysLink() {
        Suite paper = SuiteLoader.load("paper");
        assertThat(paper.client()).isEqualTo(new io.isobench.client.ClientSpec(io.isobench.client.ClientSpec.Place.NETNS, "10gbit"));
    }
}
