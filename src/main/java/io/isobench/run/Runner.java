package io.isobench.run;

import io.isobench.agent.AgentException;
import io.isobench.agent.AgentLauncher;
import io.isobench.client.ClientPlace;
import io.isobench.client.ClientSpec;
import io.isobench.client.LocalClient;
import io.isobench.client.NetnsClient;
import io.isobench.core.Console;
import io.isobench.core.Errors;
import io.isobench.env.Cleanup;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.Environments;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.result.Measurement;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import io.isobench.result.SampleWriter;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.result.WorkloadResult;
import io.isobench.suite.Plan;
import io.isobench.suite.Trial;
import io.isobench.workload.HostContext;
import io.isobench.workload.ServerWorkload;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a plan: rounds of iterations in the order of its {@link Schedule}, each on its variant's
 * instance from the {@link InstancePool} (one per variant, reused, the one place starts are
 * retried), run by the {@link TrialExecutor}; every figure is appended to samples.jsonl as it
 * arrives and the {@link ResumeState} kept current in run.json. A trial that fails is marked with
 * its reason and the run goes on; an instance that breaks is replaced. Everything started is
 * removed at the end, on failure and on Ctrl-C.
 */
public final class Runner {

    private final Plan plan;
    private final RunDirectory dir;
    private final HostFacts host;
    private final AgentLauncher launcher;
    private final Progress progress;
    private final Duration bootTimeout;
    private final Schedule schedule;
    private final ResumeState state;
    private RunRecord record;
    private volatile boolean stopping;
    /** Who stopped the run (Ctrl-C, a signal), for the record and the console. */
    private volatile String interruptedBy;
    /** What the run is doing now ("starting vm", "linpack ... @ docker #2"), for the console on Ctrl-C. */
    private volatile String inHand = "planning";
    /** The thread in {@link #run()}, interrupted by {@link #interrupt} while it may block on an agent or a start. */
    private volatile Thread runThread;
    private final Object interruptLock = new Object();
    private boolean interruptible;
    private volatile Cleanup cleanupInUse;
    private volatile boolean finished;
    /** Where the load of server workloads runs (see {@link #startClient}); the host's own stack when it is local. */
    private ClientPlace client;
    private String clientFailure;
    private LocalClient local;

    /**
     * @param record the run record to continue: a fresh one, or the one of a run being resumed
     *               (its trials' counts and statuses are taken over, with {@code previous} samples)
     */
    public Runner(Plan plan, RunDirectory dir, RunRecord record, List<Sample> previous, HostFacts host, AgentLauncher launcher,
                  Progress progress, Duration bootTimeout) {
        this.plan = plan;
        this.dir = dir;
        this.host = host;
        this.launcher = launcher;
        this.progress = progress;
        this.bootTimeout = bootTimeout;
        this.record = record;
        this.schedule = new Schedule(plan);
        this.state = new ResumeState(plan, record, previous, dir.path());
    }

    /** Runs until every trial is done or failed, or until Ctrl-C. Returns the final record. */
    public RunRecord run() throws IOException {
        long t0 = System.nanoTime();
        Cleanup cleanup = new Cleanup(false);
        cleanupInUse = cleanup;
        runThread = Thread.currentThread();
        // SIGTERM (and Ctrl-C where no handler of ours is installed): the JVM shuts down; this hook stops
        // taking new iterations, removes every instance, then leaves a resumable record
        Thread onSignal = new Thread(() -> {
            if (interruptedBy == null) {
                interruptedBy = "a signal";
            }
            stopping = true;
            cleanup.runAll();
            try {
                finishIfInterrupted();
            } catch (IOException e) {
                Console.say("isobench: could not write " + dir.runJson() + ": " + e.getMessage());
            }
        }, "isobench-interrupt");
        Runtime.getRuntime().addShutdownHook(onSignal);
        InstancePool pool = new InstancePool(name -> Environments.get(name, "plan"), v -> startContext(v, cleanup),
                RetryPolicy.START_ONCE_MORE, poolEvents(), () -> stopping, progress::say);
        try (SampleWriter writer = new SampleWriter(dir.samples())) {
            record = withStatus(RunStatus.RUNNING, null);
            save();
            synchronized (interruptLock) {
                interruptible = true;
            }
            if (!stopping) {
                startClient(cleanup);
                TrialExecutor executor = new TrialExecutor(host, dir.logs(), client, clientFailure, local, pool::startFresh,
                        state::clientUsed);
                loop(pool, executor, writer);
            }
        } finally {
            // teardown must not be cut short: no interrupt from here on, and none pending
            synchronized (interruptLock) {
                interruptible = false;
                Thread.interrupted();
            }
            if (client != null) {
                client.close(); // before the instances: it may hold routes to them
            }
            pool.close();
            cleanup.close();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException ignored) {
                // already shutting down (SIGTERM): the hook finishes the record
            }
        }
        return finish(t0);
    }

    private RunRecord finish(long t0) throws IOException {
        state.addWall(System.nanoTime() - t0);
        long failed = state.failedTrials();
        RunStatus status = stopping ? RunStatus.INCOMPLETE : failed > 0 ? RunStatus.INCOMPLETE : RunStatus.COMPLETE;
        String reason = stopping ? interruptedReason() : failed > 0 ? failed + " trial(s) failed" : null;
        synchronized (this) {
            record = withStatus(status, reason).endedAt(Instant.now());
            if (!finished) { // the shutdown hook may have written the final record already
                dir.writeRecord(record);
                finished = true;
            }
        }
        return record;
    }

    /**
     * Stops the run as Ctrl-C asks: no new iteration starts, a wait on an agent or an environment
     * start is cut short, everything started is removed in order by the thread in {@link #run()},
     * which then writes an INCOMPLETE record that {@code --resume} continues.
     *
     * @param by who asked, e.g. "Ctrl-C"
     * @return false when the run is stopping already
     */
    public boolean interrupt(String by) {
        synchronized (interruptLock) {
            if (stopping) {
                return false;
            }
            interruptedBy = by;
            stopping = true;
            if (interruptible && runThread != null) {
                runThread.interrupt();
            }
            return true;
        }
    }

    /** What the run was doing when asked: "starting vm[tuning=tuned]", "linpack n=3000 ... @ docker #2". */
    public String inHand() {
        return inHand;
    }

    /** What is still to be removed (a second Ctrl-C says so), newest first. */
    public List<String> leftToRemove() {
        Cleanup c = cleanupInUse;
        return c == null ? List.of() : c.pendingDescriptions();
    }

    private String interruptedReason() {
        return "interrupted (" + (interruptedBy == null ? "a signal" : interruptedBy) + ") during " + inHand
                + ": resume with isobench run --resume " + dir.path();
    }

    /** Says what starts now, on the console and for {@link #inHand()}. */
    private void begin(String what) {
        inHand = what;
        progress.begin(what, schedule.done(state.trials()), schedule.total(state.trials()));
    }

    private void loop(InstancePool pool, TrialExecutor executor, SampleWriter writer) throws IOException {
        for (int round = 1; !stopping; round++) {
            List<Trial> order = schedule.round(round, state.trials());
            sayStoppedByBudget();
            if (order.isEmpty()) {
                return;
            }
            for (Trial t : order) {
                if (stopping) {
                    return;
                }
                TrialState s = state.trial(t.id());
                if (!schedule.needsMore(s, state.trials())) {
                    continue; // failed earlier in this round with its instance
                }
                boolean warmup = schedule.warmupNext(s);
                int iteration = schedule.nextIteration(s);
                begin(t.label() + (warmup ? " warm-up " + iteration : " #" + iteration));
                s.status = TrialStatus.RUNNING;
                save(); // run.json shows the trial in hand
                runIteration(s, warmup, iteration, pool, executor, writer);
                if (s.status == TrialStatus.RUNNING) {
                    s.status = TrialStatus.PENDING; // in hand no longer; needsMore() says when it is done
                }
                save();
            }
        }
    }

    /** Says once which trials the time budget stopped short of their target, and records them in run.json. */
    private void sayStoppedByBudget() {
        List<String> stopped = schedule.stoppedByBudget();
        List<String> fresh = stopped.stream().filter(id -> !state.stoppedByBudget().contains(id)).toList();
        if (fresh.isEmpty()) {
            return;
        }
        state.stoppedByBudget(stopped);
        List<String> what = fresh.stream().map(id -> {
            TrialState s = state.trial(id);
            return s.trial.label() + " at n=" + s.iterations;
        }).toList();
        progress.say("isobench: the time budget (" + Progress.Lines.format(plan.suite().repetition().budget()) + ") stops "
                + fresh.size() + " trial(s) before their intervals reached the target: " + String.join("; ", what));
    }

    /**
     * One iteration of a trial. When its agent dies (a crash, an OOM kill, a kill from outside)
     * the iteration is lost, not the trial: the instance is replaced and the iteration runs once
     * more; the trial fails only when that retry is lost too. A workload's own error and a hang
     * past the deadline fail the trial at once (a retry would only repeat them, the latter at the
     * cost of another deadline).
     */
    private void runIteration(TrialState s, boolean warmup, int iteration, InstancePool pool, TrialExecutor executor,
                              SampleWriter writer) throws IOException {
        for (int attempt = 1; ; attempt++) {
            AgentException.Death died = attempt(s, warmup, iteration, pool, executor, writer);
            if (died == null || stopping) {
                return;
            }
            if (attempt >= 2) {
                fail(s, "iteration " + iteration + (warmup ? " (warm-up)" : "") + " was lost twice, its agent died each time; last: "
                        + s.lastDeath);
                return;
            }
            progress.say("isobench: trial " + s.trial.id() + " (" + s.trial.label() + ") lost iteration " + iteration
                    + (warmup ? " (warm-up)" : "") + ": " + died.describe() + "; running it again on a fresh instance");
        }
    }

    /** One attempt at an iteration: the agent's death when it died (the iteration is then lost and recorded), else null. */
    private AgentException.Death attempt(TrialState s, boolean warmup, int iteration, InstancePool pool, TrialExecutor executor,
                                         SampleWriter writer) throws IOException {
        Trial t = s.trial;
        EnvironmentInstance inst;
        try {
            inst = pool.get(t.variant());
        } catch (Exception e) {
            fail(s, "the environment " + t.variant().label() + " did not start: " + message(e));
            return null;
        }
        s.status = TrialStatus.RUNNING;
        WorkloadResult result;
        long began = System.nanoTime();
        try {
            result = executor.execute(t, inst);
        } catch (AgentException e) {
            if (stopping) {
                return null; // Ctrl-C tore the instance down: not the trial's fault
            }
            if (e.broken() || !inst.alive()) {
                pool.retire(t.variant());
            }
            if (e.death() != null) {
                s.lost.add(new TrialRecord.LostIteration(iteration, warmup, e.getMessage().lines().findFirst().orElse("")));
                s.lastDeath = e.getMessage();
                return e.death();
            }
            fail(s, e.getMessage());
            return null;
        } catch (Exception e) {
            if (stopping) {
                return null;
            }
            // the load from the host broke because the agent (and its server) died: that death is what lost the iteration
            for (Throwable sup : e.getSuppressed()) {
                if (sup instanceof AgentException ae && ae.death() != null) {
                    pool.retire(t.variant());
                    s.lost.add(new TrialRecord.LostIteration(iteration, warmup, ae.getMessage().lines().findFirst().orElse("")));
                    s.lastDeath = ae.getMessage() + "\n(the load from the host failed: " + message(e) + ")";
                    return ae.death();
                }
            }
            fail(s, t.workload().name() + " on the host: " + message(e));
            return null;
        } finally {
            long took = System.nanoTime() - began;
            state.addIterations(took);
            s.seconds += took / 1e9;
            s.timed++;
        }
        Instant now = Instant.now();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("host", compactHost());
        metadata.put("inside", inst.insideFacts());
        metadata.put("environment", inst.facts());
        metadata.put("workload", result.metadata());
        Map<String, Object> params = t.params().toWire(t.workload().params());
        for (Measurement m : result.measurements()) {
            Sample smp = new Sample(record.id(), t.id(), t.workload().name(), params, t.variant().environment(), t.variant().label(),
                    t.variant().settings(), inst.emulated(), iteration, warmup, m.metric(), m.labels(), m.value(), m.unit(),
                    m.direction(), now, metadata);
            writer.append(smp);
            s.samples.add(smp);
        }
        if (warmup) {
            s.warmups++;
        } else {
            s.iterations++;
        }
        if (result.measurements().isEmpty()) {
            fail(s, t.workload().name() + " produced no figures");
        }
        return null;
    }

    /** What the pool's starts mean for the console, run.json and the timing. */
    private InstancePool.Events poolEvents() {
        return new InstancePool.Events() {
            @Override
            public void starting(Variant v) {
                begin("starting " + v.label());
            }

            @Override
            public void started(Variant v, EnvironmentInstance inst, String retriedAfter) {
                Map<String, Object> facts = new LinkedHashMap<>(inst.facts());
                facts.put("emulated", inst.emulated());
                if (retriedAfter != null) {
                    facts.put("start_retried_after", retriedAfter);
                }
                facts.put("inside", inst.insideFacts());
                state.environmentStarted(v.label(), facts);
            }

            @Override
            public void startTook(long nanos) {
                state.addStart(nanos);
            }
        };
    }

    /** What a start of {@code v} is given; the agent's heap leaves room for the most any of the variant's workloads allocates outside it. */
    private StartContext startContext(Variant v, Cleanup cleanup) {
        long memory = Environments.get(v.environment(), "plan").memoryBytes(v);
        long offHeap = plan.trials().stream().filter(t -> t.variant().equals(v))
                .mapToLong(t -> t.workload().offHeap(t.params(), memory).bytes()).max().orElse(0);
        return new StartContext(record.id(), dir.logs(), launcher, cleanup, host, bootTimeout,
                client == null ? null : client.hostAddress(), offHeap);
    }

    /**
     * Starts the place the load of server workloads comes from, before any environment (Docker's
     * NAT publishes its ports on the address the client reaches the host at). A client namespace
     * that cannot be made fails the server workloads' trials with the reason; the others run.
     */
    private void startClient(Cleanup cleanup) {
        local = new LocalClient(new HostContext(host, dir.logs()));
        boolean servers = plan.trials().stream().anyMatch(t -> t.workload() instanceof ServerWorkload);
        ClientSpec spec = plan.suite().client();
        if (spec.place() == ClientSpec.Place.AUTO) {
            spec = spec.resolve(NetnsClient.unavailableReason(), "client").spec();
        }
        if (!servers || spec.place() == ClientSpec.Place.LOCAL) {
            client = local;
            return;
        }
        if (spec.place() == ClientSpec.Place.SSH) {
            // issue 18: the load from a second machine over SSH
            try {
                begin("starting the client agent on " + spec.host());
                client = io.isobench.client.SshClientPlace.start(record.id(), spec.host(), dir.logs(), cleanup, bootTimeout);
            } catch (Exception e) {
                clientFailure = "the client agent on " + spec.host() + " did not start: " + message(e);
                progress.say("isobench: " + clientFailure);
            }
            return;
        }
        try {
            begin("starting the client namespace");
            client = NetnsClient.start(record.id(), spec, launcher, dir.logs(), cleanup, bootTimeout);
        } catch (Exception e) {
            clientFailure = "the client namespace did not start: " + message(e);
            progress.say("isobench: " + clientFailure);
        }
    }

    private void fail(TrialState s, String why) {
        s.status = TrialStatus.FAILED;
        s.failure = why;
        progress.say("isobench: trial " + s.trial.id() + " (" + s.trial.label() + ") failed: " + why);
    }

    private Map<String, Object> compactHost() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", host.hostname());
        m.put("kernel", host.kernel());
        m.put("cpus", host.cpus());
        m.put("memory_bytes", host.memoryBytes());
        return m;
    }

    static String message(Throwable e) {
        return Errors.describe(e);
    }

    private RunRecord withStatus(RunStatus status, String reason) {
        return state.record(record, status, reason);
    }

    private synchronized void save() throws IOException {
        if (finished) {
            return; // the interrupt hook wrote the final record
        }
        record = withStatus(record.status(), record.stopReason());
        dir.writeRecord(record);
    }

    /** On Ctrl-C: leave a resumable record behind. Runs after every instance is removed. */
    private synchronized void finishIfInterrupted() throws IOException {
        if (finished) {
            return;
        }
        record = withStatus(RunStatus.INCOMPLETE, interruptedReason());
        dir.writeRecord(record);
        finished = true;
    }
}
