package io.isobench.cli;

import io.isobench.BadInputException;
import io.isobench.report.ConsoleReport;
import io.isobench.report.HostsReport;
import io.isobench.report.HtmlReport;
import io.isobench.report.Plots;
import io.isobench.report.ReportData;
import io.isobench.report.StudyReference;
import io.isobench.report.SummaryRow;
import io.isobench.report.TabularReport;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.stats.MetricSummary;
import io.isobench.stats.Summarizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code isobench report RUN_DIR}: the summary of a run, read from its folder alone. By default the
 * console table, and {@code report.html} written into the run folder; {@code --format} picks one
 * form instead (html, csv, jsonl, markdown), {@code --plots DIR} also writes every chart as SVG and PNG.
 */
@Command(name = "report", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Summarise a run from its folder: per workload, each environment relative to the baseline.",
                "By default prints the table and writes report.html into the run folder."})
final class ReportCommand implements Callable<Integer> {

    /** The page's name in a run folder. */
    static final String HTML = "report.html";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", description = "a run folder, e.g. results/20261122-101500-ab12")
    Path runDir;

    @Option(names = "--baseline", paramLabel = "VARIANT", description = "compare with this variant instead of the run's baseline")
    String baseline;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "console, html, csv, jsonl or markdown (default: console, and report.html in the run folder)")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "where to write: the page for html (default RUN_DIR/report.html), the data for csv, jsonl, markdown (default: standard output)")
    Path output;

    @Option(names = "--plots", paramLabel = "DIR", description = "also write every chart into DIR as .svg and .png")
    Path plots;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RunDirectory dir = RunDirectory.open(runDir);
        RunRecord record = dir.readRecord();
        String base = baseline != null ? baseline : recordedBaseline(record);
        String f = format == null ? "default" : format.toLowerCase(Locale.ROOT);
        var samples = dir.readSamples();
        if (HostsReport.isFleet(record) || !HostsReport.hosts(samples).isEmpty()) {
            // a fleet run: every host's state, every host against its own baseline, a table across them, each host's report under it
            var parts = HostsReport.parts(record, samples, base);
            switch (f) {
                case "default", "console" -> out.println(HostsReport.console(HostsReport.statuses(record), parts));
                case "html" -> { }
                default -> throw new BadInputException("--format " + format + ": a run of several hosts is reported as console or html "
                        + "(csv, jsonl and markdown are per host and not written for fleets yet)");
            }
            if (!f.equals("console")) {
                out.println("report: " + writeText(output != null && f.equals("html") ? output : dir.path().resolve(HTML),
                        HostsReport.html(record.id(), HostsReport.statuses(record), parts, StudyReference.bundled())));
            }
            out.flush();
            return 0;
        }
        ReportData data = new ReportData(record, dir.readSamples(), base);
        if (baseline != null && !data.variants().containsKey(baseline)) {
            throw new BadInputException("--baseline " + baseline + ": no such variant in " + runDir + "; it has: "
                    + String.join(", ", data.variants().keySet()));
        }
        HtmlReport.Page page = null;
        switch (f) {
            case "default", "console" -> {
                out.println(ConsoleReport.render(data));
                io.isobench.report.Verdicts.of(dir.readSamples()).forEach(v -> out.println(v.render()));
                if (f.equals("default")) {
                    page = HtmlReport.build(data, StudyReference.bundled());
                    out.println("report: " + writeText(output != null ? output : dir.path().resolve(HTML), page.html()));
                }
            }
            case "html" -> {
                page = HtmlReport.build(data, StudyReference.bundled());
                out.println("report: " + writeText(output != null ? output : dir.path().resolve(HTML), page.html()));
            }
            case "csv", "jsonl", "markdown", "md" -> {
                List<SummaryRow> rows = SummaryRow.of(data, StudyReference.bundled());
                String text = switch (f) {
                    case "csv" -> TabularReport.csv(rows);
                    case "jsonl" -> TabularReport.jsonl(rows);
                    default -> TabularReport.markdown(data, rows);
                };
                if (output == null) {
                    out.print(text);
                } else {
                    out.println("report: " + writeText(output, text));
                }
            }
            default -> throw new BadInputException("--format " + format + ": choose console, html, csv, jsonl or markdown");
        }
        if (plots != null) {
            if (page == null) {
                page = HtmlReport.build(data, StudyReference.bundled());
            }
            List<Path> files = Plots.write(page.charts(), plots);
            out.println("plots: " + files.size() + " files in " + plots);
        }
        out.flush();
        return 0;
    }

    private static Path writeText(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** The baseline variant's label as the run used it. */
    static String recordedBaseline(RunRecord record) {
        return ReportData.recordedBaseline(record);
    }

    static String console(RunDirectory dir, RunRecord record, String baseline) throws IOException {
        var samples = dir.readSamples();
        if (HostsReport.isFleet(record) || !HostsReport.hosts(samples).isEmpty()) {
            return HostsReport.console(HostsReport.statuses(record), HostsReport.parts(record, samples, baseline));
        }
        StringBuilder sb = new StringBuilder(ConsoleReport.render(new ReportData(record, samples, baseline)));
        io.isobench.report.Verdicts.of(samples).forEach(v -> sb.append(v.render()));
        return sb.toString();
    }

    /**
     * Writes report.html at the end of a run and says where; a report that cannot be written is a
     * warning, never a failed run (the samples are safe on disk and {@code isobench report} can retry).
     */
    static void writeHtmlAfterRun(PrintWriter out, RunDirectory dir, String baseline) {
        try {
            var samples = dir.readSamples();
            RunRecord r = dir.readRecord();
            if (HostsReport.isFleet(r) || !HostsReport.hosts(samples).isEmpty()) {
                out.println("report:  " + writeText(dir.path().resolve(HTML), HostsReport.html(r.id(), HostsReport.statuses(r),
                        HostsReport.parts(r, samples, baseline != null ? baseline : recordedBaseline(r)), StudyReference.bundled())));
                return;
            }
            ReportData data = ReportData.load(dir, baseline);
            out.println("report:  " + writeText(dir.path().resolve(HTML), HtmlReport.build(data, StudyReference.bundled()).html()));
        } catch (IOException | RuntimeException e) {
            out.println("isobench: could not write " + dir.path().resolve(HTML) + ": " + e + " (retry: isobench report " + dir.path() + ")");
        }
    }
}
