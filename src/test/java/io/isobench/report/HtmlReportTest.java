package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.cli.Main;
import io.isobench.result.RunDirectory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class HtmlReportTest {

    @TempDir
    Path tmp;

    static final Pattern SVG = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL);

    static List<String> svgs(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = SVG.matcher(html);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Parses an inline SVG as XML: it must be well-formed, which also proves its text is escaped. */
    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private ReportData rich() throws Exception {
        RunDirectory dir = SyntheticRun.rich("20261122-100000-aaaa", 7).write(tmp);
        return ReportData.load(dir, null);
    }

    @Test
    void pageHasEverySectionTableAndChart() throws Exception {
        ReportData data = rich();
        HtmlReport.Page page = HtmlReport.build(data, StudyReference.bundled());
        String html = page.html();

        assertThat(html).startsWith("<!DOCTYPE html>").contains("</html>");
        for (String id : List.of("findings", "study", "w-stream", "w-redis", "w-tcp-rr", "w-hash", "environments", "host", "trials")) {
            assertThat(html).as("section " + id).contains("id=\"" + id + "\"");
        }
        // the findings come before everything else measured, the study next, the workloads after them
        assertThat(html.indexOf("id=\"findings\"")).isLessThan(html.indexOf("id=\"study\"")).isLessThan(html.indexOf("id=\"w-stream\""));
        assertThat(count(html, "<table class=\"findings\">")).isEqualTo(1);
        // one figures table per workload section (stream, redis, tcp_rr, three hash trials), folded under its headline chart
        assertThat(count(html, "<table class=\"figures\">")).isEqualTo(data.sections().size()).isEqualTo(6);
        assertThat(count(html, "<details><summary>every figure of ")).isEqualTo(4);
        // every chart built is inline, well-formed SVG
        List<String> svgs = svgs(html);
        assertThat(svgs).hasSize(page.charts().size());
        for (String svg : svgs) {
            assertThat(parse(svg).getDocumentElement().getLocalName()).isEqualTo("svg");
        }
        List<String> names = page.charts().stream().map(c -> c.name()).toList();
        assertThat(names).doesNotHaveDuplicates();
        // a headline chart per workload, placed before its details; lines for the clients sweep and the threads parameter, grouped latency bars
        assertThat(names.stream().filter(n -> n.startsWith("headline-"))).containsExactly("headline-stream", "headline-redis", "headline-tcp-rr",
                "headline-hash");
        for (String w : List.of("stream", "redis", "tcp-rr", "hash")) {
            String section = html.substring(html.indexOf("id=\"w-" + w + "\""));
            assertThat(section.indexOf("aria-label=\"" + w.replace('-', '_'))).as(w).isLessThan(section.indexOf("<details>"));
        }
        assertThat(names).anyMatch(n -> n.contains("redis-sweep-get"));
        assertThat(names).anyMatch(n -> n.startsWith("hash-by-threads"));
        assertThat(names).anyMatch(n -> n.contains("tcp-rr-latency"));
        String latency = svgs.get(names.indexOf(names.stream().filter(n -> n.contains("tcp-rr-latency")).findFirst().orElseThrow()));
        assertThat(latency).contains(">p50<").contains(">p99<").contains(">latency<");
        assertThat(latency.indexOf(">p50<")).isLessThan(latency.indexOf(">p99<"));
        String sweep = svgs.get(names.indexOf(names.stream().filter(n -> n.contains("redis-sweep-get")).findFirst().orElseThrow()));
        assertThat(count(sweep, "<polyline")).isEqualTo(3); // native, docker host, docker nat
        // the headline figures' iterations are drawn as points; every measured value (warm-ups excluded) is in a table row
        int points = 0;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).contains("-iterations-")) {
                points += count(svgs.get(i), "<circle");
            }
        }
        long headlineSamples = data.samples().stream().filter(x -> x.metric().equals(Headlines.pick(x.workload(), x.params(),
                data.summaries().stream().filter(m -> m.workload().equals(x.workload()) && m.params().equals(x.params())).toList())
                .orElseThrow().metric())).count();
        assertThat(points).isEqualTo(headlineSamples).isLessThan(data.samples().size());
        int values = 0;
        Matcher its = Pattern.compile("<td class=\"it\">([^<\n]*)").matcher(html);
        while (its.find()) {
            values += its.group(1).isBlank() ? 0 : its.group(1).trim().split(" ").length;
        }
        assertThat(values).isEqualTo(data.samples().size());
        assertThat(html).contains("<a href=\"samples.jsonl\">samples.jsonl</a>");
    }

    @Test
    void emulatedVmIsMarkedWhereverItsFiguresAppear() throws Exception {
        ReportData data = rich();
        String html = HtmlReport.build(data, StudyReference.bundled()).html();
        // every row of the emulated variant in a figures table carries the mark
        Matcher rows = Pattern.compile("<tr[^>]*><td>vm\\[accel=tcg\\][^<]*(<span class=\"emu\">EMULATED \\(TCG\\)</span>)?").matcher(html);
        int n = 0;
        while (rows.find()) {
            assertThat(rows.group(1)).as(rows.group()).isNotNull();
            n++;
        }
        assertThat(n).isEqualTo(2); // stream copy and triad
        assertThat(html).containsPattern("<td>t\\d+</td><td>blockio</td><td>pattern=randread</td><td>vm\\[accel=tcg\\] <span class=\"emu\">EMULATED \\(TCG\\)</span>");
        // the findings row, its cells, the study table, bars, legends and strip rows label it too
        assertThat(html).contains("<tr><th>vm[<wbr>accel=tcg] <span class=\"emu\">EMULATED (TCG)</span></th>");
        assertThat(html).containsPattern("<td class=\"f worse s3 emulated\"[^>]*>.*?<b class=\"mk\">TCG</b></td>");
        assertThat(html).contains("here: vm[accel=tcg] <span class=\"emu\">EMULATED (TCG)</span>");
        String streamHeadline = svgs(html).stream().filter(s -> s.contains("stream: triad relative to native")).findFirst().orElseThrow();
        assertThat(streamHeadline).contains("vm[accel=tcg] EMULATED (TCG)").contains(Charts.EMULATED);
        assertThat(html).contains("<h3>vm[accel=tcg] <span class=\"emu\">EMULATED (TCG)</span>");
    }

    @Test
    void slowerVariantIsSignificantAndStudyRatioShown() throws Exception {
        ReportData data = rich();
        String html = HtmlReport.build(data, StudyReference.bundled()).html();
        // stream copy: the emulated VM at 0.3 of native is significant; the study's kvm figure is beside it
        assertThat(html).containsPattern("<th colspan=\"\\d+\">copy <small>GB/s [^<]*</small></th>\n(<tr[^\n]*\n)*?"
                + "<tr class=\"emulated\"><td>vm\\[accel=tcg\\] <span class=\"emu\">EMULATED \\(TCG\\)</span><td>[^<]*<td>[^<]*"
                + "<td class=\"sig\">0\\.[0-9]{3}<td title=\"CI (paired over \\d+ iterations|unpaired \\(iterations do not pair up\\))\">[^<]*"
                + "<td class=\"sig\">yes[^<]*<td title=\"Felter 2014: stream copy, kvm vs native\">");
        // redis GET at 10 clients over NAT maps to the study's docker-nat figure
        assertThat(html).contains("title=\"Felter 2014: redis get_10_clients, docker-nat vs native\"");
        // the headline chart draws a study diamond where there is one
        assertThat(svgs(html).stream().filter(s -> s.contains("redis: get clients=10 relative to native")).findFirst().orElseThrow())
                .contains("<polygon");
    }

    @Test
    void environmentsHostToolCommandAndFailuresAreListed() throws Exception {
        ReportData data = rich();
        String html = HtmlReport.build(data, StudyReference.bundled()).html();
        String env = html.substring(html.indexOf("id=\"environments\""), html.indexOf("id=\"host\""));
        for (String v : List.of("native", "docker[network=host]", "docker[network=nat]", "vm[accel=tcg]")) {
            assertThat(env).contains("<h3>" + v);
        }
        assertThat(env).contains("container_id").contains("qemu-system-x86_64 -machine q35").contains("seen from inside")
                .contains("6.1.0-cloud-amd64").contains("network=nat");
        String host = html.substring(html.indexOf("id=\"host\""), html.indexOf("id=\"trials\""));
        assertThat(host).contains("bench-host").contains("0.1.0-test").contains("isobench run --suite synthetic");
        String trials = html.substring(html.indexOf("id=\"trials\""));
        assertThat(trials).contains("class=\"fail\">failed").contains("guest did not answer within 180s\nsee logs/vm-console.log");
        assertThat(html).contains("1 trial failed");
    }

    @Test
    void pageIsSelfContained() throws Exception {
        String html = HtmlReport.build(rich(), StudyReference.bundled()).html();
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("<img").doesNotContain("@import")
                .doesNotContain("url(");
        // no src at all; hrefs only to fragments of the page itself and to the samples file beside it (a link, never loaded)
        assertThat(html).doesNotContainPattern("\\ssrc\\s*=");
        Matcher href = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        while (href.find()) {
            assertThat(href.group(1)).matches("#.*|" + Pattern.quote(HtmlReport.SAMPLES));
        }
        assertThat(html).contains("Content-Security-Policy\" content=\"default-src 'none'");
    }

    @Test
    void reportCommandWritesPageAndPlotsAsSvgAndPng() throws Exception {
        RunDirectory dir = SyntheticRun.rich("20261122-100000-bbbb", 3).write(tmp);
        Path plots = tmp.resolve("plots");
        assertThat(Main.execute("report", dir.path().toString(), "--plots", plots.toString())).isZero();
        assertThat(dir.path().resolve("report.html")).isRegularFile();
        List<Path> files;
        try (var s = Files.list(plots)) {
            files = s.sorted().toList();
        }
        long svg = files.stream().filter(p -> p.toString().endsWith(".svg")).count();
        long png = files.stream().filter(p -> p.toString().endsWith(".png")).count();
        assertThat(svg).isEqualTo(png).isEqualTo(svgs(Files.readString(dir.path().resolve("report.html"))).size());
        for (Path p : files) {
            if (p.toString().endsWith(".png")) {
                assertThat(javax.imageio.ImageIO.read(p.toFile())).as(p.toString()).isNotNull();
            } else {
                assertThat(parse(Files.readString(p).replaceFirst("^<\\?xml[^>]*>\\s*", "")).getDocumentElement().getLocalName()).isEqualTo("svg");
            }
        }
    }

    @Test
    void runWithNoSamplesStillRenders() throws Exception {
        SyntheticRun r = new SyntheticRun("20261122-100000-cccc", 1);
        r.failed("stream", java.util.Map.of(), SyntheticRun.NATIVE, "agent exited with code 1");
        ReportData data = ReportData.load(r.write(tmp), null);
        String html = HtmlReport.build(data, StudyReference.bundled()).html();
        assertThat(html).contains("No figures were measured").contains("agent exited with code 1");
    }

    /**
     * A parameter that differs only because the emulated VM ran a smaller size is no sweep: no
     * chart draws lines across the emulation-size section; a sweep the user asked for (hash over
     * threads=1,2,4) still gets its chart.
     */
    @Test
    void noParameterSweepJoinsTheEmulationSizeToTheRealOne() throws Exception {
        SyntheticRun r = new SyntheticRun("20261122-100000-emul", 11);
        for (SyntheticRun.V v : List.of(SyntheticRun.NATIVE, SyntheticRun.DOCKER_HOST)) {
            r.metric("linpack", java.util.Map.of("n", 2000), v, "gflops", java.util.Map.of(), 50, 0.01, "GFLOPS",
                    io.isobench.result.Direction.HIGHER, 4);
        }
        // the planner's scaledForEmulation: the emulated VM and the baseline at a quarter of the order
        for (SyntheticRun.V v : List.of(SyntheticRun.NATIVE, SyntheticRun.VM_TCG)) {
            r.metric("linpack", java.util.Map.of("n", 500), v, "gflops", java.util.Map.of(), v.emulated() ? 2 : 30, 0.01, "GFLOPS",
                    io.isobench.result.Direction.HIGHER, 4);
        }
        for (int threads : List.of(1, 2, 4)) {
            for (SyntheticRun.V v : List.of(SyntheticRun.NATIVE, SyntheticRun.DOCKER_HOST)) {
                r.metric("hash", java.util.Map.of("threads", threads), v, "throughput", java.util.Map.of(), 1000 * threads, 0.02, "MB/s",
                        io.isobench.result.Direction.HIGHER, 3);
            }
        }
        ReportData data = ReportData.load(r.write(tmp), null);
        assertThat(data.emulationSizes()).as("the n=500 section is the emulation size").hasSize(1).allMatch(t -> t.contains("500"));
        HtmlReport.Page page = HtmlReport.build(data, null);
        List<String> names = page.charts().stream().map(c -> c.name()).toList();
        assertThat(names).as("charts across parameters").noneMatch(n -> n.startsWith("linpack-by-"))
                .anyMatch(n -> n.startsWith("hash-by-threads-"));
        assertThat(page.html()).contains("n=500").contains("n=2000");
    }

    /**
     * Within one section, a label swept by the workload itself (redis clients=1,10,50) is drawn
     * for the workload's declared headline only (redis: get); a workload without a declaration
     * gets a chart per metric.
     */
    @Test
    void labelSweepsDrawOnlyTheDeclaredHeadline() throws Exception {
        SyntheticRun r = new SyntheticRun("20261122-100000-swep", 13);
        for (SyntheticRun.V v : List.of(SyntheticRun.NATIVE, SyntheticRun.DOCKER_NAT)) {
            for (int clients : List.of(1, 10, 50)) {
                for (String metric : List.of("get", "set", "lpush")) {
                    r.metric("redis", java.util.Map.of(), v, metric, java.util.Map.of("clients", clients), 10000 * Math.sqrt(clients), 0.02,
                            "req/s", io.isobench.result.Direction.HIGHER, 3);
                    r.metric("custom", java.util.Map.of(), v, metric, java.util.Map.of("clients", clients), 500 * clients, 0.02,
                            "ops/s", io.isobench.result.Direction.HIGHER, 3);
                }
            }
        }
        HtmlReport.Page page = HtmlReport.build(ReportData.load(r.write(tmp), null), null);
        List<String> sweeps = page.charts().stream().map(c -> c.name()).filter(n -> n.contains("-sweep-")).toList();
        assertThat(sweeps.stream().filter(n -> n.contains("-redis-"))).as("redis's sweeps").hasSize(1)
                .allMatch(n -> n.contains("-sweep-get"));
        assertThat(sweeps.stream().filter(n -> n.contains("-custom-"))).as("an undeclared workload's sweeps").hasSize(3)
                .anyMatch(n -> n.contains("-sweep-get")).anyMatch(n -> n.contains("-sweep-set")).anyMatch(n -> n.contains("-sweep-lpush"));
    }
}
