package io.isobench.run;

import io.isobench.agent.AgentException;
import io.isobench.agent.Protocol;
import io.isobench.client.ClientPlace;
import io.isobench.client.ClientSpec;
import io.isobench.client.LocalClient;
import io.isobench.client.NetnsClient;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.Cleanup;
import io.isobench.env.Environment;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.Environments;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.result.Json;
import io.isobench.result.Measurement;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import io.isobench.result.SampleWriter;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import io.isobench.result.WorkloadResult;
import io.isobench.stats.Summarizer;
import io.isobench.suite.Plan;
import io.isobench.suite.Trial;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.workload.HostWorkload;
import io.isobench.workload.ServerWorkload;
import io.isobench.core.Transport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a plan: starts environment instances as trials need them (one per variant, reused),
 * runs iterations round by round in the plan's interleaved order, appends every figure to
 * samples.jsonl as it arrives and keeps run.json current. A trial that fails is marked with its
 * reason and the run goes on; an instance that breaks is replaced. Everything started is removed
 * at the end, on failure and on Ctrl-C.
 */
public final class Runner {

    private final Plan plan;
    private final RunDirectory dir;
    private final HostFacts host;
    private final AgentLauncher launcher;
    private final Progress progress;
    private final Duration bootTimeout;
    private final Map<String, TrialState> states = new LinkedHashMap<>();
    private final Map<Variant, EnvironmentInstance> instances = new LinkedHashMap<>();
    private final Map<Variant, String> unavailable = new LinkedHashMap<>();
    private final Map<Variant, String> startRetries = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> environmentFacts = new LinkedHashMap<>();
    private RunRecord record;
    private final Map<String, Object> hostIdentity = io.isobench.host.InsideFacts.hostIdentity();
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
    /** Where the time went, accumulated over this process and any run it resumes. */
    private long wallNanos;
    private long startNanos;
    private long iterationNanos;
    private volatile boolean finished;
    private EnvironmentInstance active;
    /** Where the load of server workloads runs (see {@link #startClient}); the host's own stack when it is local. */
    private ClientPlace client;
    private String clientFailure;
    private LocalClient local;

    /** A trial's progress and its measured samples (for adaptive stopping). */
    private static final class TrialState {
        final Trial trial;
        TrialStatus status = TrialStatus.PENDING;
        int warmups;
        int iterations;
        String failure;
        /** The whole message of the last death (with its diagnostics), for the failure when a retry dies too. */
        String lastDeath;
        /** Iterations lost to the agent's death, each retried once on a fresh instance. */
        final List<TrialRecord.LostIteration> lost = new ArrayList<>();
        final List<Sample> samples = new ArrayList<>();

        TrialState(Trial trial) {
            this.trial = trial;
        }
    }

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
        Map<String, TrialRecord> old = new LinkedHashMap<>();
        if (record.trials() != null) {
            record.trials().forEach(t -> old.put(t.id(), t));
        }
        if (record.environments() != null) {
            environmentFacts.putAll(record.environments());
        }
        if (record.timing() != null) {
            wallNanos = seconds(record.timing().get("wall_s"));
            startNanos = seconds(record.timing().get("environment_start_s"));
            iterationNanos = seconds(record.timing().get("iterations_s"));
        }
        for (Trial t : plan.trials()) {
            TrialState s = new TrialState(t);
            TrialRecord r = old.get(t.id());
            if (r != null && (!r.workload().equals(t.workload().name()) || !r.variant().equals(t.variant().label())
                    || !String.valueOf(r.params()).equals(String.valueOf(Json.mapper().convertValue(t.params().toWire(t.workload().params()), Map.class))))) {
                throw new io.isobench.BadInputException("cannot resume " + dir.path() + ": trial " + t.id() + " was " + r.workload() + " "
                        + r.params() + " @ " + r.variant() + " and would now be " + t.label()
                        + " (defaults scale with the host, or the workload changed): start a new run instead");
            }
            if (r != null) {
                s.status = r.status() == TrialStatus.RUNNING ? TrialStatus.PENDING : r.status();
                s.failure = r.failure();
                s.lost.addAll(r.lost());
                // counts come from what is on disk: an iteration counts once all its samples are written
                for (Sample smp : previous) {
                    if (smp.trial().equals(t.id())) {
                        s.samples.add(smp);
                    }
                }
                s.warmups = (int) previous.stream().filter(x -> x.trial().equals(t.id()) && x.warmup()).map(Sample::iteration).distinct().count();
                s.iterations = (int) previous.stream().filter(x -> x.trial().equals(t.id()) && !x.warmup()).map(Sample::iteration).distinct().count();
                if (s.status == TrialStatus.FAILED) {
                    // a resumed run gives failed trials another chance
                    s.status = TrialStatus.PENDING;
                    s.failure = null;
                }
            }
            states.put(t.id(), s);
        }
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
                io.isobench.core.Console.say("isobench: could not write " + dir.runJson() + ": " + e.getMessage());
            }
        }, "isobench-interrupt");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try (SampleWriter writer = new SampleWriter(dir.samples())) {
            record = withStatus(RunStatus.RUNNING, null);
            save();
            synchronized (interruptLock) {
                interruptible = true;
            }
            if (!stopping) {
                startClient(cleanup);
                loop(cleanup, writer);
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
            for (EnvironmentInstance i : instances.values()) {
                closeQuietly(i);
            }
            instances.clear();
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
        wallNanos += System.nanoTime() - t0;
        long failed = states.values().stream().filter(s -> s.status == TrialStatus.FAILED).count();
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
        progress.begin(what, done(), total());
    }

    private void loop(Cleanup cleanup, SampleWriter writer) throws IOException {
        var rep = plan.suite().repetition();
        for (int round = 1; !stopping; round++) {
            List<Trial> activeTrials = new ArrayList<>();
            for (TrialState s : states.values()) {
                if (needsMore(s)) {
                    activeTrials.add(s.trial);
                }
            }
            if (activeTrials.isEmpty()) {
                return;
            }
            for (Trial t : plan.roundOrder(activeTrials, round)) {
                if (stopping) {
                    return;
                }
                TrialState s = states.get(t.id());
                if (!needsMore(s)) {
                    continue; // failed earlier in this round with its instance
                }
                boolean warmup = s.warmups < rep.warmup();
                int iteration = warmup ? s.warmups + 1 : s.iterations + 1;
                begin(t.label() + (warmup ? " warm-up " + iteration : " #" + iteration));
                s.status = TrialStatus.RUNNING;
                save(); // run.json shows the trial in hand
                runIteration(s, warmup, iteration, cleanup, writer);
                if (s.status == TrialStatus.RUNNING) {
                    s.status = TrialStatus.PENDING; // in hand no longer; needsMore() says when it is done
                }
                save();
            }
        }
    }

    private boolean needsMore(TrialState s) {
        if (s.status == TrialStatus.FAILED || s.status == TrialStatus.DONE || s.status == TrialStatus.SKIPPED) {
            return false;
        }
        var rep = plan.suite().repetition();
        if (s.warmups < rep.warmup() || s.iterations < rep.iterations()) {
            return true;
        }
        // adaptive mode extends native and isolated variants until their CIs are tight; an emulated
        // one stops at the minimum: its figures measure the emulator, and each of its iterations costs
        // as much as many native ones
        if (rep.adaptive() && s.iterations < rep.maxIterations() && !plan.emulated(s.trial.variant())) {
            double w = Summarizer.worstRelativeHalfWidth(s.samples);
            if (Double.isNaN(w) || w > rep.target()) {
                return true;
            }
        }
        s.status = TrialStatus.DONE;
        return false;
    }

    private long done() {
        return states.values().stream().mapToLong(s -> s.warmups + s.iterations).sum();
    }

    private long total() {
        var rep = plan.suite().repetition();
        long t = 0;
        for (TrialState s : states.values()) {
            long planned = rep.warmup() + rep.iterations();
            if (s.status == TrialStatus.FAILED) {
                t += s.warmups + s.iterations;
            } else if (rep.adaptive() && s.iterations >= rep.iterations() && s.status != TrialStatus.DONE && !plan.emulated(s.trial.variant())) {
                t += Math.max(planned, s.warmups + s.iterations + 1);
            } else {
                t += Math.max(planned, s.warmups + s.iterations);
            }
        }
        return t;
    }

    /**
     * One iteration of a trial. When its agent dies (a crash, an OOM kill, a kill from outside)
     * the iteration is lost, not the trial: the instance is replaced and the iteration runs once
     * more; the trial fails only when that retry is lost too. A workload's own error and a hang
     * past the deadline fail the trial at once (a retry would only repeat them, the latter at the
     * cost of another deadline).
     */
    private void runIteration(TrialState s, boolean warmup, int iteration, Cleanup cleanup, SampleWriter writer) throws IOException {
        for (int attempt = 1; ; attempt++) {
            AgentException.Death died = attempt(s, warmup, iteration, cleanup, writer);
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
    private AgentException.Death attempt(TrialState s, boolean warmup, int iteration, Cleanup cleanup, SampleWriter writer)
            throws IOException {
        Trial t = s.trial;
        EnvironmentInstance inst;
        try {
            inst = instance(t.variant(), cleanup);
        } catch (Exception e) {
            fail(s, "the environment " + t.variant().label() + " did not start: " + message(e));
            return null;
        }
        s.status = TrialStatus.RUNNING;
        WorkloadResult result;
        long began = System.nanoTime();
        try {
            result = execute(t, inst, cleanup);
        } catch (AgentException e) {
            if (stopping) {
                return null; // Ctrl-C tore the instance down: not the trial's fault
            }
            if (e.broken() || !inst.alive()) {
                retire(t.variant());
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
                    retire(t.variant());
                    s.lost.add(new TrialRecord.LostIteration(iteration, warmup, ae.getMessage().lines().findFirst().orElse("")));
                    s.lastDeath = ae.getMessage() + "\n(the load from the host failed: " + message(e) + ")";
                    return ae.death();
                }
            }
            fail(s, t.workload().name() + " on the host: " + message(e));
            return null;
        } finally {
            iterationNanos += System.nanoTime() - began;
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

    /** An environment's instance as a host workload sees it (workloads know nothing of environments). */
    private static HostWorkload.Instance forHostWorkload(EnvironmentInstance i) {
        return new HostWorkload.Instance() {
            @Override
            public void ping() throws Exception {
                i.agent().call(new Protocol.Ping(), Duration.ofSeconds(30));
            }

            @Override
            public long hostMemoryBytes() {
                return i.hostMemoryBytes();
            }

            @Override
            public void close() {
                i.close();
            }
        };
    }

    /** One iteration: inside the environment, or a server inside driven from the host. */
    private WorkloadResult execute(Trial t, EnvironmentInstance inst, Cleanup cleanup) throws Exception {
        Map<String, Object> params = t.params().toWire(t.workload().params());
        Duration deadline = t.workload().deadline(t.params());
        if (t.workload() instanceof HostWorkload hw) {
            Environment env = Environments.get(t.variant().environment(), "plan");
            // fresh instances, while the shared one is paused so it does not compete
            inst.pause();
            try {
                return hw.runOnHost(t.params(), () -> forHostWorkload(startWithRetry(env, t.variant(), cleanup)), new HostContext(host, dir.logs()));
            } finally {
                inst.resume();
            }
        }
        if (!(t.workload() instanceof ServerWorkload sw)) {
            return inst.agent().call(new Protocol.Run(t.workload().name(), params, hostIdentity), deadline);
        }
        int port = inst.serverPorts().get(0);
        Protocol.ServerStarted started = inst.agent().call(new Protocol.StartServer(t.workload().name(), params, port, hostIdentity),
                deadline);
        Transport transport = sw.transports().contains(Transport.TCP) ? Transport.TCP : Transport.UDP;
        Endpoint ep = inst.endpoint(port, transport);
        Protocol.StopServer stop = new Protocol.StopServer(started.server());
        WorkloadResult driven;
        ClientPlace place;
        Endpoint reached;
        String instead = null;
        try {
            if (client == null) {
                throw new java.io.IOException("no place for the load side: " + clientFailure);
            }
            // the client's way to the server; a listener only the host itself can reach (docker-proxy,
            // slirp) is driven from the host's own stack, and the facts say so
            place = client;
            reached = client.reach(ep).orElse(null);
            if (reached == null) {
                instead = client.unreachableReason(ep);
                place = local;
                reached = ep;
            }
            driven = place.drive(sw, t.params(), params, reached, deadline);
        } catch (Exception e) {
            try {
                inst.agent().call(stop, Duration.ofMinutes(1));
            } catch (AgentException stopFailed) {
                e.addSuppressed(stopFailed);
            }
            throw e;
        }
        WorkloadResult serverResult = inst.agent().call(stop, Duration.ofMinutes(1));
        WorkloadResult.Builder b = WorkloadResult.builder();
        driven.measurements().forEach(b::add);
        serverResult.measurements().forEach(b::add);
        b.facts(driven.metadata());
        b.facts(serverResult.metadata());
        Map<String, Object> clientFacts = new LinkedHashMap<>(place.facts());
        if (instead != null) {
            clientFacts.put("instead_of", client.kind() + ", because " + instead);
        }
        b.fact("client", clientFacts);
        b.fact("endpoint", reached.toString());
        if (!reached.equals(ep)) {
            b.fact("endpoint_from_host", ep.toString());
        }
        b.facts(Map.of("server", started.facts() == null ? Map.of() : started.facts()));
        // run.json: which place drove each variant's servers
        Map<String, Object> variantFacts = environmentFacts.get(t.variant().label());
        if (variantFacts != null && !clientFacts.equals(variantFacts.get("client"))) {
            Map<String, Object> updated = new LinkedHashMap<>(variantFacts);
            updated.put("client", clientFacts);
            environmentFacts.put(t.variant().label(), updated);
        }
        return b.build();
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

    /** The running instance of a variant, started on first use; others are paused while it works. */
    private EnvironmentInstance instance(Variant v, Cleanup cleanup) throws Exception {
        String why = unavailable.get(v);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        EnvironmentInstance inst = instances.get(v);
        if (inst != null && !inst.alive()) {
            progress.say("isobench: " + v.label() + " is no longer running; starting a new instance");
            retire(v);
            inst = null;
        }
        if (active != null && active != inst) {
            try {
                active.pause();
            } catch (Exception e) {
                progress.say("isobench: could not pause " + active.variant().label() + ": " + message(e));
            }
        }
        if (inst == null) {
            Environment env = Environments.get(v.environment(), "plan");
            begin("starting " + v.label());
            long began = System.nanoTime();
            try {
                inst = startWithRetry(env, v, cleanup);
            } catch (Exception e) {
                unavailable.put(v, message(e));
                throw e;
            } finally {
                startNanos += System.nanoTime() - began;
            }
            instances.put(v, inst);
            Map<String, Object> facts = new LinkedHashMap<>(inst.facts());
            facts.put("emulated", inst.emulated());
            if (startRetries.containsKey(v)) {
                facts.put("start_retried_after", startRetries.get(v));
            }
            facts.put("inside", inst.insideFacts());
            environmentFacts.put(v.label(), facts);
        } else {
            inst.resume();
        }
        active = inst;
        return inst;
    }

    /**
     * Starts an instance, and once more if the first start fails for a reason other than bad
     * input: a guest that crashed or hung while booting (seen now and then under TCG) should not
     * cost every trial of its variant. The first failure is said on the console and recorded with
     * the variant's facts in run.json. This is the one place that retries a start: environments
     * start once and fail with their reason.
     */
    private EnvironmentInstance startWithRetry(Environment env, Variant v, Cleanup cleanup) throws Exception {
        // the agent's heap leaves room for the most any of this variant's workloads allocates outside it
        long memory = env.memoryBytes(v);
        long offHeap = plan.trials().stream().filter(t -> t.variant().equals(v))
                .mapToLong(t -> t.workload().offHeap(t.params(), memory).bytes()).max().orElse(0);
        StartContext ctx = new StartContext(record.id(), dir.logs(), launcher, cleanup, host, bootTimeout,
                client == null ? null : client.hostAddress(), offHeap);
        try {
            return env.start(v, ctx);
        } catch (io.isobench.BadInputException e) {
            throw e;
        } catch (Exception first) {
            if (stopping) {
                throw first;
            }
            progress.say("isobench: " + v.label() + " did not start (" + message(first).lines().findFirst().orElse("")
                    + "); trying once more");
            try {
                EnvironmentInstance second = env.start(v, ctx);
                startRetries.put(v, message(first).lines().findFirst().orElse(""));
                return second;
            } catch (Exception again) {
                again.addSuppressed(first);
                throw again;
            }
        }
    }

    private void retire(Variant v) {
        EnvironmentInstance inst = instances.remove(v);
        if (inst != null) {
            closeQuietly(inst);
            if (active == inst) {
                active = null;
            }
        }
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
            progress.say("isobench: could not stop " + i.variant().label() + ": " + message(e));
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
        return io.isobench.core.Errors.describe(e);
    }

    private List<TrialRecord> trialRecords() {
        List<TrialRecord> out = new ArrayList<>();
        for (TrialState s : states.values()) {
            Trial t = s.trial;
            out.add(new TrialRecord(t.id(), t.workload().name(), t.params().toWire(t.workload().params()), t.variant().environment(),
                    t.variant().label(), t.variant().settings(), s.status, s.iterations, s.warmups, s.failure, s.lost));
        }
        return out;
    }

    private RunRecord withStatus(RunStatus status, String reason) {
        return record.with(status, reason, new LinkedHashMap<>(environmentFacts), trialRecords(), timing());
    }

    private Map<String, Object> timing() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wall_s", wallNanos / 1e9);
        m.put("environment_start_s", startNanos / 1e9);
        m.put("iterations_s", iterationNanos / 1e9);
        return m;
    }

    private static long seconds(Object v) {
        return v instanceof Number n ? (long) (n.doubleValue() * 1e9) : 0;
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
