package io.isobench.cli;

import io.isobench.env.Availability;
import io.isobench.env.Environment;
import io.isobench.env.Environments;
import io.isobench.host.HostFacts;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code isobench doctor}: what this host can run and what is missing, with the command that
 * installs it. Exits 0 when the baseline can run, whatever else is missing.
 */
@Command(name = "doctor", description = "Show what this host can run, what is missing and the command that fixes it.")
final class DoctorCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

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
        return nativeOk ? 0 : 1;
    }
}
