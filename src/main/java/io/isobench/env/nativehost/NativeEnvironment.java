package io.isobench.env.nativehost;

import io.isobench.BadInputException;
import io.isobench.agent.AgentClient;
import io.isobench.agent.AgentException;
import io.isobench.agent.CrashReport;
import io.isobench.agent.Protocol;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.Availability;
import io.isobench.core.Ports;
import io.isobench.core.ChildProcess;
import io.isobench.env.Cleanup;
import io.isobench.env.Environment;
import io.isobench.env.EnvironmentInstance;
import io.isobench.core.Files2;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.core.Endpoint;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: the agent as a child process of isobench on the host, on the same JRE, optionally
 * pinned to a set of CPUs with taskset. Its storage is a folder on the host's disk.
 */
public final class NativeEnvironment implements Environment {

    static final ParamKey<String> PIN = ParamKey.text("pin", "CPUs to pin the agent to with taskset, e.g. 0-1 or 0,2; 'none' for no "
            + "pinning").defaultValue("none").build();
    static final ParamKey<String> DIR = ParamKey.text("dir", "folder on the storage under test where workloads keep their files")
            .defaultValue("/var/tmp").build();

    @Override
    public String name() {
        return "native";
    }

    @Override
    public String description() {
        return "the host itself: the agent as a child process on the same JRE (the baseline)";
    }

    @Override
    public List<ParamSpec> settings() {
        return ParamKey.specs(PIN, DIR);
    }

    @Override
    public List<Map<String, String>> defaultVariants() {
        return List.of(Map.of());
    }

    @Override
    public Map<String, String> shapedFacts(Map<String, String> settings) {
        String pin = PIN.from(settings, "native setting");
        return pin.equals("none") ? Map.of() : Map.of(io.isobench.core.IdentityFact.CPUS, "pinned to CPUs " + pin);
    }

    @Override
    public List<io.isobench.env.Leftover> leftovers() {
        // data folders in the default place (a run with dir=... elsewhere is found by its agent process only)
        List<io.isobench.env.Leftover> out = new ArrayList<>(io.isobench.env.HostLeftovers.folders(Path.of("/var/tmp"), "native.*"));
        out.addAll(io.isobench.env.HostLeftovers.agentProcesses());
        return out;
    }

    @Override
    public Availability probe(HostFacts host) {
        return Availability.yes("JRE " + Runtime.version() + ", " + host.cpus() + " CPUs");
    }

    @Override
    public void validate(Variant variant) {
        String pin = variant.get(PIN);
        if (!pin.equals("none") && !pin.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")) {
            throw new BadInputException("native setting pin='" + pin + "' is not a CPU list: write e.g. pin=0-1 or pin=0,2");
        }
        if (!pin.equals("none")) {
            int n = Runtime.getRuntime().availableProcessors();
            for (String part : pin.split("[,-]")) {
                if (Integer.parseInt(part) >= n) {
                    throw new BadInputException("native setting pin='" + pin + "' names CPU " + part
                            + " but this host has CPUs 0-" + (n - 1));
                }
            }
        }
    }

    @Override
    public EnvironmentInstance start(Variant variant, StartContext ctx) throws Exception {
        Path base = Path.of(variant.get(DIR));
        Path dataDir = base.resolve("isobench-" + ctx.runId() + "-" + variant.slug());
        Cleanup.Handle dataCleanup = ctx.cleanup().register("folder " + dataDir, () -> Files2.deleteRecursively(dataDir));
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            dataCleanup.close();
            throw new BadInputException("native setting dir='" + base + "' is not writable (" + e.getMessage()
                    + "): choose a writable folder, e.g. dir=/var/tmp");
        }
        List<String> cmd = new ArrayList<>();
        String pin = variant.get(PIN);
        if (!pin.equals("none")) {
            cmd.addAll(List.of("taskset", "-c", pin));
        }
        Path log = ctx.logDir().resolve("agent-" + variant.slug() + ".log");
        // a JVM crash report goes with the run's logs, not into whatever folder isobench was started from
        String crashGlob = "agent-" + variant.slug() + "-hs_err_pid*.log";
        List<String> jvm = new ArrayList<>(AgentLauncher.defaultJvmOptions());
        jvm.add("-XX:ErrorFile=" + ctx.logDir().toAbsolutePath().resolve(crashGlob.replace("*", "%p")));
        cmd.addAll(ctx.agent().command(jvm));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the agent's environment is isobench's choice, the same in every environment: never the invoking shell's
        pb.environment().clear();
        pb.environment().putAll(ctx.agent().environment().variables());
        Cleanup.Created<Process> started = ctx.cleanup().create("agent process of " + variant.label(), () -> ChildProcess.start(pb),
                NativeEnvironment::stop);
        Process p = started.value();
        Cleanup.Handle procCleanup = started.handle();
        Path crashReport = ctx.logDir().resolve(crashGlob.replace("*", Long.toString(p.pid())));
        AgentClient agent = new AgentClient("agent in " + variant.label(), p.getInputStream(), p.getOutputStream(),
                () -> "agent exit: " + (p.isAlive() ? "still running" : String.valueOf(p.exitValue()))
                        + "; stderr tail (" + log + "):\n" + Files2.tail(log, 2000),
                () -> death(p, log, crashReport));
        try {
            Map<String, Object> inside = agent.call(new Protocol.Hello(dataDir.toString()), ctx.bootTimeout()).facts();
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("pid", p.pid());
            facts.put("command", String.join(" ", cmd));
            facts.put("pinned_cpus", pin);
            facts.put("data_dir", dataDir.toString());
            facts.putAll(io.isobench.env.DirectIoPath.facts(true, "the program's O_DIRECT requests go to the host's own file system"
                    + " of the data folder"));
            return new Instance(variant, p, agent, inside, facts, Ports.freeTcpAndUdp(2, null, List.of()), procCleanup, dataCleanup);
        } catch (Exception e) {
            agent.close();
            procCleanup.close();
            dataCleanup.close();
            throw e;
        }
    }

    /** Null while the agent's process runs; else how it ended: its exit status and, after a JVM crash, the report's summary. */
    static AgentException.Death death(Process p, Path log, Path crashReport) {
        if (p.isAlive()) {
            return null;
        }
        String cause = "the agent process " + AgentException.Death.exitStatus(p.exitValue());
        if (Files.isRegularFile(crashReport)) {
            String crash = CrashReport.describe(crashReport);
            return new AgentException.Death(cause + (crash == null ? "" : "; " + crash), crashReport.toString());
        }
        return new AgentException.Death(cause, log.toString());
    }

    private static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private record Instance(Variant variant, Process process, AgentClient agent, Map<String, Object> insideFacts,
                            Map<String, Object> facts, List<Integer> serverPorts, Cleanup.Handle procCleanup,
                            Cleanup.Handle dataCleanup) implements EnvironmentInstance {

        Instance {
            // facts are built once, in start(), and read only from here on
            insideFacts = java.util.Collections.unmodifiableMap(insideFacts);
            facts = java.util.Collections.unmodifiableMap(facts);
        }

        @Override
        public Endpoint endpoint(int insidePort, Transport transport) {
            return new Endpoint("127.0.0.1", insidePort, "loopback");
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public long hostMemoryBytes() {
            // taskset execs the JVM, so the child's pid is the agent's
            return io.isobench.host.HostFacts.SysFiles.residentBytes(process.pid());
        }

        @Override
        public void close() {
            if (process.isAlive() && !agent.broken()) {
                try {
                    agent.call(new Protocol.Shutdown(), Duration.ofSeconds(5));
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // it is stopped by force below
                } 
            }
            agent.close();
            procCleanup.close();
            dataCleanup.close();
        }
    }
}
