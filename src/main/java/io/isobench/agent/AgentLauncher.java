package io.isobench.agent;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start the agent: which JRE and which classpath (the isobench jar, or the classes folder
 * when running from a build), and the process environment it starts with. The same bits run
 * everywhere: environments that cannot see the host's files copy {@link #jar()} and use their own
 * JRE from the guest image; every environment gives the agent exactly {@link #environment()}.
 */
public record AgentLauncher(Path javaHome, String classpath, AgentEnvironment environment, String runId) {

    public static final String MAIN = "io.isobench.cli.Main";

    /** The JRE and classpath of this very process, with the base environment. */
    public static AgentLauncher current() {
        return new AgentLauncher(Path.of(System.getProperty("java.home")), System.getProperty("java.class.path"),
                AgentEnvironment.base(), null);
    }

    /** The same JRE and classpath with another agent environment (a run's, with what it passes through). */
    public AgentLauncher with(AgentEnvironment env) {
        return new AgentLauncher(javaHome, classpath, env, runId);
    }

    /**
     * The same launcher for a run: the agents it starts on this host carry the run id on their
     * command line ({@value #RUN_PROPERTY}), so {@code doctor} can tell whose an agent process is.
     */
    public AgentLauncher forRun(String id) {
        return new AgentLauncher(javaHome, classpath, environment, id);
    }

    /** The system property naming the run an agent process belongs to. */
    public static final String RUN_PROPERTY = "isobench.run";

    public Path java() {
        return javaHome.resolve("bin").resolve("java");
    }

    /**
     * The isobench jar, for environments that copy it in. When running from a classes folder
     * (tests), this is the jar built next to it.
     */
    public Path jar() {
        for (String entry : classpath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && p.getFileName().toString().startsWith("isobench")) {
                return p.toAbsolutePath();
            }
        }
        try {
            Path code = Path.of(AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(code)) {
                return code;
            }
            Path built = code.getParent().resolve("isobench.jar");
            if (Files.isRegularFile(built)) {
                return built;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the message below
        }
        throw new IllegalStateException("no isobench jar to copy into the environment: build it with 'mvn -DskipTests package'");
    }

    /** The command line that starts the agent on this host. */
    public List<String> command(List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java().toString());
        cmd.addAll(jvmOptions);
        if (runId != null) {
            cmd.add("-D" + RUN_PROPERTY + "=" + runId);
        }
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(MAIN);
        cmd.add("agent");
        return cmd;
    }

    /**
     * JVM options the agent uses everywhere: a heap sized from the memory the environment gives
     * (the JVM reads cgroup limits), and no stray output on stdout.
     */
    public static List<String> defaultJvmOptions() {
        // DisplayVMOutputToStderr: a JVM crash report must not land on stdout, the protocol channel.
        // enable-native-access: linpack (OpenBLAS thread count) and compress (liblzma) call native code
        // through java.lang.foreign, which warns now and will refuse in a later Java without it.
        return List.of("-XX:MaxRAMPercentage=75", "-XX:+UseParallelGC", "-Xss4m", "-Djava.awt.headless=true",
                "-XX:+DisplayVMOutputToStderr", "--enable-native-access=ALL-UNNAMED");
    }
}
