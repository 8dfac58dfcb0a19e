package io.isobench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void aFirstTryThatWorksIsNotRepeated() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        List<Exception> told = new ArrayList<>();
        RetryPolicy.Outcome<String> out = RetryPolicy.START_ONCE_MORE.run(() -> "up " + tries.incrementAndGet(), () -> false, told::add);
        assertThat(out.value()).isEqualTo("up 1");
        assertThat(out.retriedAfter()).isNull();
        assertThat(told).isEmpty();
    }

    @Test
    void aFailedStartIsTriedOnceMoreAndTheFirstFailureKept() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        List<Exception> told = new ArrayList<>();
        RetryPolicy.Outcome<Integer> out = RetryPolicy.START_ONCE_MORE.run(() -> {
            if (tries.incrementAndGet() == 1) {
                throw new IOException("the guest hung while booting\nconsole: ...");
            }
            return tries.get();
        }, () -> false, told::add);
        assertThat(out.value()).isEqualTo(2);
        assertThat(out.retriedAfter()).contains("the guest hung while booting").doesNotContain("console");
        assertThat(told).singleElement().extracting(Throwable::getMessage).asString().startsWith("the guest hung");
    }

    @Test
    void whenEveryTryFailsTheLastFailureCarriesTheEarlierOnes() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> RetryPolicy.START_ONCE_MORE.run(() -> {
            throw new IOException("boot " + tries.incrementAndGet() + " failed");
        }, () -> false, e -> { }))
                .hasMessage("boot 2 failed")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("boot 1 failed"));
        assertThat(tries).hasValue(2);
    }

    @Test
    void moreAttemptsMeanMoreTries() {
        AtomicInteger tries = new AtomicInteger();
        List<Exception> told = new ArrayList<>();
        assertThatThrownBy(() -> new RetryPolicy(4).run(() -> {
            throw new IOException("boot " + tries.incrementAndGet() + " failed");
        }, () -> false, told::add)).hasMessage("boot 4 failed")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(3));
        assertThat(tries).hasValue(4);
        assertThat(told).hasSize(3);
    }

    @Test
    void badInputIsNotTriedAgain() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> RetryPolicy.START_ONCE_MORE.run(() -> {
            tries.incrementAndGet();
            throw new BadInputException("vm setting accel=kvm: KVM does not work on this host");
        }, () -> false, e -> { })).isInstanceOf(BadInputException.class);
        assertThat(tries).hasValue(1);
    }

    @Test
    void aStoppingRunTriesNothingMore() {
        AtomicInteger tries = new AtomicInteger();
        List<Exception> told = new ArrayList<>();
        assertThatThrownBy(() -> RetryPolicy.START_ONCE_MORE.run(() -> {
            tries.incrementAndGet();
            throw new InterruptedException("Ctrl-C");
        }, () -> true, told::add)).isInstanceOf(InterruptedException.class);
        assertThat(tries).hasValue(1);
        assertThat(told).isEmpty();
    }

    @Test
    void atLeastOneAttempt() {
        assertThatThrownBy(() -> new RetryPolicy(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
