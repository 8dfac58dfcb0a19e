package io.isobench.cli;

import io.isobench.BadInputException;
import io.isobench.remote.RemoteIsobench;
import io.isobench.remote.SshHost;
import io.isobench.remote.SshSession;
import io.isobench.suite.SuiteLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code isobench hosts [list|doctor|setup]}: the machines a fleet runs on. {@code doctor} brings
 * isobench there (its jar and JRE, into the host's cache folder, by content hash) and runs
 * {@code isobench doctor} there: what the host can run, what is missing, what runs left behind.
 * {@code setup} runs isobench's setup script there (it installs packages: only when asked).
 */
@Command(name = "hosts", sortOptions = false, description = {
        "The machines a fleet runs on over SSH (--host, or a suite's hosts: list).",
        "  list    the hosts, as isobench reads them",
        "  doctor  copy isobench and its JRE there (once per version, checked by hash) and run isobench doctor there",
        "  setup   run isobench's host setup script there (installs Docker, QEMU, the servers: only when asked)"})
final class HostsCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", defaultValue = "list", description = "list, doctor or setup (default: list)")
    String action;

    @Mixin
    SshOptions ssh = new SshOptions();

    @Option(names = {"-s", "--suite"}, paramLabel = "NAME|FILE", description = "the hosts of this suite's hosts: list")
    String suite;

    @Option(names = "--clean", description = "doctor: also remove what runs left behind there")
    boolean clean;

    @Option(names = "--run", paramLabel = "RUN_ID", split = ",", description = "doctor: only what these runs left there")
    List<String> runs;

    @Option(names = "--script", paramLabel = "FILE", description = "setup: run this script there instead of isobench's own (scripts/setup-host.sh)")
    Path script;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ssh.apply();
        List<SshHost> hosts = hosts(ssh, suite);
        switch (action) {
            case "list" -> {
                for (SshHost h : hosts) {
                    out.println(h.name() + "  " + h.target() + "  key " + (h.keyFile() == null ? "~/.ssh default" : h.keyFile())
                            + "  (" + h.where() + ")");
                }
                return 0;
            }
            case "doctor" -> {
                return doctor(out, hosts, ssh.knownHosts, clean, runs);
            }
            case "setup" -> {
                return setup(out, hosts);
            }
            default -> throw new BadInputException("hosts " + action + ": write hosts list, hosts doctor or hosts setup");
        }
    }

    static List<SshHost> hosts(SshOptions ssh, String suite) {
        List<SshHost> hosts = new ArrayList<>(ssh.hosts());
        if (hosts.isEmpty() && suite != null) {
            hosts.addAll(SuiteLoader.load(suite).hosts());
        }
        if (hosts.isEmpty()) {
            throw new BadInputException("no hosts: name them with --host user@address[:port] (repeatable) or --suite FILE with a hosts: list");
        }
        return hosts;
    }

    /** Brings isobench to each host and runs its doctor there; exits 0 when every host can run its baseline. */
    static int doctor(PrintWriter out, List<SshHost> hosts, Path knownHosts, boolean clean, List<String> runs) {
        int worst = 0;
        for (SshHost h : hosts) {
            out.println("== host " + h + " ==");
            out.flush();
            try (SshSession s = SshSession.open(h, knownHosts, SshSession.CONNECT_TIMEOUT)) {
                RemoteIsobench ri = RemoteIsobench.ensure(s);
                out.println("isobench: " + (ri.copied() ? "copied its jar and JRE to " : "its jar and JRE are there (checked by hash): ")
                        + ri.dir());
                List<String> args = new ArrayList<>(List.of("doctor"));
                if (clean) {
                    args.add("--clean");
                }
                if (runs != null && !runs.isEmpty()) {
                    args.add("--run");
                    args.add(String.join(",", runs));
                }
                SshSession.Result r = ri.run(args, Duration.ofMinutes(5));
                out.print(r.stdout());
                if (!r.stderr().isBlank()) {
                    out.print(r.stderr());
                }
                worst = Math.max(worst, r.exit());
            } catch (Exception e) {
                out.println("isobench: " + h + ": " + e.getMessage());
                worst = Math.max(worst, 1);
            }
            out.println();
        }
        out.flush();
        return worst;
    }

    /**
     * Runs the setup script on each host, as root there. The script is copied to a file of its own
     * there ({@code mktemp}) and run by its path with nothing on its standard input, then removed:
     * fed through {@code bash -s} instead, the script would be bash's standard input, and anything in
     * it that reads standard input (apt-get, dpkg's and debconf's questions, an installer piped to
     * sh) would swallow the rest of the script; and {@code $0}, which the script names in its help and
     * its messages, would be "bash". Its output is shown line by line as it comes.
     */
    private int setup(PrintWriter out, List<SshHost> hosts) throws Exception {
        byte[] body = scriptBytes();
        String label = script == null ? "isobench's setup script" : "setup script " + script;
        int worst = 0;
        for (SshHost h : hosts) {
            out.println("== host " + h + ": running " + label + " there (it installs packages) ==");
            out.flush();
            try (SshSession s = SshSession.open(h, ssh.knownHosts, SshSession.CONNECT_TIMEOUT)) {
                String path = s.check(List.of("sh", "-c", "umask 077; mktemp \"${TMPDIR:-/tmp}/isobench-setup.XXXXXX\""),
                        Duration.ofSeconds(30)).strip();
                try {
                    SshSession.Result up = s.exec(List.of("sh", "-c", "cat > \"$1\" && chmod 700 \"$1\"", "sh", path),
                            new ByteArrayInputStream(body), Duration.ofMinutes(1));
                    if (!up.ok()) {
                        throw new IOException("cannot copy the script to " + path + " there: " + up.stderr().strip());
                    }
                    int exit;
                    try (SshSession.Running r = s.start(List.of("bash", path, "--remote"), line -> say(out, line), line -> say(out, line))) {
                        r.stdin().close();
                        Integer code = r.waitFor(SETUP_TIMEOUT);
                        if (code == null) {
                            throw new IOException(label + " did not finish within " + SETUP_TIMEOUT.toMinutes() + " minutes");
                        }
                        exit = code;
                    }
                    out.println("setup on " + h + ": exit " + exit);
                    worst = Math.max(worst, exit == 0 ? 0 : 1);
                } finally {
                    s.exec(List.of("rm", "-f", path), null, Duration.ofSeconds(30));
                }
            } catch (Exception e) {
                out.println("isobench: " + h + ": " + e.getMessage());
                worst = 1;
            }
            out.flush();
        }
        return worst;
    }

    /** How long a setup may take on one host: package downloads over a slow link. */
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(60);

    private static void say(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private byte[] scriptBytes() throws IOException {
        if (script != null) {
            if (!Files.isReadable(script)) {
                throw new BadInputException("--script " + script + ": cannot be read");
            }
            return Files.readAllBytes(script);
        }
        try (InputStream in = HostsCommand.class.getResourceAsStream("/io/isobench/setup-host.sh")) {
            if (in == null) {
                throw new IllegalStateException("the setup script is not in this jar: rebuild it with mvn package");
            }
            return in.readAllBytes();
        }
    }
}
