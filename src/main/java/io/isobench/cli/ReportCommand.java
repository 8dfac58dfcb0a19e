package io.isobench.cli;

import io.isobench.report.ConsoleReport;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.stats.MetricSummary;
import io.isobench.stats.Summarizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code isobench report RUN_DIR}: the summary of a run, read from its folder alone. */
@Command(name = "report", description = "Summarise a run from its folder: per workload, each environment relative to the baseline.")
final class ReportCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", description = "a run folder, e.g. results/20261122-101500-ab12")
    Path runDir;

    @Option(names = "--baseline", paramLabel = "VARIANT", description = "compare with this variant instead of the run's baseline")
    String baseline;

    @Override
    public Integer call() throws Exception {
        RunDirectory dir = RunDirectory.open(runDir);
        RunRecord record = dir.readRecord();
        String base = baseline != null ? baseline : recordedBaseline(record);
        spec.commandLine().getOut().println(console(dir, record, base));
        return 0;
    }

    /** The baseline variant's label as the run used it. */
    static String recordedBaseline(RunRecord record) {
        Object b = record.suite() == null ? null : record.suite().get("baseline");
        String want = b == null ? "native" : b.toString();
        if (record.trials() != null) {
            for (var t : record.trials()) {
                if (t.variant().equals(want)) {
                    return want;
                }
            }
            for (var t : record.trials()) {
                if (t.environment().equals(want)) {
                    return t.variant();
                }
            }
        }
        return want;
    }

    static String console(RunDirectory dir, RunRecord record, String baseline) throws IOException {
        java.util.List<MetricSummary> s = Summarizer.summarize(dir.readSamples(), baseline);
        return ConsoleReport.render(record, s, baseline);
    }
}
