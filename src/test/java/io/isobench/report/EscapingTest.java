package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.result.Direction;
import io.isobench.result.RunDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose every text holds markup and script: none of it may be live in the page or the other outputs. */
class EscapingTest {

    static final String SCRIPT = "<script>alert(1)</script>";
    static final String IMG = "\"><img src=x onerror=alert(1)>";
    static final String SVG = "</text></svg><svg onload=alert(2)>";
    static final String QUOTE = "' onmouseover='alert(3)";

    @TempDir
    Path tmp;

    private RunDirectory hostileRun() throws Exception {
        SyntheticRun r = new SyntheticRun("20261122-100000-evil", 11);
        r.hostname = "host" + SCRIPT;
        r.suiteName = "suite" + IMG;
        r.commandLine = List.of("isobench", "run", "-p", "x=" + SCRIPT, "--results", IMG);
        r.warnings.add("warning " + SVG);
        SyntheticRun.V evil = new SyntheticRun.V("docker[network=" + IMG + "]", "docker", Map.of("network", SCRIPT + QUOTE), false);
        SyntheticRun.V evilVm = new SyntheticRun.V("vm" + SVG, "vm", Map.of("accel", "tcg"), true);
        Map<String, Object> params = Map.of("size" + SCRIPT, "1M" + IMG);
        for (SyntheticRun.V v : List.of(SyntheticRun.NATIVE, evil, evilVm)) {
            r.metric("hash" + SCRIPT, params, v, "thr" + IMG, Map.of("clients" + SVG, 1), 100, 0.01, "MB/s" + SCRIPT, Direction.HIGHER, 3);
            r.metric("hash" + SCRIPT, params, v, "thr" + IMG, Map.of("clients" + SVG, 2), 200, 0.01, "MB/s" + SCRIPT, Direction.HIGHER, 3);
            r.metric("hash" + SCRIPT, params, v, "p99" + QUOTE, Map.of(), 5, 0.01, "us" + SVG, Direction.LOWER, 3);
            r.metric("hash" + SCRIPT, params, v, "=HYPERLINK(\"http://x\")", Map.of(), 5, 0.01, "us", Direction.LOWER, 3);
        }
        r.environmentFact(evil, "container" + SCRIPT, "id" + IMG);
        r.environmentFact(evil, "nested", Map.of("k" + SVG, List.of(SCRIPT, IMG)));
        r.environmentFact(evil, "long", "x".repeat(500) + SCRIPT + IMG); // folded into a details element
        r.failed("hash" + SCRIPT, Map.of("size", "2M"), evil, "failed: " + SCRIPT + "\n" + IMG + "\n" + SVG);
        return r.write(tmp);
    }

    @Test
    void noMarkupFromTheRunIsLiveInThePage() throws Exception {
        ReportData data = ReportData.load(hostileRun(), null);
        HtmlReport.Page page = HtmlReport.build(data, StudyReference.bundled());
        String html = page.html();

        // the raw markup appears nowhere; "on..." words may remain as escaped text or inside a quoted
        // attribute value (inert), so quoted values are blanked before looking for them inside a tag
        String outsideQuotes = html.replaceAll("\"[^\"]*\"", "\"\"");
        for (String raw : List.of(SCRIPT, IMG, SVG, QUOTE, "<img", "<script", "onerror=alert", "onload=alert")) {
            if (raw.startsWith("on")) {
                // the words may remain as text, but never inside a tag
                assertThat(outsideQuotes).doesNotContainPattern("<[^>]*\\s" + Pattern.quote(raw));
            } else {
                assertThat(html).as(raw).doesNotContain(raw);
            }
        }
        assertThat(html).doesNotContain("onmouseover='");
        // no element other than the report's own: every tag name is one the report writes
        var tags = Pattern.compile("<([a-zA-Z][a-zA-Z0-9]*)").matcher(html);
        List<String> allowed = List.of("html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "dl", "dt", "dd",
                "code", "nav", "a", "p", "span", "b", "section", "div", "svg", "rect", "line", "circle", "polygon", "polyline", "text",
                "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "footer", "details", "summary", "small", "wbr", "path", "g");
        while (tags.find()) {
            assertThat(allowed).as("tag " + tags.group(1)).contains(tags.group(1));
        }
        // the escaped text is there, so the values are shown, not dropped
        assertThat(html).contains("host&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
                .contains("&lt;/text&gt;&lt;/svg&gt;&lt;svg onload=alert(2)&gt;")
                .contains("&#39; onmouseover=&#39;alert(3)");
        // ids and fragment links are made of safe characters only; the one other link is the run's own samples file
        var ids = Pattern.compile("(?:id|href)=\"#?([^\"]*)\"").matcher(html);
        while (ids.find()) {
            assertThat(ids.group(1)).matches("[a-z0-9-]*|" + Pattern.quote(HtmlReport.SAMPLES));
        }
        // and every inline SVG is still well-formed XML with the hostile text as text
        for (String svg : HtmlReportTest.svgs(html)) {
            HtmlReportTest.parse(svg);
        }
        assertThat(HtmlReportTest.svgs(html)).hasSize(page.charts().size());
    }

    @Test
    void markdownAndCsvKeepMarkupInert() throws Exception {
        ReportData data = ReportData.load(hostileRun(), null);
        List<SummaryRow> rows = SummaryRow.of(data, StudyReference.bundled());
        String md = TabularReport.markdown(data, rows);
        assertThat(md).doesNotContain(SCRIPT).doesNotContain("<img").doesNotContain("<svg").contains("&lt;script&gt;");
        String csv = TabularReport.csv(rows);
        // a formula in a text cell is neutralised with a leading apostrophe (it is quoted for its comma-free quotes)
        assertThat(csv).contains("\"'=HYPERLINK(\"\"http://x\"\")\"").doesNotContain(",=HYPERLINK");
    }
}
