package io.isobench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.agent.AgentLauncher;
import io.isobench.agent.Protocol;
import io.isobench.core.ParamSpec;
import io.isobench.env.Availability;
import io.isobench.env.Cleanup;
import io.isobench.env.Environment;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.Environments;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool on real native instances (real agent processes); where a start must fail, a minimal
 * environment fails its first starts as told and then starts a real native instance.
 */
class InstancePoolTest {

    @TempDir
    Path logs;

    private final Environment nativeEnv = Environments.get("native", "test");
    private final Variant plain = Variant.resolve(nativeEnv, Map.of(), "test");
    private final Variant pinned = Variant.resolve(nativeEnv, Map.of("pin", "0"), "test");
    private final List<String> said = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<String> retriedAfter = new ArrayList<>();
    private long startNanos;
    private boolean stopping;
    private Cleanup cleanup;

    /** An environment whose first {@code failures} starts fail with {@code failure}; the others start a native instance. */
    private final class Flaky implements Environment {
        final AtomicInteger starts = new AtomicInteger();
        final int failures;
        final java.util.function.Supplier<Exception> failure;

        Flaky(int failures, java.util.function.Supplier<Exception> failure) {
            this.failures = failures;
            this.failure = failure;
        }

        @Override
        public String name() {
            return "native";
        }

        @Override
        public String description() {
            return "native, failing its first starts";
        }

        @Override
        public List<ParamSpec> settings() {
            return nativeEnv.settings();
        }

        @Override
        public List<Map<String, String>> defaultVariants() {
            return List.of(Map.of());
        }

        @Override
        public Availability probe(HostFacts host) {
            return nativeEnv.probe(host);
        }

        @Override
        public EnvironmentInstance start(Variant variant, StartContext ctx) throws Exception {
            if (starts.incrementAndGet() <= failures) {
                throw failure.get();
            }
            return nativeEnv.start(variant, ctx);
        }
    }

    @BeforeEach
    void setUp() {
        cleanup = new Cleanup(false);
    }

    @AfterEach
    void tearDown() {
        cleanup.close();
    }

    private InstancePool pool(Environment env) {
        InstancePool.Events ev = new InstancePool.Events() {
            @Override
            public void starting(Variant v) {
                events.add("starting " + v.label());
            }

            @Override
            public void started(Variant v, EnvironmentInstance instance, String retried) {
                events.add("started " + v.label());
                if (retried != null) {
                    retriedAfter.add(retried);
                }
            }

            @Override
            public void startTook(long nanos) {
                startNanos += nanos;
            }
        };
        return new InstancePool(name -> env, v -> new StartContext("20261206-140000-pool", logs, AgentLauncher.current(), cleanup,
                ScheduleTest.HOST, Duration.ofMinutes(1)), RetryPolicy.START_ONCE_MORE, ev, () -> stopping, said::add);
    }

    private static void answers(EnvironmentInstance i) throws Exception {
        i.agent().call(new Protocol.Ping(), Duration.ofSeconds(30));
    }

    @Test
    void oneInstancePerVariantStartedOnFirstUseReusedAndClosedWithThePool() throws Exception {
        Flaky env = new Flaky(0, null);
        EnvironmentInstance a;
        EnvironmentInstance b;
        try (InstancePool pool = pool(env)) {
            a = pool.get(plain);
            assertThat(pool.get(plain)).isSameAs(a);
            b = pool.get(pinned);
            assertThat(b).isNotSameAs(a);
            assertThat(pool.get(plain)).isSameAs(a);
            answers(a);
            answers(b);
            assertThat(env.starts).hasValue(2);
            assertThat(events).containsExactly("starting native", "started native", "starting native[pin=0]", "started native[pin=0]");
            assertThat(startNanos).isPositive();
            assertThat(retriedAfter).isEmpty();
        }
        assertThat(a.alive()).isFalse();
        assertThat(b.alive()).isFalse();
        assertThat(said).isEmpty();
    }

    @Test
    void aStartThatFailsIsTriedOnceMoreAndTheFirstFailureIsToldAndKept() throws Exception {
        Flaky env = new Flaky(1, () -> new IOException("the guest hung while booting\nits console: ..."));
        try (InstancePool pool = pool(env)) {
            EnvironmentInstance i = pool.get(plain);
            answers(i);
            assertThat(env.starts).hasValue(2);
            assertThat(retriedAfter).containsExactly("the guest hung while booting");
            assertThat(said).containsExactly("isobench: native did not start (the guest hung while booting); trying once more");
            assertThat(pool.unavailable(plain)).isFalse();
        }
    }

    @Test
    void aVariantThatFailsTwiceIsUnavailableForTheRestOfTheRunAndNotStartedAgain() throws Exception {
        Flaky env = new Flaky(2, () -> new IOException("QEMU exited with 1"));
        try (InstancePool pool = pool(env)) {
            assertThatThrownBy(() -> pool.get(plain)).hasMessage("QEMU exited with 1")
                    .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("QEMU exited with 1"));
            assertThat(env.starts).hasValue(2);
            assertThat(pool.unavailable(plain)).isTrue();
            assertThatThrownBy(() -> pool.get(plain)).hasMessageContaining("QEMU exited with 1");
            assertThat(env.starts).as("no third start").hasValue(2);
            assertThat(events).containsExactly("starting native");
            assertThat(startNanos).isPositive();
        }
    }

    @Test
    void badInputIsNotRetried() throws Exception {
        Flaky env = new Flaky(1, () -> new BadInputException("native setting dir='/nope' is not writable"));
        try (InstancePool pool = pool(env)) {
            assertThatThrownBy(() -> pool.get(plain)).isInstanceOf(BadInputException.class);
            assertThat(env.starts).hasValue(1);
            assertThat(said).isEmpty();
        }
    }

    @Test
    void aStoppingRunStartsNothingMore() throws Exception {
        stopping = true;
        Flaky env = new Flaky(1, () -> new IOException("interrupted while booting"));
        try (InstancePool pool = pool(env)) {
            assertThatThrownBy(() -> pool.get(plain)).hasMessage("interrupted while booting");
            assertThat(env.starts).hasValue(1);
        }
    }

    @Test
    void anInstanceThatDiedOrWasRetiredIsReplacedOnItsNextUse() throws Exception {
        Flaky env = new Flaky(0, null);
        try (InstancePool pool = pool(env)) {
            EnvironmentInstance first = pool.get(plain);
            first.close(); // dies behind the pool's back
            EnvironmentInstance second = pool.get(plain);
            assertThat(second).isNotSameAs(first);
            answers(second);
            assertThat(said).containsExactly("isobench: native is no longer running; starting a new instance");

            pool.retire(plain);
            assertThat(second.alive()).isFalse();
            EnvironmentInstance third = pool.get(plain);
            assertThat(third).isNotSameAs(second);
            answers(third);
            assertThat(env.starts).hasValue(3);
        }
    }

    @Test
    void freshInstancesStayOutOfThePoolAndAreRetriedToo() throws Exception {
        Flaky env = new Flaky(1, () -> new IOException("the agent did not answer"));
        try (InstancePool pool = pool(env)) {
            EnvironmentInstance fresh = pool.startFresh(plain);
            try {
                answers(fresh);
                assertThat(env.starts).hasValue(2);
                EnvironmentInstance pooled = pool.get(plain);
                assertThat(pooled).isNotSameAs(fresh);
                assertThat(env.starts).hasValue(3);
                assertThat(events).containsExactly("starting native", "started native");
            } finally {
                fresh.close();
            }
            assertThat(fresh.alive()).isFalse();
            assertThat(pool.get(plain).alive()).isTrue();
        }
    }
}
