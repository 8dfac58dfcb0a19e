package io.isobench.cli;

import io.isobench.env.Availability;
import io.isobench.env.Environment;
import io.isobench.env.Environments;
import io.isobench.env.docker.DockerEngine;
import io.isobench.env.docker.DockerLeftovers;
import io.isobench.host.HostFacts;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code isobench doctor}: what this host can run and what is missing, with the command that
 * installs it. Exits 0 when the baseline can run, whatever else is missing.
 */
@Command(name = "doctor", description = {"Show what this host can run, what is missing and the command that fixes it,",
        "and anything runs left behind (containers, volumes, folders labelled with a run id)."})
final class DoctorCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Option(names = "--clean", description = "remove what runs left behind (not while a run is in progress: it removes that run's containers too)")
    boolean clean;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
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
        dockerLeftovers(out);
        io.isobench.client.NetnsClient.leftovers().forEach(l -> out.println("client namespace left (of a run still going, or of a "
                + "killed one: then remove it with ip netns del " + l + "; ip link del its isb- veth): " + l));
        return nativeOk ? 0 : 1;
    }

    /** Containers, volumes and bind folders labelled with a run id: listed, and removed with --clean. */
    private void dockerLeftovers(PrintWriter out) {
        try (DockerEngine engine = DockerEngine.connect(java.time.Duration.ofSeconds(5))) {
            DockerLeftovers finder = new DockerLeftovers(engine);
            List<DockerLeftovers.Leftover> found = finder.find(null);
            out.println();
            if (found.isEmpty()) {
                out.println("leftovers: none (no container, volume or folder labelled " + DockerEngine.RUN_LABEL + ")");
                return;
            }
            out.println("leftovers: " + found.size() + " thing(s) labelled " + DockerEngine.RUN_LABEL + " that a run did not remove:");
            found.forEach(l -> out.println("  " + l));
            if (!clean) {
                out.println("remove them with: isobench doctor --clean");
                return;
            }
            List<String> failures = finder.remove(found);
            failures.forEach(f -> out.println("  could not remove " + f));
            out.println("removed " + (found.size() - failures.size()) + " of " + found.size());
        } catch (RuntimeException e) {
            // no engine: nothing of docker's can be left over that we could see
        }
    }
}
