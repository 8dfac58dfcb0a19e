package io.isobench.cli;

import io.isobench.BadInputException;
import io.isobench.Version;
import io.isobench.client.ClientSpec;
import io.isobench.client.NetnsClient;
import io.isobench.agent.AgentEnvironment;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.Availability;
import io.isobench.env.Environment;
import io.isobench.env.Environments;
import io.isobench.host.HostFacts;
import io.isobench.host.NoiseSources;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunLock;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import io.isobench.run.CtrlC;
import io.isobench.run.Progress;
import io.isobench.run.Runner;
import io.isobench.suite.Plan;
import io.isobench.suite.Planner;
import io.isobench.suite.Repetition;
import io.isobench.suite.Suite;
import io.isobench.suite.SuiteLoader;
import io.isobench.suite.Trial;
import io.isobench.workload.Workloads;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code isobench run}: plan, run, and report a comparison. */
@Command(name = "run", description = {
        "Run workloads in environments and compare them with the baseline (native).",
        "With no --suite and no --workload, runs the 'quick' suite in every environment this host can run."},
        sortOptions = false)
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--suite"}, paramLabel = "NAME|FILE", description = "a built-in suite (quick, ...) or a suite YAML file")
    String suite;

    @Option(names = {"-w", "--workload"}, split = ",", paramLabel = "NAME", description = "workloads to run (comma-separated); with --suite, the suite's own with its parameters; see: isobench list workloads")
    List<String> workloads;

    @Option(names = {"-e", "--env"}, split = ",", paramLabel = "NAME", description = "environments (comma-separated); default: every one this host can run")
    List<String> envs;

    @Option(names = "--variant", paramLabel = "ENV.SETTING=V[,V...]",
            description = "an environment setting; several values compare variants, e.g. --variant docker.network=host,nat")
    List<String> variants = new ArrayList<>();

    @Option(names = {"-p", "--param"}, paramLabel = "[WORKLOAD.]NAME=V[,V...]",
            description = "a workload parameter; several values make one trial each, e.g. -p stream.threads=1,2")
    List<String> params = new ArrayList<>();

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = {
            "override anything in the suite: repetition.warmup|iterations|target|max|budget, baseline, seed,",
            "WORKLOAD.PARAM (like -p) or ENV.SETTING (like --variant), e.g. --set repetition.iterations=3"})
    List<String> sets = new ArrayList<>();

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", description = "measured iterations per trial (the minimum in adaptive mode)")
    Integer iterations;

    @Option(names = "--warmup", paramLabel = "N", description = "warm-up iterations per trial, run and recorded but not in statistics")
    Integer warmup;

    @Option(names = "--target", paramLabel = "X", description = "adaptive mode: stop a trial when every metric's 95%% CI half-width is within X of its mean (e.g. 0.02)")
    Double target;

    @Option(names = "--max-iterations", paramLabel = "N", description = "adaptive mode: the most iterations per trial (default 30)")
    Integer maxIterations;

    @Option(names = "--budget", paramLabel = "DURATION", description = "adaptive mode: the run's wall time that extra iterations may use "
            + "(e.g. 9m); past it, trials stop at what they have (the minimum iterations always run)")
    String budget;

    @Option(names = "--baseline", paramLabel = "VARIANT", description = "what the others are compared with (default: native)")
    String baseline;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the interleaved order (default from the suite)")
    Long seed;

    @Option(names = {"-o", "--results"}, paramLabel = "DIR", defaultValue = "results", description = "where run folders go (default: ${DEFAULT-VALUE})")
    Path results;

    @Option(names = "--boot-timeout", paramLabel = "DURATION", defaultValue = "180s", description = "how long an environment may take to answer (default: ${DEFAULT-VALUE})")
    String bootTimeout;

    @Option(names = "--pass-env", split = ",", paramLabel = "NAME", description = {
            "pass this variable of the invoking shell to the agent in every environment alike (repeatable);",
            "no other variable of the shell reaches an agent"})
    List<String> passEnv = new ArrayList<>();

    @Option(names = "--client", paramLabel = "PLACE", description = {
            "where the load of server workloads (tcp_*, udp_rr, redis, mysql) runs: netns = a network namespace joined by a",
            "veth pair, so traffic enters the host through an interface as from another machine; local = the host's own",
            "stack; auto (default) = netns where the host allows it (root with ip netns), else local;",
            "ssh://user@address[:port] = another machine over SSH (the study's client machine), across the real network"})
    String client;

    @Option(names = "--client-link", paramLabel = "RATE", description = "shape the client namespace's veth to a link speed with tc tbf, e.g. 10gbit; none for no shaping")
    String clientLink;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue an interrupted run without repeating finished iterations")
    Path resume;

    @Option(names = "--dry-run", description = "print the expanded plan and its estimated duration; run nothing")
    boolean dryRun;

    @picocli.CommandLine.Mixin
    SshOptions ssh = new SshOptions();

    @Option(names = "--host-silence", paramLabel = "DURATION", defaultValue = "60s",
            description = "a host that says nothing this long is taken for hung or gone; its unfinished trials fail (default: ${DEFAULT-VALUE})")
    String hostSilence;

    @Option(names = "--stream-samples", hidden = true, description = "print samples and run.json on stdout as they are written (the remote end of a fleet run)")
    boolean streamSamples;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // connections to other machines made without a host entry of their own (client=ssh://) use these
        ssh.apply();
        // the remote end of a fleet run: its PID and that it is alive from the first moment (planning can
        // take a while); samples and run.json once the run folder exists. The controller closing our
        // standard input (or its connection dropping) stops the run as Ctrl-C does
        java.util.concurrent.atomic.AtomicReference<Runner> running = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<String> gone = new java.util.concurrent.atomic.AtomicReference<>();
        StreamedRun stream = streamSamples ? new StreamedRun(out, System.in, why -> {
            gone.set(why);
            Runner r = running.get();
            if (r != null) {
                r.interrupt(why);
            }
        }) : null;
        HostFacts host = HostFacts.read();
        Duration boot = Duration.ofMillis((Long) io.isobench.core.ParamType.DURATION.coerce(bootTimeout));
        RunDirectory dir;
        RunRecord record;
        List<Sample> previous = List.of();
        Suite s;
        List<String> notes = new ArrayList<>();
        NoiseSources noise = null;
        if (resume != null) {
            dir = RunDirectory.open(resume);
            record = dir.readRecord();
            if (io.isobench.remote.FleetRunner.isFleet(record)) {
                return fleet(out, SuiteLoader.fromMap(record.suite(), resume.resolve(RunDirectory.RUN).toString()), dir, record,
                        dir.readSamples());
            }
            if (stream != null && record.status() == RunStatus.COMPLETE) {
                stream.follow(dir);
                stream.end(0);
                return 0;
            }
            if (record.status() == RunStatus.COMPLETE) {
                out.println("isobench: " + resume + " is complete; nothing to resume (see: isobench report " + resume + ")");
                return 0;
            }
            s = SuiteLoader.fromMap(record.suite(), resume.resolve(RunDirectory.RUN).toString());
            previous = dir.readSamples();
        } else {
            s = buildSuite(host, notes);
            if (!s.hosts().isEmpty()) {
                notes.forEach(n -> out.println("isobench: " + n));
                return fleet(out, s, null, null, List.of());
            }
            record = null;
            dir = null;
            noise = NoiseSources.read();
            notes.addAll(noise.warnings());
        }
        Plan plan = Planner.plan(s, host);
        if (resume == null) {
            // where the load comes from, decided once for this host and recorded with the suite in run.json
            boolean servers = plan.trials().stream().anyMatch(t -> t.workload() instanceof io.isobench.workload.ServerWorkload);
            ClientSpec.Resolved rc = s.client().resolve(servers ? NetnsClient.unavailableReason() : null,
                    client != null || clientLink != null ? "--client" : "client");
            s = s.withClient(rc.spec());
            plan = plan.withSuite(s);
            if (servers && rc.note() != null) {
                notes.add(rc.note());
            }
        }
        // what every agent starts with: a resumed run keeps the values it started with
        AgentEnvironment agentEnv = record != null && record.agentEnvironment() != null
                ? AgentEnvironment.fromMap(record.agentEnvironment())
                : AgentEnvironment.of(AgentEnvironment.invokingShell(), s.passEnv(), "--pass-env / pass_env");
        if (resume == null) {
            notes.addAll(plan.skipped());
            notes.addAll(plan.scaled());
            if (agentEnv.warning() != null) {
                notes.add(agentEnv.warning());
            }
        }
        notes.forEach(n -> out.println("isobench: " + n));
        if (dryRun) {
            printPlan(out, plan);
            return 0;
        }
        if (dir == null) {
            dir = RunDirectory.create(results, RunDirectory.newRunId());
            List<String> cmd = new ArrayList<>();
            cmd.add("isobench");
            cmd.addAll(spec.commandLine().getParseResult().originalArgs());
            Map<String, Object> hostFacts = new LinkedHashMap<>(host.toMap());
            hostFacts.put("noise", noise.toMap());
            record = new RunRecord(dir.id(), Version.get(), cmd, Instant.now(), null, RunStatus.RUNNING, null,
                    SuiteLoader.toMap(s), hostFacts, agentEnv.toMap(), notes, Map.of(), List.of(), null);
            dir.writeRecord(record);
        }
        out.println("isobench " + Version.get() + ": " + plan.trials().size() + " trials, " + plan.variants().size()
                + " variants, results in " + dir.path());
        out.flush();
        RunRecord done;
        java.util.concurrent.atomic.AtomicBoolean reportInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
        if (stream != null) {
            stream.follow(dir);
        }
        // held while the run lives: doctor --clean keeps what a run in progress uses; a second --resume is refused
        try (RunLock lock = RunLock.acquire(dir.id()); Progress progress = Progress.forConsole(System.err)) {
            Runner runner = new Runner(plan, dir, record, previous, host, AgentLauncher.current().with(agentEnv).forRun(dir.id()),
                    progress, boot);
            running.set(runner);
            if (gone.get() != null) {
                runner.interrupt(gone.get());
            }
            // Ctrl-C: the first press stops the run, which removes what it started in order and leaves a
            // resumable record; later presses say what is still being removed
            try (CtrlC ctrlC = CtrlC.install(press -> {
                if (press == 1 && runner.interrupt("Ctrl-C")) {
                    progress.say("isobench: interrupted (Ctrl-C) during " + runner.inHand()
                            + "; removing what the run started (press Ctrl-C again to see what is left)");
                } else {
                    List<String> left = runner.leftToRemove();
                    progress.say("isobench: still cleaning up" + (left.isEmpty() ? "; nothing is left to remove, finishing"
                            : "; left to remove: " + String.join(", ", left)));
                }
            })) {
                done = runner.run();
            }
        }
        if (stream != null) {
            int code = interrupted(done) ? 130 : done.status() == RunStatus.COMPLETE ? 0 : Main.TRIALS_FAILED;
            stream.end(code);
            return code;
        }
        if (interrupted(done)) {
            out.println("isobench: " + done.stopReason().replace(": resume with", "; everything it started is removed.\nresume with:"));
            return 130;
        }
        String base = plan.baseline() == null ? null : plan.baseline().label();
        // Ctrl-C while the report is written: the figures are all on disk; the run is marked so that
        // --resume (which has no iteration left to run) writes the report and completes it
        try (CtrlC ctrlC = CtrlC.install(press -> reportInterrupted.set(true))) {
            out.println(ReportCommand.console(dir, done, base));
            out.flush();
            pauseForTests();
            if (!reportInterrupted.get()) {
                ReportCommand.writeHtmlAfterRun(out, dir, base);
            }
        }
        if (reportInterrupted.get()) {
            String why = "interrupted (Ctrl-C) while writing the report: resume with isobench run --resume " + dir.path();
            dir.writeRecord(done.with(RunStatus.INCOMPLETE, why, done.environments(), done.trials(), done.timing()));
            out.println("isobench: " + why.replace(": resume with", "; every figure is saved.\nresume with:"));
            return 130;
        }
        out.println("samples: " + dir.samples() + "\nrun:     " + dir.runJson());
        if (done.status() == RunStatus.COMPLETE) {
            return 0;
        }
        out.println("isobench: run " + done.status().name().toLowerCase() + ": " + done.stopReason());
        return Main.TRIALS_FAILED;
    }

    /**
     * A fleet run: the suite on every host at once over SSH, each against its own baseline, the
     * samples streamed back into one run folder here; then the report with its host dimension.
     */
    private int fleet(PrintWriter out, Suite s, RunDirectory resumed, RunRecord record, List<Sample> previous) throws Exception {
        if (dryRun) {
            out.println("plan: the suite '" + s.name() + "' on " + s.hosts().size() + " hosts (" + s.hosts().stream()
                    .map(io.isobench.remote.SshHost::toString).collect(java.util.stream.Collectors.joining(", "))
                    + "), each against its own baseline; each host plans its own trials (isobench hosts doctor shows what each can run)");
            return 0;
        }
        Duration silence = Duration.ofMillis((Long) io.isobench.core.ParamType.DURATION.coerce(hostSilence));
        RunDirectory dir = resumed;
        if (dir == null) {
            dir = RunDirectory.create(results, RunDirectory.newRunId());
            List<String> cmd = new ArrayList<>();
            cmd.add("isobench");
            cmd.addAll(spec.commandLine().getParseResult().originalArgs());
            Map<String, Object> controller = new LinkedHashMap<>();
            controller.put("controller", HostFacts.read().toMap());
            record = new RunRecord(dir.id(), Version.get(), cmd, Instant.now(), null, RunStatus.RUNNING, null, SuiteLoader.toMap(s),
                    controller, null, List.of(), Map.of(), List.of(), null);
            dir.writeRecord(record);
        }
        String yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .writeValueAsString(SuiteLoader.toMap(s.withHosts(List.of())));
        out.println("isobench " + Version.get() + ": suite '" + s.name() + "' on " + s.hosts().size() + " hosts, results in " + dir.path());
        out.flush();
        io.isobench.remote.FleetRunner fleet = new io.isobench.remote.FleetRunner(dir, record, s.hosts(), yaml, ssh.knownHosts, previous, silence);
        RunRecord done;
        try (RunLock lock = RunLock.acquire(dir.id());
             CtrlC ctrlC = CtrlC.install(press -> {
                 if (fleet.interrupt("Ctrl-C")) {
                     io.isobench.core.Console.say("isobench: interrupted (Ctrl-C); stopping every host's run, which removes what it "
                             + "started there");
                 }
             })) {
            done = fleet.run();
        }
        if (interrupted(done)) {
            fleet.summary(out);
            out.println("isobench: " + done.stopReason().replace(": resume with", "; everything it started is removed.\nresume with:"));
            return 130;
        }
        String base = ReportCommand.recordedBaseline(done);
        // every host's state (one that never connected too, with its reason), then what they measured
        out.println(ReportCommand.console(dir, done, base));
        ReportCommand.writeHtmlAfterRun(out, dir, base);
        out.println("samples: " + dir.samples() + "\nrun:     " + dir.runJson());
        if (done.status() == RunStatus.COMPLETE) {
            return 0;
        }
        out.println("isobench: run " + done.status().name().toLowerCase() + ": " + done.stopReason());
        return Main.TRIALS_FAILED;
    }

    /**
     * {@code -Disobench.reportPauseMs=N}: waits N ms between the console table and the page, so a
     * test can strike with Ctrl-C while the report is being written. Never set otherwise.
     */
    private static void pauseForTests() {
        long ms = Long.getLong("isobench.reportPauseMs", 0);
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean interrupted(RunRecord r) {
        return r.status() != RunStatus.COMPLETE && r.stopReason() != null && r.stopReason().startsWith("interrupted");
    }

    /** Sorts --set overrides into the flags they stand for. */
    private void applySets() {
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException("--set " + set + ": write PATH=VALUE, e.g. --set repetition.iterations=3");
            }
            String path = set.substring(0, eq).trim();
            String value = set.substring(eq + 1).trim();
            String head = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
            String rest = path.contains(".") ? path.substring(path.indexOf('.') + 1) : "";
            try {
                switch (head) {
                    case "repetition" -> {
                        switch (rest) {
                            case "warmup" -> warmup = Integer.parseInt(value);
                            case "iterations" -> iterations = Integer.parseInt(value);
                            case "target" -> target = Double.parseDouble(value);
                            case "max" -> maxIterations = Integer.parseInt(value);
                            case "budget" -> budget = value;
                            default -> throw new BadInputException("--set " + set + ": repetition has warmup, iterations, target, max and budget"
                                    + io.isobench.Names.suggestion(rest, List.of("warmup", "iterations", "target", "max", "budget")));
                        }
                    }
                    case "baseline" -> baseline = value;
                    case ClientSpec.KEY -> {
                        switch (rest) {
                            case "" -> client = value;
                            case ClientSpec.LINK_KEY -> clientLink = value;
                            case ClientSpec.PLACE_KEY -> client = value;
                            default -> throw new BadInputException("--set " + set + ": client has place and link, e.g. --set client=netns "
                                    + "--set client.link=10gbit");
                        }
                    }
                    case "seed" -> seed = Long.parseLong(value);
                    default -> {
                        if (rest.isEmpty()) {
                            throw new BadInputException("--set " + set + ": unknown path '" + path
                                    + "'; use repetition.*, baseline, seed, client, client.link, WORKLOAD.PARAM or ENV.SETTING");
                        }
                        if (Workloads.names().contains(head)) {
                            params.add(set);
                        } else if (Environments.all().stream().anyMatch(e -> e.name().equals(head))) {
                            variants.add(set);
                        } else {
                            throw new BadInputException("--set " + set + ": '" + head + "' is neither a workload nor an environment"
                                    + io.isobench.Names.suggestion(head, new ArrayList<>(Workloads.names())));
                        }
                    }
                }
            } catch (NumberFormatException e) {
                throw new BadInputException("--set " + set + ": '" + value + "' is not a number");
            }
        }
    }

    /** The suite from --suite and the flags (which override it). */
    private Suite buildSuite(HostFacts host, List<String> notes) {
        applySets();
        Suite base;
        boolean explicitEnvs = envs != null && !envs.isEmpty();
        if (suite != null) {
            base = SuiteLoader.load(suite);
        } else if (workloads == null || workloads.isEmpty()) {
            base = SuiteLoader.load("quick");
        } else {
            base = new Suite("command-line", "from the command line", List.of(), List.of(), Repetition.fixed(1, 5), "native", 1);
        }
        List<io.isobench.remote.SshHost> hosts = new ArrayList<>(base.hosts());
        if (!ssh.hostSpecs.isEmpty()) {
            hosts.clear();
            hosts.addAll(ssh.hosts());
        }
        // the hosts decide what they can run (each says what it skips); this machine only controls
        boolean remote = !hosts.isEmpty();
        List<Suite.WorkloadEntry> ws = new ArrayList<>();
        if (workloads != null && !workloads.isEmpty()) {
            // --workload picks workloads of the suite and keeps the parameters the suite gives them
            // (as --env keeps its variants); a workload the suite does not name comes with its
            // defaults. Both are said.
            List<String> picked = new ArrayList<>();
            for (String w : workloads) {
                String name = w.trim();
                Workloads.get(name, "--workload");
                picked.add(name);
                List<Suite.WorkloadEntry> declared = suite == null ? List.of()
                        : base.workloads().stream().filter(x -> x.name().equals(name)).toList();
                if (declared.isEmpty()) {
                    ws.add(new Suite.WorkloadEntry(name, new LinkedHashMap<>(), "--workload"));
                    if (suite != null) {
                        notes.add("--workload " + name + ": suite '" + base.name() + "' does not name it; it runs with its default parameters");
                    }
                }
                for (Suite.WorkloadEntry d : declared) {
                    ws.add(d.withParams(new LinkedHashMap<>(d.params())));
                }
            }
            List<String> left = suite == null ? List.of()
                    : base.workloads().stream().map(Suite.WorkloadEntry::name).filter(n -> !picked.contains(n)).distinct().toList();
            if (!left.isEmpty()) {
                notes.add("--workload leaves out " + String.join(", ", left) + " of suite '" + base.name() + "'");
            }
        } else {
            for (Suite.WorkloadEntry w : base.workloads()) {
                ws.add(w.withParams(new LinkedHashMap<>(w.params())));
            }
        }
        applyParams(ws);
        List<Suite.EnvironmentEntry> es = new ArrayList<>();
        if (explicitEnvs) {
            // --env picks environments of the suite and keeps the variants the suite gives them; an
            // environment the suite does not name comes with its default variants. Both are said.
            List<String> picked = new ArrayList<>();
            for (String e : envs) {
                Environment env = Environments.get(e.trim(), "--env");
                Availability a = remote ? Availability.yes("on the hosts") : env.probe(host);
                if (!a.available()) {
                    throw new BadInputException("--env " + env.name() + ": this host cannot run it: " + a.detail()
                            + (a.fix() == null ? "" : "; fix: " + a.fix()));
                }
                picked.add(env.name());
                var declared = base.environments().stream().filter(x -> x.name().equals(env.name())).findFirst();
                if (declared.isPresent()) {
                    es.add(declared.get());
                } else {
                    es.add(new Suite.EnvironmentEntry(env.name(), List.of(), "--env"));
                    if (!base.environments().isEmpty()) {
                        notes.add("--env " + env.name() + ": suite '" + base.name() + "' does not name it; it runs with its default variants");
                    }
                }
            }
            List<String> left = base.environments().stream().map(Suite.EnvironmentEntry::name).filter(n -> !picked.contains(n)).toList();
            if (!left.isEmpty()) {
                notes.add("--env leaves out " + String.join(", ", left) + " of suite '" + base.name() + "'");
            }
        } else {
            // the suite's environments, or every known one, less those this host cannot run
            List<Suite.EnvironmentEntry> wanted = new ArrayList<>(base.environments());
            if (suite == null) {
                wanted.clear();
                for (Environment env : Environments.all()) {
                    wanted.add(new Suite.EnvironmentEntry(env.name(), base.environments().stream()
                            .filter(x -> x.name().equals(env.name())).findFirst().map(Suite.EnvironmentEntry::variants).orElse(List.of()),
                            "default environments"));
                }
            }
            for (Suite.EnvironmentEntry e : wanted) {
                Environment env = Environments.get(e.name(), e.where());
                Availability a = remote ? Availability.yes("on the hosts") : env.probe(host);
                if (a.available()) {
                    es.add(e);
                } else {
                    notes.add("skipping " + env.name() + ": " + a.detail() + (a.fix() == null ? "" : " (fix: " + a.fix() + ")"));
                }
            }
        }
        es = applyVariants(es, notes);
        Repetition r = base.repetition();
        int it = iterations != null ? iterations : r.iterations();
        int wu = warmup != null ? warmup : r.warmup();
        double tg = target != null ? target : r.target();
        // the suite's maximum follows a minimum raised past it (-n 10 on a suite with max 6)
        int max = maxIterations != null ? maxIterations : (r.adaptive() || target != null ? Math.max(r.maxIterations(), it) : 0);
        Repetition rep = new Repetition(wu, it, tg, max, budget != null ? budgetOf(budget) : r.budget());
        // a repetition flag is for every trial: it overrides what a workload's entry sets too
        ws.replaceAll(w -> w.repetition() == null ? w : w.withRepetition(w.repetition().with(warmup, iterations, target, maxIterations)));
        List<String> pass = new ArrayList<>(base.passEnv());
        passEnv.stream().map(String::trim).filter(n -> !pass.contains(n)).forEach(pass::add);
        ClientSpec cs = base.client();
        if (client != null && ClientSpec.isSsh(client)) {
            ClientSpec ssh = ClientSpec.ssh(client, "--client");
            cs = new ClientSpec(ClientSpec.Place.SSH, clientLink, this.ssh.sshKey == null ? ssh.host() : ssh.host().withKey(this.ssh.sshKey))
                    .validate("--client / --client-link");
        } else if (client != null || clientLink != null) {
            cs = cs.with(client == null ? null : ClientSpec.place(client, "--client"), clientLink).validate("--client / --client-link");
        }
        return new Suite(base.name(), base.description(), ws, es, rep, baseline != null ? baseline : base.baseline(),
                seed != null ? seed : base.seed(), pass, cs, hosts);
    }

    private static java.time.Duration budgetOf(String text) {
        try {
            long ms = io.isobench.core.ParamType.parseDurationMillis(text);
            if (ms <= 0) {
                throw new NumberFormatException("not positive");
            }
            return java.time.Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            throw new BadInputException("--budget " + text + ": write a positive duration, e.g. --budget 9m or --budget 540s");
        }
    }

    private void applyParams(List<Suite.WorkloadEntry> ws) {
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException("--param " + p + ": write NAME=VALUE or WORKLOAD.NAME=VALUE, e.g. -p stream.threads=2");
            }
            String key = p.substring(0, eq).trim();
            String value = p.substring(eq + 1).trim();
            String wname = null;
            String paramName = key;
            int dot = key.indexOf('.');
            if (dot > 0) {
                wname = key.substring(0, dot);
                paramName = key.substring(dot + 1);
                Workloads.get(wname, "--param " + p);
            }
            String pname = paramName;
            boolean applied = false;
            for (Suite.WorkloadEntry w : ws) {
                if (wname != null && !w.name().equals(wname)) {
                    continue;
                }
                boolean has = Workloads.get(w.name(), w.where()).params().stream().anyMatch(s -> s.name().equals(pname));
                if (has || wname != null) {
                    w.params().put(pname, value);
                    applied = true;
                }
            }
            if (!applied) {
                throw new BadInputException("--param " + p + ": no workload of this run has a parameter '" + pname
                        + "' (see: isobench list workloads)");
            }
        }
    }

    private List<Suite.EnvironmentEntry> applyVariants(List<Suite.EnvironmentEntry> es, List<String> notes) {
        Map<String, Map<String, Object>> byEnv = new LinkedHashMap<>();
        for (String v : variants) {
            int eq = v.indexOf('=');
            int dot = v.indexOf('.');
            if (eq <= 0 || dot <= 0 || dot > eq) {
                throw new BadInputException("--variant " + v + ": write ENV.SETTING=VALUE[,VALUE...], e.g. --variant docker.network=host,nat");
            }
            String env = v.substring(0, dot);
            Environments.get(env, "--variant " + v);
            List<Object> values = new ArrayList<>(List.of(v.substring(eq + 1).split(",")).stream().map(String::trim).toList());
            byEnv.computeIfAbsent(env, k -> new LinkedHashMap<>()).put(v.substring(dot + 1, eq), values);
            if (es.stream().noneMatch(e -> e.name().equals(env))) {
                throw new BadInputException("--variant " + v + ": environment '" + env + "' is not part of this run; add it with --env");
            }
        }
        List<Suite.EnvironmentEntry> out = new ArrayList<>();
        for (Suite.EnvironmentEntry e : es) {
            Map<String, Object> given = byEnv.get(e.name());
            if (given == null) {
                out.add(e);
            } else {
                if (e.variants() != null && !e.variants().isEmpty()) {
                    notes.add("--variant replaces the " + e.name() + " variants of " + e.where() + " (" + e.variants() + ") with " + given);
                }
                out.add(new Suite.EnvironmentEntry(e.name(), List.of(given), "--variant"));
            }
        }
        return out;
    }

    private static void printPlan(PrintWriter out, Plan plan) {
        out.println("plan: " + plan.trials().size() + " trials in " + plan.variants().size() + " variants; "
                + plan.plannedIterations() + " iterations" + (plan.adaptive()
                ? " (up to " + plan.maximumIterations() + " in adaptive mode"
                + (plan.suite().repetition().hasBudget() ? ", within a time budget of " + io.isobench.run.Progress.Lines.format(plan.suite().repetition().budget()) : "")
                + ")" : "")
                + "; measuring time about " + io.isobench.run.Progress.Lines.format(plan.estimate())
                + " plus environment start-up");
        out.println("baseline: " + (plan.baseline() == null ? "(none: no ratios)" : plan.baseline().label()));
        if (plan.trials().stream().anyMatch(t -> t.workload() instanceof io.isobench.workload.ServerWorkload)) {
            out.println("load of server workloads: " + plan.suite().client());
        }
        for (Trial t : plan.trials()) {
            out.println("  " + t.id() + "  " + t.label());
        }
    }
}
