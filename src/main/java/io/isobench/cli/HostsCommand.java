package io.isobench.cli;

import io.isobench.BadInputException;
import io.isobench.remote.RemoteIsobench;
import io.isobench.remote.SshHost;
import io.isobench.remote.SshSession;
import io.isobench.suite.SuiteLoader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = "--host", paramLabel = "USER@ADDRESS[:PORT]", description = "a host (repeatable)")
    List<String> hostSpecs = new ArrayList<>();

    @Option(names = {"-s", "--suite"}, paramLabel = "NAME|FILE", description = "the hosts of this suite's hosts: list")
    String suite;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "the private key for --host (default: ~/.ssh/id_ecdsa, id_rsa, id_ed25519)")
    Path sshKey;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "check the hosts' keys against this file (default: ~/.ssh/known_hosts)")
    Path knownHosts;

    @Option(names = "--clean", description = "doctor: also remove what runs left behind there")
    boolean clean;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<SshHost> hosts = hosts(hostSpecs, sshKey, suite);
        switch (action) {
            case "list" -> {
                for (SshHost h : hosts) {
                    out.println(h.name() + "  " + h.target() + "  key " + (h.keyFile() == null ? "~/.ssh default" : h.keyFile())
                            + "  (" + h.where() + ")");
                }
                return 0;
            }
            case "doctor" -> {
                return doctor(out, hosts, knownHosts, clean);
            }
            case "setup" -> {
                return setup(out, hosts);
            }
            default -> throw new BadInputException("hosts " + action + ": write hosts list, hosts doctor or hosts setup");
        }
    }

    static List<SshHost> hosts(List<String> specs, Path key, String suite) {
        List<SshHost> hosts = new ArrayList<>();
        for (String h : specs) {
            SshHost parsed = SshHost.parse(h, "--host " + h);
            hosts.add(key == null ? parsed : parsed.withKey(key));
        }
        if (hosts.isEmpty() && suite != null) {
            hosts.addAll(SuiteLoader.load(suite).hosts());
        }
        if (hosts.isEmpty()) {
            throw new BadInputException("no hosts: name them with --host user@address[:port] (repeatable) or --suite FILE with a hosts: list");
        }
        return hosts;
    }

    /** Brings isobench to each host and runs its doctor there; exits 0 when every host can run its baseline. */
    static int doctor(PrintWriter out, List<SshHost> hosts, Path knownHosts, boolean clean) {
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

    private int setup(PrintWriter out, List<SshHost> hosts) throws Exception {
        int worst = 0;
        for (SshHost h : hosts) {
            out.println("== host " + h + ": running isobench's setup script there (it installs packages) ==");
            out.flush();
            try (SshSession s = SshSession.open(h, knownHosts, SshSession.CONNECT_TIMEOUT);
                 InputStream script = HostsCommand.class.getResourceAsStream("/io/isobench/setup-host.sh")) {
                if (script == null) {
                    throw new IllegalStateException("the setup script is not in this jar: rebuild it with mvn package");
                }
                SshSession.Result r = s.exec(List.of("bash", "-s", "--", "--remote"), script, Duration.ofMinutes(60));
                out.print(r.stdout());
                out.print(r.stderr());
                out.println("setup on " + h + ": exit " + r.exit());
                worst = Math.max(worst, r.exit() == 0 ? 0 : 1);
            } catch (Exception e) {
                out.println("isobench: " + h + ": " + e.getMessage());
                worst = 1;
            }
        }
        return worst;
    }
}
