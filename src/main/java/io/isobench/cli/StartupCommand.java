package io.isobench.cli;

import io.isobench.BadInputException;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.Availability;
import io.isobench.env.Cleanup;
import io.isobench.env.Environment;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.Environments;
import io.isobench.core.Files2;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.report.TextTable;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code isobench probe-start} (hidden, diagnostic): how long an environment variant takes from
 * "start" to an agent that answers its hello, and to tear down again, over N repetitions. Images
 * are built by an untimed warm-up start first. {@code bench/startup.sh} drives it per environment.
 */
@Command(name = "probe-start", hidden = true,
        description = "Time starting an environment variant until its agent answers, and closing it, N times.")
final class StartupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-e", "--env"}, required = true, paramLabel = "NAME", description = "the environment: native, docker, ...")
    String env;

    @Option(names = {"-s", "--set"}, paramLabel = "SETTING=VALUE", split = ",",
            description = "a setting of the variant, e.g. --set network=host,runtime=runc (default: the environment's defaults)")
    List<String> settings = new ArrayList<>();

    @Option(names = {"-n", "--repetitions"}, paramLabel = "N", defaultValue = "5", description = "timed starts (default: ${DEFAULT-VALUE})")
    int repetitions;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
            description = "untimed starts first: build images, warm caches (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--tsv", description = "print one machine-readable line: variant, n, start median/min/max ms, stop median ms")
    boolean tsv;

    @Option(names = "--boot-timeout", paramLabel = "SECONDS", defaultValue = "180", description = "how long one start may take")
    int bootTimeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (repetitions < 1 || repetitions > 1000) {
            throw new BadInputException("probe-start -n " + repetitions + " is out of range: allowed 1 to 1000");
        }
        if (warmup < 0 || warmup > 100) {
            throw new BadInputException("probe-start --warmup " + warmup + " is out of range: allowed 0 to 100");
        }
        Environment e = Environments.get(env, "--env");
        HostFacts host = HostFacts.read();
        Availability a = e.probe(host);
        if (!a.available()) {
            throw new BadInputException("--env " + e.name() + ": this host cannot run it: " + a.detail() + (a.fix() == null ? "" : "; fix: " + a.fix()));
        }
        Map<String, String> given = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException("--set " + s + ": write SETTING=VALUE, e.g. --set network=host");
            }
            given.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        Variant v = Variant.resolve(e, given, "--set");
        Path logs = Files.createTempDirectory("isobench-probe-start-");
        List<Double> starts = new ArrayList<>();
        List<Double> stops = new ArrayList<>();
        try {
            for (int i = 0; i < warmup + repetitions; i++) {
                double[] t = once(e, v, host, logs, i);
                if (i >= warmup) {
                    starts.add(t[0]);
                    stops.add(t[1]);
                    if (!tsv) {
                        out.printf(Locale.ROOT, "%s #%d: start %.0f ms, stop %.0f ms%n", v.label(), i - warmup + 1, t[0], t[1]);
                        out.flush();
                    }
                }
            }
        } finally {
            Files2.deleteRecursively(logs);
        }
        if (tsv) {
            out.printf(Locale.ROOT, "%s\t%d\t%.0f\t%.0f\t%.0f\t%.0f%n", v.label(), starts.size(), median(starts), min(starts), max(starts), median(stops));
        } else {
            TextTable t = new TextTable(List.of("variant", "n", "start median ms", "min", "max", "stop median ms"), false, true, true, true, true, true);
            t.add(List.of(v.label(), String.valueOf(starts.size()), fmt(median(starts)), fmt(min(starts)), fmt(max(starts)), fmt(median(stops))));
            out.print(t.render());
        }
        out.flush();
        return 0;
    }

    /** One start (until the agent answered its hello) and close; returns both times in ms. */
    private double[] once(Environment e, Variant v, HostFacts host, Path logs, int i) throws Exception {
        String runId = "probe-start-" + ProcessHandle.current().pid() + "-" + i;
        try (Cleanup cleanup = new Cleanup()) {
            long t0 = System.nanoTime();
            EnvironmentInstance inst = e.start(v, new StartContext(runId, logs, AgentLauncher.current(), cleanup, host,
                    Duration.ofSeconds(bootTimeout)));
            long t1 = System.nanoTime();
            inst.close();
            long t2 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6};
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.0f", d);
    }
}
