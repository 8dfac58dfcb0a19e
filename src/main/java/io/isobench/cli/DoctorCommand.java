package io.isobench.cli;

import io.isobench.core.Bytes;
import io.isobench.env.Availability;
import io.isobench.env.Environment;
import io.isobench.env.Environments;
import io.isobench.env.Leftover;
import io.isobench.host.HostFacts;
import io.isobench.result.RunLock;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code isobench doctor}: what this host can run and what is missing, with the command that
 * installs it. Exits 0 when the baseline can run, whatever else is missing.
 */
@Command(name = "doctor", description = {"Show what this host can run, what is missing and the command that fixes it,",
        "and anything runs left behind (containers, volumes, folders, VMs, devices, agent processes of a run)."})
final class DoctorCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Option(names = "--clean", description = "remove what runs that are not running left behind (a run in progress keeps its own)")
    boolean clean;

    @picocli.CommandLine.Option(names = "--run", paramLabel = "RUN_ID", split = ",",
            description = "only what these runs left (repeatable); default: every run")
    List<String> runs;

    @picocli.CommandLine.Mixin
    SshOptions ssh = new SshOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!ssh.hostSpecs.isEmpty()) {
            ssh.apply();
            return HostsCommand.doctor(out, HostsCommand.hosts(ssh, null), ssh.knownHosts, clean, runs);
        }
        HostFacts h = HostFacts.read();
        out.printf("host: %s, %s, kernel %s%n", h.hostname(), h.os(), h.kernel());
        out.printf("cpu:  %s, %d CPUs, last-level cache %d KiB; memory %d MiB%n", h.cpuModel(), h.cpus(), h.lastLevelCache() / 1024,
                h.memoryBytes() >> 20);
        out.printf("jvm:  %s%n%n", h.jvm());
        boolean nativeOk = true;
        for (Environment e : Environments.all()) {
            Availability a = e.probe(h);
            out.printf("%-8s %s  %s%n", e.name(), a.available() ? "ok     " : "MISSING", a.detail());
            if (!a.available() && a.fix() != null) {
                out.printf("%-8s fix:     %s%n", "", a.fix());
            }
            if (e.name().equals("native")) {
                nativeOk = a.available();
            }
        }
        for (String tool : new String[] {"taskset"}) {
            boolean found = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin", tool));
            out.printf("%-8s %s  %s%n", tool, found ? "ok     " : "MISSING", found ? "CPU pinning (native pin=...)" : "needed for CPU pinning; fix: apt-get install util-linux");
        }
        String netns = io.isobench.client.NetnsClient.unavailableReason();
        out.printf("%-8s %s  %s%n", "client", netns == null ? "ok     " : "local  ", netns == null
                ? "server workloads' load from a network namespace behind a veth (client=netns)"
                : "server workloads' load from the host's own stack (client=local): " + netns);
        leftovers(out);
        return nativeOk ? 0 : 1;
    }

    /** Removal order: what holds others first (processes hold devices and folders, containers hold volumes). */
    private static final List<String> ORDER = List.of("process", "container", "namespace", "device", "volume", "folder");

    /**
     * Everything runs left behind, one list grouped by run: each run told live or not by its lock
     * ({@link RunLock}), never by guessing. {@code --clean} removes what runs that are not running left.
     */
    private void leftovers(PrintWriter out) {
        List<Leftover> found = new ArrayList<>();
        List<Leftover> all = new ArrayList<>(io.isobench.client.NetnsClient.leftovers());
        for (Environment e : Environments.all()) {
            all.addAll(e.leftovers());
        }
        all.stream().filter(l -> runs == null || runs.contains(l.runId())).forEach(found::add);
        out.println();
        if (found.isEmpty()) {
            out.println("leftovers: none (no container, volume, folder, VM, device or agent process of an isobench run)");
            return;
        }
        Map<String, List<Leftover>> byRun = new TreeMap<>();
        found.forEach(l -> byRun.computeIfAbsent(l.runId(), k -> new ArrayList<>()).add(l));
        long total = found.stream().mapToLong(l -> Math.max(0, l.bytes())).sum();
        out.println("leftovers: " + found.size() + " thing(s) of " + byRun.size() + " run(s)" + (total > 0 ? ", " + Bytes.human(total) + " on disk" : "") + ":");
        List<Leftover> removable = new ArrayList<>();
        byRun.forEach((run, list) -> {
            boolean live = !run.equals("?") && RunLock.live(run);
            out.println("  run " + run + (live ? " (in progress: kept)" : run.equals("?") ? " (run unknown: kept)" : " (not running)"));
            list.stream().sorted(Comparator.comparingInt(l -> ORDER.indexOf(l.kind()))).forEach(l -> out.println("    " + l));
            if (!live && !run.equals("?")) {
                removable.addAll(list);
            }
        });
        if (!clean) {
            if (!removable.isEmpty()) {
                out.println("remove those of runs not running with: isobench doctor --clean");
            }
            return;
        }
        int removed = 0;
        removable.sort(Comparator.comparingInt(l -> ORDER.indexOf(l.kind())));
        for (Leftover l : removable) {
            try {
                l.remove().run();
                removed++;
            } catch (Exception e) {
                out.println("  could not remove " + l + ": " + e.getMessage());
            } 
        }
        out.println("removed " + removed + " of " + removable.size() + (removable.size() < found.size()
                ? "; kept " + (found.size() - removable.size()) + " of runs in progress or unknown" : ""));
    }
}
