package io.isobench.cli;

import io.isobench.BadInputException;
import io.isobench.report.RunComparison;
import io.isobench.result.RunDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code isobench compare RUN_A RUN_B}: the same figures of two runs side by side, the change
 * B/A with its CI, improvements and regressions flagged only where significant. For CI pipelines:
 * exits {@value #REGRESSION} when a figure regressed by more than {@code --threshold} with 95%
 * confidence: its whole CI lies beyond the threshold (a point estimate past it is not enough).
 */
@Command(name = "compare", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Compare two runs figure by figure: the change from A to B with its 95%% CI;",
                "improvements and regressions are flagged only where that CI excludes no change",
                "(t-test of the log ratio of means, p < 0.05).",
                "Exit code 4 when a figure regressed beyond --threshold: its whole 95%% CI worse than the threshold."})
final class CompareCommand implements Callable<Integer> {

    /** The exit code for a significant regression beyond the threshold. */
    static final int REGRESSION = 4;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_A", description = "the reference run folder (before)")
    Path runA;

    @Parameters(index = "1", paramLabel = "RUN_B", description = "the run folder to judge (after)")
    Path runB;

    @Option(names = "--threshold", paramLabel = "X", defaultValue = "0.05",
            description = "relative size of a regression that fails the command when its whole 95%% CI is past it, e.g. 0.05 for 5%% worse (default: ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "console",
            description = "console, markdown or csv (default: ${DEFAULT-VALUE})")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!(threshold >= 0 && threshold < 1)) {
            throw new BadInputException("--threshold " + threshold + ": give a relative change from 0 to below 1, e.g. 0.05 for 5%");
        }
        String f = format.toLowerCase(Locale.ROOT);
        if (!List.of("console", "markdown", "md", "csv").contains(f)) {
            throw new BadInputException("--format " + format + ": choose console, markdown or csv");
        }
        RunDirectory a = RunDirectory.open(runA);
        RunDirectory b = RunDirectory.open(runB);
        List<RunComparison.Change> changes = RunComparison.compare(a.readSamples(), b.readSamples());
        PrintWriter out = spec.commandLine().getOut();
        switch (f) {
            case "csv" -> out.print(RunComparison.csv(changes, threshold));
            case "markdown", "md" -> out.print(RunComparison.table(runA.toString(), runB.toString(), changes, threshold, true));
            default -> out.print(RunComparison.table(runA.toString(), runB.toString(), changes, threshold, false));
        }
        var differences = io.isobench.confound.ConfoundDetector.betweenRuns(a.readSamples(), b.readSamples());
        if (!differences.isEmpty() && !f.equals("csv")) {
            out.println();
            out.println((f.equals("console") ? "" : "**") + "What differs between the runs" + (f.equals("console") ? "" : "**")
                    + " (facts that define the same software; a change here confounds the figures of that variant, marked !):");
            for (var d : differences) {
                out.println((f.equals("console") ? "! " : "- ") + d.workload() + (d.params().isEmpty() ? "" : " (" + io.isobench.report.ReportData
                        .paramsLabel(d.params()) + ")") + " @ " + d.variant() + ": " + d.label() + ": " + d.baselineValue() + " vs "
                        + d.variantValue());
            }
        }
        long beyond = changes.stream().filter(c -> c.regressionBeyond(threshold)).count();
        if (changes.stream().noneMatch(c -> c.a() != null && c.b() != null)) {
            spec.commandLine().getErr().println("isobench: the runs share no figure (same workload, parameters, metric and variant)");
        }
        out.flush();
        if (beyond > 0) {
            spec.commandLine().getErr().println("isobench: " + beyond + " figure" + (beyond == 1 ? "" : "s")
                    + " regressed significantly by more than " + String.format(Locale.ROOT, "%.1f%%", threshold * 100)
                    + " (the whole 95% CI)");
            return REGRESSION;
        }
        return 0;
    }
}
