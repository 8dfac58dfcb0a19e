package io.isobench.run;

import io.isobench.core.Errors;
import io.isobench.env.Environment;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The running instances of a run, one per variant: started on first use, reused by every trial of
 * the variant, replaced when one dies, paused while another variant works, all closed at the end.
 * The one place where starts are retried, by its {@link RetryPolicy}; a variant that does not
 * start even so is unavailable for the rest of the run, with its reason, and is not started again.
 */
final class InstancePool implements AutoCloseable {

    /** What the pool tells its owner: the console line, the run's facts and timing. */
    interface Events {
        /** A variant's instance starts now. */
        void starting(Variant v);

        /**
         * A variant's instance is up and in the pool; {@code retriedAfter} is the first line of the
         * failure of a start of this variant that was tried again, or null when none was.
         */
        void started(Variant v, EnvironmentInstance instance, String retriedAfter);

        /** Time spent starting a pooled instance, whether it started or not. */
        void startTook(long nanos);
    }

    private final Function<String, Environment> environments;
    private final Function<Variant, StartContext> contexts;
    private final RetryPolicy retry;
    private final Events events;
    private final BooleanSupplier stopping;
    private final Consumer<String> say;
    private final Map<Variant, EnvironmentInstance> instances = new LinkedHashMap<>();
    private final Map<Variant, String> unavailable = new LinkedHashMap<>();
    private final Map<Variant, String> startRetries = new ConcurrentHashMap<>();
    private EnvironmentInstance active;

    /**
     * @param environments each environment by its name (the run's: {@link io.isobench.env.Environments#get})
     * @param contexts     what a start of each variant is given
     * @param stopping     true once the run stops: no start is tried again then
     * @param say          where lines for the person running isobench go
     */
    InstancePool(Function<String, Environment> environments, Function<Variant, StartContext> contexts, RetryPolicy retry,
                 Events events, BooleanSupplier stopping, Consumer<String> say) {
        this.environments = environments;
        this.contexts = contexts;
        this.retry = retry;
        this.events = events;
        this.stopping = stopping;
        this.say = say;
    }

    /**
     * The running instance of {@code v}, started on first use (or when the one before died) and
     * resumed if paused; the instance that worked before it is paused, so it does not compete.
     *
     * @throws Exception why the variant did not start, now or at an earlier try in this run
     */
    EnvironmentInstance get(Variant v) throws Exception {
        String why = unavailable.get(v);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        EnvironmentInstance inst = instances.get(v);
        if (inst != null && !inst.alive()) {
            say.accept("isobench: " + v.label() + " is no longer running; starting a new instance");
            retire(v);
            inst = null;
        }
        if (active != null && active != inst) {
            try {
                active.pause();
            } catch (Exception e) {
                say.accept("isobench: could not pause " + active.variant().label() + ": " + Errors.describe(e));
            }
        }
        if (inst == null) {
            events.starting(v);
            long began = System.nanoTime();
            try {
                inst = start(v);
            } catch (Exception e) {
                unavailable.put(v, Errors.describe(e));
                throw e;
            } finally {
                events.startTook(System.nanoTime() - began);
            }
            instances.put(v, inst);
            events.started(v, inst, startRetries.get(v));
        } else {
            inst.resume();
        }
        active = inst;
        return inst;
    }

    /**
     * A fresh instance of {@code v} outside the pool (a host workload's own, e.g. to time starts),
     * started under the same retry policy; the caller closes it.
     */
    EnvironmentInstance startFresh(Variant v) throws Exception {
        return start(v);
    }

    private EnvironmentInstance start(Variant v) throws Exception {
        Environment env = environments.apply(v.environment());
        StartContext ctx = contexts.apply(v);
        RetryPolicy.Outcome<EnvironmentInstance> out = retry.run(() -> env.start(v, ctx), stopping,
                first -> say.accept("isobench: " + v.label() + " did not start (" + RetryPolicy.firstLine(first) + "); trying once more"));
        if (out.retriedAfter() != null) {
            startRetries.put(v, out.retriedAfter());
        }
        return out.value();
    }

    /** Whether a variant did not start and will not be tried again in this run. */
    boolean unavailable(Variant v) {
        return unavailable.containsKey(v);
    }

    /** Closes the instance of {@code v} (its agent broke, or it died) and forgets it: the next {@link #get} starts another. */
    void retire(Variant v) {
        EnvironmentInstance inst = instances.remove(v);
        if (inst != null) {
            closeQuietly(inst);
            if (active == inst) {
                active = null;
            }
        }
    }

    /** Closes every instance in the pool. */
    @Override
    public void close() {
        for (EnvironmentInstance i : instances.values()) {
            closeQuietly(i);
        }
        instances.clear();
        active = null;
    }

    private void closeQuietly(EnvironmentInstance i) {
        try {
            i.resume();
        } catch (Exception ignored) {
            // closing works on a paused instance too; resuming first only makes shutdown quicker
        }
        try {
            i.close();
        } catch (RuntimeException e) {
            say.accept("isobench: could not stop " + i.variant().label() + ": " + Errors.describe(e));
        }
    }
}
