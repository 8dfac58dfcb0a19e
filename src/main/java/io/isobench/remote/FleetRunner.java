package io.isobench.remote;

import io.isobench.core.Console;
import io.isobench.result.Json;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import io.isobench.result.SampleWriter;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A suite run on several hosts at once over SSH. Each host runs it with its own isobench (brought
 * there by {@link RemoteIsobench}) against its own native baseline, in a run folder of its own
 * there; its samples stream back as they are measured ({@link StreamProtocol}) and land, tagged
 * with the host, in the controller's one run folder, whose run.json holds every host's trials
 * (ids {@code host/trial}) and where each host's run is ({@code host.fleet}). A host that cannot
 * be reached, fails, goes silent past the limit or drops off the network has its unfinished
 * trials marked failed with the reason; the others go on. Stopping the controller closes each
 * remote run's standard input, which stops it as Ctrl-C does there (removing what it started);
 * {@code --resume} resumes each host's run where it stopped.
 */
public final class FleetRunner {

    /** The key under run.json's {@code host} that holds each host's state. */
    public static final String FLEET_KEY = "fleet";

    /** One host's part of the run. */
    static final class HostState {
        final SshHost host;
        volatile String remoteDir;
        volatile Long remotePid;
        volatile boolean remoteRemoved;
        volatile RunRecord record;
        volatile String status = "pending";
        volatile String reason;
        volatile Integer endCode;
        volatile long lastWord = System.nanoTime();
        volatile boolean resume;
        volatile long samples;

        HostState(SshHost host) {
            this.host = host;
        }

        String name() {
            return host.name();
        }
    }

    private final RunDirectory dir;
    private final RunRecord base;
    private final String suiteYaml;
    private final Path knownHosts;
    private final Duration silenceLimit;
    private final List<HostState> states = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private volatile String stopReason;

    /**
     * @param previous     the samples already in the run folder (a resumed run): not written again
     * @param silenceLimit how long a host may say nothing (it says it is alive every few seconds)
     *                     before it is taken for hung or gone
     */
    public FleetRunner(RunDirectory dir, RunRecord base, List<SshHost> hosts, String suiteYaml, Path knownHosts, List<Sample> previous,
                       Duration silenceLimit) {
        this.dir = dir;
        this.base = base;
        this.suiteYaml = suiteYaml;
        this.knownHosts = knownHosts;
        this.silenceLimit = silenceLimit;
        for (SshHost h : hosts) {
            states.add(new HostState(h));
        }
        for (Sample s : previous) {
            seen.add(key(s));
        }
        restore();
    }

    /** A resumed run: each host's remote run folder, status and record from run.json. */
    @SuppressWarnings("unchecked")
    private void restore() {
        Object f = base.host() == null ? null : base.host().get(FLEET_KEY);
        if (!(f instanceof Map<?, ?> fleet)) {
            return;
        }
        for (HostState hs : states) {
            if (fleet.get(hs.name()) instanceof Map<?, ?> m) {
                hs.remoteDir = (String) m.get("remote_run");
                hs.remoteRemoved = Boolean.TRUE.equals(m.get("remote_run_removed"));
                Object st = m.get("status");
                if (m.get("run") instanceof Map<?, ?> r) {
                    hs.record = Json.mapper().convertValue(r, RunRecord.class);
                }
                if ("done".equals(st) && hs.record != null && hs.record.status() == RunStatus.COMPLETE) {
                    hs.status = "done";
                    hs.reason = (String) m.get("reason");
                } else {
                    hs.resume = hs.remoteDir != null;
                }
            }
        }
    }

    /** Whether run.json is that of a fleet run. */
    public static boolean isFleet(RunRecord r) {
        return r.host() != null && r.host().get(FLEET_KEY) instanceof Map<?, ?>;
    }

    private static String key(Sample s) {
        return s.host() + "|" + s.trial() + "|" + s.variant() + "|" + s.iteration() + "|" + s.warmup() + "|" + s.metric() + "|"
                + s.labels() + "|" + s.timestamp();
    }

    /** Stops every host's run (as Ctrl-C there); returns false when a stop was already asked. */
    public boolean interrupt(String reason) {
        if (stopReason != null) {
            return false;
        }
        stopReason = reason;
        return true;
    }

    /** Runs every host at once and returns the run record as it ends. */
    public RunRecord run() throws IOException {
        try (SampleWriter writer = new SampleWriter(dir.samples())) {
            writeRecord(RunStatus.RUNNING, null);
            List<Thread> threads = new ArrayList<>();
            for (HostState hs : states) {
                if ("done".equals(hs.status)) {
                    continue;
                }
                threads.add(Thread.ofPlatform().name("host-" + hs.name()).start(() -> runHost(hs, writer)));
            }
            // every host thread is waited for even after an interrupt (which asks them to stop): the
            // sample writer closes after this, and a host still streaming would lose its last samples
            boolean interrupted = false;
            for (Thread t : threads) {
                while (t.isAlive()) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        if (!interrupted) {
                            interrupt("interrupted");
                        }
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return finish();
    }

    private void say(HostState hs, String what) {
        Console.say("isobench: host " + hs.name() + ": " + what);
        log(hs, "## " + what);
    }

    private void log(HostState hs, String line) {
        try {
            Files.writeString(dir.logs().resolve(logName(hs)), line + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log is a help, not the run
        }
    }

    private void runHost(HostState hs, SampleWriter writer) {
        hs.status = "connecting";
        try (SshSession s = SshSession.open(hs.host, knownHosts, SshSession.CONNECT_TIMEOUT)) {
            if (stopReason != null) {
                throw new IOException(stopReason + " before the run started there");
            }
            RemoteIsobench ri = RemoteIsobench.ensure(s);
            say(hs, (ri.copied() ? "isobench and its JRE copied to " : "isobench found (checked) in ") + ri.dir());
            List<String> args;
            if (hs.resume) {
                args = List.of("run", "--resume", hs.remoteDir, "--stream-samples");
            } else {
                String runs = ri.root() + "/runs/" + dir.id();
                SshSession.Result up = s.exec(List.of("sh", "-c", "mkdir -p \"$1\" && cat > \"$1/suite.yaml\"", "sh", runs),
                        new ByteArrayInputStream(suiteYaml.getBytes(StandardCharsets.UTF_8)), Duration.ofMinutes(1));
                if (!up.ok()) {
                    throw new IOException("cannot write the suite to " + runs + " there: " + up.stderr().strip());
                }
                args = List.of("run", "--suite", runs + "/suite.yaml", "--results", runs, "--stream-samples");
            }
            hs.status = "running";
            hs.lastWord = System.nanoTime();
            log(hs, "## " + String.join(" ", ri.command(args)));
            try (SshSession.Running r = s.start(ri.command(args), line -> onLine(hs, line, writer), err -> log(hs, "stderr: " + err))) {
                boolean stopSent = false;
                Integer code;
                while ((code = r.waitFor(Duration.ofSeconds(1))) == null) {
                    if (stopReason != null && !stopSent) {
                        say(hs, "stopping its run (" + stopReason + ")");
                        r.stdin().close();
                        stopSent = true;
                        hs.lastWord = System.nanoTime();
                    }
                    long silent = Duration.ofNanos(System.nanoTime() - hs.lastWord).toSeconds();
                    if (silent > silenceLimit.toSeconds()) {
                        String why = "no word from the host for " + silent + " s (it hung or dropped off the network)";
                        say(hs, why + "; stopping its run there");
                        throw new IOException(why + stopSilent(hs, s, ri));
                    }
                }
                if (hs.endCode == null) {
                    throw new IOException("the connection ended before its run did (" + (r.exitSignal() != null
                            ? "killed by SIG" + r.exitSignal() : code >= 0 ? "exit " + code : "the host or its sshd went away")
                            + "); the last lines there are in " + dir.logs().resolve(logName(hs)));
                }
            }
            int end = hs.endCode;
            if (end == 0 || end == 3) {
                hs.status = "done";
                say(hs, end == 0 ? "done" : "done, some trials failed there (see its trials)");
                // every sample is back (the run said END after its last one): its run folder there goes, unless a
                // trial failed, whose logs there say why (it is pruned after RemoteIsobench.KEEP_RUN_DAYS days)
                if (end == 0 && hs.remoteDir != null) {
                    try {
                        ri.removeRun(hs.remoteDir);
                        hs.remoteRemoved = true;
                    } catch (IOException e) {
                        say(hs, "its run folder there stays: " + e.getMessage());
                    }
                }
            } else if (end == 130) {
                hs.status = "interrupted";
                hs.reason = stopReason != null ? stopReason : "interrupted there";
                say(hs, "stopped; everything its run started there is removed" + sweep(hs, ri));
            } else {
                throw new IOException("isobench there exited " + end + " (see " + dir.logs().resolve(logName(hs)) + ")");
            }
        } catch (IOException | RuntimeException e) {
            hs.status = stopReason != null && hs.record == null ? "interrupted" : "failed";
            hs.reason = e.getMessage();
            say(hs, "failed: " + e.getMessage());
        } finally {
            writeRecordQuietly();
        }
    }

    /**
     * After a host's run stopped on an interrupt: {@code isobench doctor --clean --run} there, for
     * anything the stop could not remove (a container whose creation was still under way when the
     * interrupt came). Its run is over, so its lock no longer keeps anything. Returns what was found.
     */
    private String sweep(HostState hs, RemoteIsobench ri) {
        String id = hs.remoteDir == null ? null : Path.of(hs.remoteDir).getFileName().toString();
        if (id == null) {
            return "";
        }
        try {
            SshSession.Result clean = ri.run(List.of("doctor", "--clean", "--run", id), Duration.ofMinutes(5));
            log(hs, "## isobench doctor --clean --run " + id + " there:\n" + clean.stdout() + clean.stderr());
            String out = clean.stdout();
            int at = out.indexOf("leftovers:");
            if (at < 0 || out.startsWith("leftovers: none", at)) {
                return "";
            }
            return "; isobench doctor --clean --run " + id + " there removed what the stop left: "
                    + out.substring(at).lines().skip(1).map(String::strip).filter(l -> !l.startsWith("run ") && !l.startsWith("removed"))
                    .collect(java.util.stream.Collectors.joining(", "));
        } catch (IOException | RuntimeException e) {
            return "; isobench doctor --clean --run " + id + " there failed: " + e.getMessage();
        }
    }

    /** How long a silent host's run has to stop on SIGTERM (removing what it started) before it is killed. */
    static final Duration TERM_GRACE = Duration.ofSeconds(30);

    /**
     * Stops the run of a host that went silent, over a fresh channel of its connection: SIGTERM (and
     * SIGCONT, should it be stopped), which ends it as Ctrl-C there does, removing what it started;
     * SIGKILL of its process group when it has not ended after {@link #TERM_GRACE}, then
     * {@code isobench doctor --clean --run} there for what the killed run left. Returns what was
     * done, for the host's reason.
     */
    private String stopSilent(HostState hs, SshSession s, RemoteIsobench ri) {
        Long pid = hs.remotePid;
        if (pid == null) {
            return "; its run there never said its PID, so it could not be stopped: see isobench doctor --host " + hs.host.target();
        }
        if (!s.isOpen()) {
            return "; the connection is gone, so its run there stops when sshd notices (its standard input ends): "
                    + "see isobench doctor --host " + hs.host.target();
        }
        try {
            SshSession.Result r = s.exec(List.of("sh", "-c", "p=$1; kill -TERM \"$p\" 2>/dev/null || { echo gone; exit 0; }; "
                    + "kill -CONT \"$p\" 2>/dev/null; i=0; while kill -0 \"$p\" 2>/dev/null; do "
                    + "if [ $i -ge $2 ]; then g=$(cut -d' ' -f5 /proc/$p/stat 2>/dev/null); "
                    + "if [ -n \"$g\" ] && [ \"$g\" -gt 1 ]; then kill -KILL -- -$g 2>/dev/null; fi; kill -KILL \"$p\" 2>/dev/null; "
                    + "echo killed; exit 0; fi; sleep 1; i=$((i+1)); done; echo stopped", "sh", pid.toString(),
                    Long.toString(TERM_GRACE.toSeconds())), null, TERM_GRACE.plusSeconds(30));
            String what = r.stdout().strip();
            log(hs, "## stopping " + pid + ": " + what + " " + r.stderr().strip());
            if (!"killed".equals(what)) {
                return "; its run there (PID " + pid + ") was stopped with SIGTERM, which removes what it started";
            }
            String id = hs.remoteDir == null ? null : Path.of(hs.remoteDir).getFileName().toString();
            if (id == null) {
                return "; its run there (PID " + pid + ") did not end on SIGTERM and was killed";
            }
            SshSession.Result clean = ri.run(List.of("doctor", "--clean", "--run", id), Duration.ofMinutes(5));
            log(hs, clean.stdout() + clean.stderr());
            return "; its run there (PID " + pid + ") did not end on SIGTERM within " + TERM_GRACE.toSeconds()
                    + " s and was killed; isobench doctor --clean --run " + id + " there " + (clean.ok() ? "removed what it left"
                    : "failed (exit " + clean.exit() + "): see " + dir.logs().resolve(logName(hs)));
        } catch (IOException | RuntimeException e) {
            return "; stopping its run there (PID " + pid + ") failed: " + e.getMessage() + "; see isobench doctor --host "
                    + hs.host.target();
        }
    }

    private static String logName(HostState hs) {
        return "host-" + hs.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".log";
    }

    private void onLine(HostState hs, String line, SampleWriter writer) {
        hs.lastWord = System.nanoTime();
        if (!line.startsWith(StreamProtocol.PREFIX)) {
            log(hs, line);
            return;
        }
        String rest = line.substring(StreamProtocol.PREFIX.length());
        int sp = rest.indexOf(' ');
        String kind = sp < 0 ? rest : rest.substring(0, sp);
        String payload = sp < 0 ? "" : rest.substring(sp + 1);
        try {
            switch (kind) {
                case StreamProtocol.PID -> hs.remotePid = Long.parseLong(payload.trim());
                case StreamProtocol.RUN -> {
                    hs.remoteDir = payload;
                    say(hs, "running; its run folder there: " + payload);
                    writeRecordQuietly();
                }
                case StreamProtocol.SAMPLE -> {
                    Sample smp = Json.mapper().readValue(payload, Sample.class).onHost(hs.name(), dir.id());
                    synchronized (seen) {
                        if (seen.add(key(smp))) {
                            writer.append(smp);
                            hs.samples++;
                        }
                    }
                }
                case StreamProtocol.RECORD -> {
                    hs.record = Json.mapper().readValue(payload, RunRecord.class);
                    writeRecordQuietly();
                }
                case StreamProtocol.END -> hs.endCode = Integer.parseInt(payload.trim());
                default -> { }
            }
        } catch (IOException | RuntimeException e) {
            log(hs, "unreadable line (" + e.getMessage() + "): " + line);
        }
    }

    private void writeRecordQuietly() {
        try {
            writeRecord(RunStatus.RUNNING, null);
        } catch (IOException e) {
            Console.say("isobench: cannot write " + dir.runJson() + ": " + e.getMessage());
        }
    }

    private synchronized void writeRecord(RunStatus status, String reason) throws IOException {
        List<TrialRecord> trials = new ArrayList<>();
        Map<String, Map<String, Object>> envs = new LinkedHashMap<>();
        Map<String, Object> fleet = new LinkedHashMap<>();
        for (HostState hs : states) {
            String p = hs.name() + "/";
            if (hs.record != null) {
                for (TrialRecord t : hs.record.trials() == null ? List.<TrialRecord>of() : hs.record.trials()) {
                    TrialRecord mine = new TrialRecord(p + t.id(), t.workload(), t.params(), t.environment(), t.variant(), t.settings(),
                            t.status(), t.iterationsDone(), t.warmupsDone(), t.failure(), t.lost());
                    boolean open = t.status() == TrialStatus.PENDING || t.status() == TrialStatus.RUNNING;
                    if (open && "failed".equals(hs.status)) {
                        mine = mine.with(TrialStatus.FAILED, t.iterationsDone(), t.warmupsDone(), "host " + hs.name() + ": " + hs.reason);
                    }
                    trials.add(mine);
                }
                if (hs.record.environments() != null) {
                    hs.record.environments().forEach((k, v) -> envs.put(p + k, v));
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", hs.host.target());
            m.put("address", hs.host.address());
            m.put("status", hs.status);
            if (hs.reason != null) {
                m.put("reason", hs.reason);
            }
            if (hs.remoteDir != null) {
                m.put("remote_run", hs.remoteDir);
                if (hs.remoteRemoved) {
                    m.put("remote_run_removed", true);
                }
            }
            m.put("samples", hs.samples);
            if (hs.record != null) {
                m.put("run", Json.mapper().convertValue(hs.record, Map.class));
            }
            fleet.put(hs.name(), m);
        }
        Map<String, Object> host = new LinkedHashMap<>(base.host() == null ? Map.of() : base.host());
        host.put(FLEET_KEY, fleet);
        RunRecord r = new RunRecord(base.id(), base.toolVersion(), base.commandLine(), base.started(),
                status == RunStatus.RUNNING ? null : Instant.now(), status, reason, base.suite(), host, base.agentEnvironment(),
                base.warnings(), envs, trials, base.timing());
        dir.writeRecord(r);
    }

    private RunRecord finish() throws IOException {
        List<String> why = new ArrayList<>();
        boolean interrupted = false;
        boolean complete = true;
        for (HostState hs : states) {
            switch (hs.status) {
                case "done" -> {
                    if (hs.record == null || hs.record.status() != RunStatus.COMPLETE) {
                        complete = false;
                        why.add("host " + hs.name() + ": " + (hs.record == null ? "no record" : hs.record.stopReason()));
                    }
                }
                case "interrupted" -> {
                    interrupted = true;
                    complete = false;
                }
                default -> {
                    complete = false;
                    why.add("host " + hs.name() + " failed: " + hs.reason);
                }
            }
        }
        String reason;
        if (complete) {
            reason = null;
        } else if (interrupted || stopReason != null) {
            reason = "interrupted (" + (stopReason == null ? "a host was interrupted" : stopReason) + "): resume with isobench run --resume "
                    + dir.path();
        } else {
            reason = String.join("; ", why) + " (resume the unfinished hosts with isobench run --resume " + dir.path() + ")";
        }
        writeRecord(complete ? RunStatus.COMPLETE : RunStatus.INCOMPLETE, reason);
        return dir.readRecord();
    }

    /** A line per host: how far it got. */
    public void summary(PrintWriter out) {
        for (HostState hs : states) {
            out.println("host " + hs.name() + " (" + hs.host.target() + "): " + hs.status + ", " + hs.samples + " samples"
                    + (hs.reason == null ? "" : ": " + hs.reason));
        }
    }
}
