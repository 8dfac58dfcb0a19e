package io.isobench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.agent.AgentException;
import io.isobench.agent.AgentLauncher;
import io.isobench.client.LocalClient;
import io.isobench.env.Cleanup;
import io.isobench.env.Environment;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.Environments;
import io.isobench.env.StartContext;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.suite.Plan;
import io.isobench.suite.Planner;
import io.isobench.suite.Repetition;
import io.isobench.suite.Suite;
import io.isobench.suite.Trial;
import io.isobench.workload.HostContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor against a real native instance and its agent, with the load from the host's own stack. */
class TrialExecutorTest {

    @TempDir
    Path logs;

    private final Environment nativeEnv = Environments.get("native", "test");
    private Cleanup cleanup;
    private StartContext ctx;
    private EnvironmentInstance inst;
    private LocalClient local;
    private final Map<String, Map<String, Object>> clientUsed = new LinkedHashMap<>();
    private final List<EnvironmentInstance> fresh = Collections.synchronizedList(new ArrayList<>());

    private static Plan plan() {
        Suite suite = new Suite("t", "", List.of(w("test_constant", Map.of("value", 2.5)), w("test_fail", Map.of()),
                w("test_echo", Map.of("count", 20)), w("test_echo", Map.of("count", 5, "fail", true)), w("startup", Map.of("instances", 1))),
                List.of(new Suite.EnvironmentEntry("native", List.of(), "test")), Repetition.fixed(0, 1), "native", 3);
        return Planner.plan(suite, ScheduleTest.HOST);
    }

    private static Suite.WorkloadEntry w(String name, Map<String, Object> params) {
        return new Suite.WorkloadEntry(name, new LinkedHashMap<>(params), "test");
    }

    /** The trial of {@code workload}; of test_echo, index 1 is the one whose load side fails. */
    private static Trial trial(Plan plan, String workload, int index) {
        return plan.trials().stream().filter(t -> t.workload().name().equals(workload))
                .filter(t -> !workload.equals("test_echo") || t.params().getBool("fail") == (index == 1)).findFirst().orElseThrow();
    }

    @BeforeEach
    void setUp() throws Exception {
        cleanup = new Cleanup(false);
        ctx = new StartContext("20261206-140000-exec", logs, AgentLauncher.current(), cleanup, ScheduleTest.HOST, Duration.ofMinutes(1));
        inst = nativeEnv.start(plan().trials().get(0).variant(), ctx);
        local = new LocalClient(new HostContext(ScheduleTest.HOST, logs));
    }

    @AfterEach
    void tearDown() {
        inst.close();
        local.close();
        cleanup.close();
    }

    private TrialExecutor executor(boolean withClient) {
        return new TrialExecutor(ScheduleTest.HOST, logs, withClient ? local : null, withClient ? null : "the client namespace did not start: no ip",
                local, v -> {
                    EnvironmentInstance i = nativeEnv.start(v, ctx);
                    fresh.add(i);
                    return i;
                }, clientUsed::put);
    }

    @Test
    void aWorkloadInsideRunsInTheInstancesAgent() throws Exception {
        Plan plan = plan();
        WorkloadResult r = executor(true).execute(trial(plan, "test_constant", 0), inst);
        assertThat(r.measurements()).extracting(Measurement::value).containsExactly(2.5, 5.0);
        assertThat(String.valueOf(r.metadata().get("data_dir"))).contains("isobench-20261206-140000-exec");
        assertThat(clientUsed).isEmpty();
        assertThat(fresh).isEmpty();
    }

    @Test
    void aWorkloadsOwnFailureComesBackAsAFailedCallWithTheAgentFine() throws Exception {
        Plan plan = plan();
        TrialExecutor ex = executor(true);
        assertThatThrownBy(() -> ex.execute(trial(plan, "test_fail", 0), inst)).isInstanceOf(AgentException.class)
                .hasMessageContaining("verification failed on purpose")
                .satisfies(e -> assertThat(((AgentException) e).broken()).isFalse());
        assertThat(inst.alive()).isTrue();
        assertThat(ex.execute(trial(plan, "test_constant", 0), inst).measurements()).isNotEmpty();
    }

    @Test
    void aServerInsideIsDrivenFromTheClientPlaceAndStoppedWithItsOwnFigures() throws Exception {
        Plan plan = plan();
        Trial t = trial(plan, "test_echo", 0);
        WorkloadResult r = executor(true).execute(t, inst);
        assertThat(r.measurements()).extracting(Measurement::metric, Measurement::value)
                .contains(org.assertj.core.groups.Tuple.tuple("round_trips", 20.0), org.assertj.core.groups.Tuple.tuple("served", 20.0));
        assertThat(r.metadata()).containsEntry("client", local.facts()).containsKey("endpoint").containsKey("server");
        assertThat(clientUsed).containsOnlyKeys(t.variant().label());
        assertThat(clientUsed.get(t.variant().label())).isEqualTo(local.facts());
    }

    @Test
    void whenTheLoadSideFailsTheServerIsStoppedAndTheAgentStaysUsable() throws Exception {
        Plan plan = plan();
        TrialExecutor ex = executor(true);
        assertThatThrownBy(() -> ex.execute(trial(plan, "test_echo", 1), inst)).hasMessageContaining("the load side failed on purpose");
        // the server was stopped: the next server starts on the same port
        assertThat(ex.execute(trial(plan, "test_echo", 0), inst).measurements()).isNotEmpty();
    }

    @Test
    void withoutAClientPlaceAServerWorkloadFailsWithTheReasonAndTheServerIsStopped() throws Exception {
        Plan plan = plan();
        TrialExecutor ex = executor(false);
        assertThatThrownBy(() -> ex.execute(trial(plan, "test_echo", 0), inst)).isInstanceOf(IOException.class)
                .hasMessage("no place for the load side: the client namespace did not start: no ip");
        assertThat(ex.execute(trial(plan, "test_constant", 0), inst).measurements()).isNotEmpty();
        assertThat(executor(true).execute(trial(plan, "test_echo", 0), inst).measurements()).isNotEmpty();
    }

    @Test
    void aHostWorkloadGetsFreshInstancesOfItsOwnAndClosesThem() throws Exception {
        Plan plan = plan();
        WorkloadResult r = executor(true).execute(trial(plan, "startup", 0), inst);
        assertThat(r.measurements()).extracting(Measurement::metric).contains("cold_start", "warm_start", "request_rtt", "density_start");
        // cold, warm and one for density
        assertThat(fresh).hasSize(3).doesNotContain(inst).allMatch(i -> !i.alive());
        assertThat(inst.alive()).isTrue();
    }
}
