package io.isobench.cli;

import io.isobench.BadInputException;
import io.isobench.env.Environment;
import io.isobench.env.Environments;
import io.isobench.host.HostFacts;
import io.isobench.suite.Suite;
import io.isobench.suite.SuiteLoader;
import io.isobench.core.ParamSpec;
import io.isobench.workload.ServerWorkload;
import io.isobench.workload.Workload;
import io.isobench.workload.Workloads;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code isobench list workloads|environments|suites}: what can be run, with parameters and defaults for this host. */
@Command(name = "list", description = "List workloads (with parameters and this host's defaults), environments (with settings) or suites.")
final class ListCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "WHAT", description = "workloads, environments or suites (default: all three)")
    String what;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        HostFacts host = HostFacts.read();
        String w = what == null ? "all" : what;
        switch (w) {
            case "all" -> {
                workloads(out, host);
                environments(out);
                suites(out);
            }
            case "workloads", "workload" -> workloads(out, host);
            case "environments", "environment", "envs", "env" -> environments(out);
            case "suites", "suite" -> suites(out);
            default -> throw new BadInputException("list " + w + ": say workloads, environments or suites");
        }
        return 0;
    }

    private static void workloads(PrintWriter out, HostFacts host) {
        out.println("Workloads (parameters: type, default on this host, range):");
        for (Workload wl : Workloads.all()) {
            out.println();
            out.println("  " + wl.name() + (wl instanceof ServerWorkload ? "  [server inside, load from the host]" : "") + " - " + wl.description());
            params(out, wl.params(), host);
        }
        out.println();
    }

    private static void params(PrintWriter out, List<ParamSpec> specs, HostFacts host) {
        for (ParamSpec p : specs) {
            Object def = p.defaultFor(host);
            StringBuilder sb = new StringBuilder("      ").append(p.name()).append(" (").append(p.type().name().toLowerCase());
            if (p.list()) {
                sb.append(" list");
            }
            sb.append(")");
            if (def != null) {
                sb.append(" = ").append(def);
                if (p.defaultDescription() != null && !p.defaultDescription().equals(String.valueOf(def))) {
                    sb.append(" (").append(p.defaultDescription()).append(")");
                }
            }
            if (!p.choices().isEmpty()) {
                sb.append(" one of ").append(String.join("|", p.choices()));
            }
            if (p.min() != null || p.max() != null) {
                sb.append(" range ").append(p.min() == null ? "" : fmt(p.min())).append("..").append(p.max() == null ? "" : fmt(p.max()));
            }
            if (!p.unit().isEmpty()) {
                sb.append(" [").append(p.unit()).append("]");
            }
            out.println(sb);
            out.println("          " + p.description());
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static void environments(PrintWriter out) {
        out.println("Environments (settings make variants: --variant ENV.SETTING=V1,V2):");
        for (Environment e : Environments.all()) {
            out.println();
            out.println("  " + e.name() + " - " + e.description());
            out.println("      default variants: " + e.defaultVariants());
            params(out, e.settings(), null);
        }
        out.println();
    }

    private static void suites(PrintWriter out) {
        out.println("Suites (isobench run --suite NAME, or a YAML file of the same shape):");
        for (String name : SuiteLoader.BUILT_IN) {
            Suite s = SuiteLoader.load(name);
            out.println();
            out.println("  " + name + " - " + s.description());
            out.println("      workloads: " + String.join(", ", s.workloads().stream().map(x -> x.name() + (x.params().isEmpty() ? "" : x.params().toString())).toList()));
            out.println("      environments: " + String.join(", ", s.environments().stream().map(x -> x.name() + (x.variants().isEmpty() ? "" : x.variants().toString())).toList()));
            out.println("      repetition: " + s.repetition().warmup() + " warm-up + " + s.repetition().iterations() + " iterations"
                    + (s.repetition().adaptive() ? ", adaptive to " + s.repetition().target() + " up to " + s.repetition().maxIterations() : "")
                    + (s.repetition().hasBudget() ? ", within a time budget of " + io.isobench.run.Progress.Lines.format(s.repetition().budget()) : "")
                    + (s.workloads().stream().anyMatch(w -> w.repetition() != null) ? " (some workloads have their own)" : ""));
        }
        out.println();
    }
}
