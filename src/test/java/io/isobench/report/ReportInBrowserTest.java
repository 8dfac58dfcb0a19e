package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isobench.cli.Main;
import io.isobench.env.Variant;
import io.isobench.result.Direction;
import io.isobench.result.Json;
import io.isobench.result.RunDirectory;
import io.isobench.suite.Plan;
import io.isobench.suite.Planner;
import io.isobench.suite.SuiteLoader;
import io.isobench.suite.Trial;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports opened in headless Chromium (Debian's, installed by scripts/setup-host.sh).
 *
 * <p>How "no console error and no network request" is checked: the page is opened through the
 * Chrome DevTools Protocol (a WebSocket on loopback, spoken with the JDK's own client), with the
 * Network, Runtime, Log and Page domains enabled before navigation. Every request the page makes
 * is seen as Network.requestWillBeSent, every console message or exception as
 * Runtime.consoleAPICalled / Runtime.exceptionThrown / Log.entryAdded (CSP refusals land there
 * too). The only request allowed is the file:// page itself. The charts and tables are counted in
 * the live DOM. A second, plain {@code chromium --headless --screenshot} keeps a picture of the page
 * at target/report-screenshot.png as a build artifact, and its log is checked for console errors.
 *
 * <p>The first screen is checked on the report of a real quick-suite run kept as a fixture
 * (src/test/resources/io/isobench/report/quick-run: run.json as written, samples.jsonl with every
 * measured and warm-up value, the facts kept on each trial's first measured sample, which is all the
 * confound detector compares; the page it gives is byte for byte the page of the untrimmed run).
 * It was measured with {@code ./isobench run --env native,docker} on the 2-core development machine
 * (a TCG VM there needed hours under that day's load), so the test adds the quick suite's fourth
 * variant, an emulated tuned VM, as a copy of the NAT container's samples at a third of their value:
 * the same trials, metrics, labels and iterations as a real variant, which is what sets the page's
 * size and the findings table's shape.
 */
@Tag("integration")
class ReportInBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOT = Path.of("target", "report-screenshot.png");
    static final Path FIRST_SCREEN = Path.of("target", "report-first-screen.png");
    static final String FIXTURE = "/io/isobench/report/quick-run/";
    /** The budget for the quick suite's page. */
    static final long MAX_QUICK_REPORT_BYTES = 300 * 1024;

    @TempDir
    Path tmp;

    @Test
    void reportOfARealRunLoadsCleanlyInChromium() throws Exception {
        assertThat(CHROMIUM).as("Chromium is needed for this test: install it with scripts/setup-host.sh").isExecutable();
        Path results = tmp.resolve("results");
        int code = Main.execute("run", "--env", "native", "--workload", "hash", "-p", "hash.size=1M", "--iterations", "3",
                "--results", results.toString());
        assertThat(code).isZero();
        Path runDir;
        try (Stream<Path> s = Files.list(results)) {
            runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        // the run wrote its page itself
        Path html = runDir.resolve("report.html");
        assertThat(html).isRegularFile();
        String page = Files.readString(html);
        // static check first: nothing in the file could load anything
        assertThat(page).doesNotContainPattern("(?i)\\s(src|href)\\s*=\\s*\"(https?:)?//").doesNotContain("<script")
                .doesNotContain("<link").doesNotContain("url(");
        String url = html.toUri().toString();

        DevToolsResult r;
        try (Browser b = Browser.start(tmp, 1280, 800)) {
            r = b.visit(url, SUMMARY);
            b.checkHarness(tmp);
        }
        assertThat(r.requests).as("requests the page made: the page itself only").containsOnly(url).isNotEmpty();
        assertThat(r.errors).as("console errors, exceptions and log errors").isEmpty();
        JsonNode dom = Json.mapper().readTree(r.domSummary);
        assertThat(dom.get("title").asText()).startsWith("isobench report");
        assertThat(dom.get("charts").asInt()).as("inline SVG charts").isGreaterThanOrEqualTo(2); // headline + iterations
        assertThat(dom.get("figureTables").asInt()).isEqualTo(1);
        assertThat(dom.get("sections").toString()).contains("findings", "w-hash", "environments", "host", "trials");
        assertThat(dom.get("chartWidth").asDouble()).as("charts are laid out, not collapsed").isGreaterThan(300);
        assertThat(dom.get("text").asText()).contains("throughput").contains("native");

        screenshot(url);
        assertThat(SCREENSHOT).isRegularFile();
        assertThat(javax.imageio.ImageIO.read(SCREENSHOT.toFile()).getWidth()).isEqualTo(1280);
    }

    /** A JavaScript function listing the outermost elements that reach beyond the window's width, for messages. */
    static final String WIDE = """
            const wide = () => Array.from(document.body.querySelectorAll('*'))
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                    && !(e.parentElement && e.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
                .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ': '
                    + (e.getAttribute('aria-label') || e.textContent || '').slice(0, 80));
            """;

    /** What the first screen (1280x800, scrolled to the top) shows, from the live DOM. */
    static final String FIRST_SCREEN_PROBE = """
            (() => {
              """ + WIDE + """
              const box = e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
              const table = document.querySelector('table.findings');
              const sentences = Array.from(document.querySelectorAll('ul.sentences > li'));
              return JSON.stringify({
                viewport: {width: window.innerWidth, height: window.innerHeight, scrollY: window.scrollY},
                scrollWidth: document.documentElement.scrollWidth,
                wide: wide(),
                table: table ? box(table) : null,
                rows: table ? table.querySelectorAll('tbody tr').length : 0,
                columns: table ? Array.from(table.querySelectorAll('thead th')).map(th => Array.from(th.childNodes)
                    .filter(n => n.nodeName !== 'SMALL').map(n => n.textContent).join('').trim()) : [],
                cells: table ? Array.from(table.querySelectorAll('td.f')).map(td => td.innerText.replace(/\\s+/g, ' ').trim()) : [],
                sentences: sentences.map(li => ({box: box(li), text: li.innerText,
                  links: Array.from(li.querySelectorAll('a')).map(a => a.getAttribute('href')),
                  targets: Array.from(li.querySelectorAll('a')).map(a => !!document.getElementById(a.getAttribute('href').slice(1)))}))
              });
            })()""";

    @Test
    void theFirstScreenOfAQuickSuiteReportHoldsTheFindingsAndTheirSentences() throws Exception {
        assertThat(CHROMIUM).as("Chromium is needed for this test: install it with scripts/setup-host.sh").isExecutable();
        Path run = quickRunWithVm(tmp.resolve("quick"));
        assertThat(Main.execute("report", run.toString(), "--format", "html")).isZero();
        Path html = run.resolve("report.html");
        // the budget: every figure is in the page, every raw value in samples.jsonl beside it
        assertThat(Files.size(html)).as("the quick suite's report.html in bytes").isLessThan(MAX_QUICK_REPORT_BYTES);
        String url = html.toUri().toString();

        DevToolsResult r;
        DevToolsResult opened;
        try (Browser b = Browser.start(tmp, 1280, 800)) {
            r = b.visit(url, FIRST_SCREEN_PROBE);
            b.screenshot(FIRST_SCREEN);
            opened = b.visit(url, OVERLAP_PROBE);
        }
        // real figures too: with every details element open, no text overprints another
        JsonNode all = Json.mapper().readTree(opened.domSummary);
        assertThat(all.get("overlaps")).as("text boxes that overlap").isEmpty();
        assertThat(all.get("outside")).as("text beyond its chart").isEmpty();
        assertThat(all.get("overflowing")).as("text beyond its table cell or block").isEmpty();
        assertThat(r.requests).containsOnly(url);
        assertThat(r.errors).isEmpty();
        JsonNode dom = Json.mapper().readTree(r.domSummary);
        assertThat(dom.at("/viewport/width").asInt()).isEqualTo(1280);
        assertThat(dom.at("/viewport/height").asInt()).isEqualTo(800);
        assertThat(dom.at("/viewport/scrollY").asDouble()).isZero();
        assertThat(dom.get("scrollWidth").asInt()).as("nothing wider than the window: " + dom.get("wide")).isLessThanOrEqualTo(1280);
        // the findings table: a row per variant, a column per family, wholly inside the first screen
        assertThat(dom.get("table").isNull()).as("a findings table").isFalse();
        assertThat(dom.at("/table/top").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(dom.at("/table/bottom").asDouble()).isLessThanOrEqualTo(800);
        assertThat(dom.at("/table/right").asDouble()).isLessThanOrEqualTo(1280);
        assertThat(dom.get("rows").asInt()).isEqualTo(3); // docker (nat), docker[network=host], the emulated VM
        assertThat(dom.get("columns").toString()).contains("compute", "memory", "network bulk", "request/response", "block I/O",
                "key-value", "database");
        assertThat(dom.get("cells")).hasSize(3 * 7);
        assertThat(dom.get("cells").toString()).contains("TCG").contains("!"); // the emulated row and the confounded mysql cells
        // the sentences: one to five, each inside the first screen, each linking to evidence that exists
        JsonNode sentences = dom.get("sentences");
        assertThat(sentences.size()).isBetween(1, Findings.MAX_SENTENCES);
        for (JsonNode s : sentences) {
            assertThat(s.at("/box/bottom").asDouble()).as(s.get("text").asText()).isLessThanOrEqualTo(800);
            assertThat(s.get("links").size()).as(s.get("text").asText()).isPositive();
            for (JsonNode t : s.get("targets")) {
                assertThat(t.asBoolean()).as("a link of: " + s.get("text").asText() + " " + s.get("links")).isTrue();
            }
        }
        assertThat(sentences.toString()).contains("docker").contains("EMULATED").contains("confounded").contains("study");
        var shot = javax.imageio.ImageIO.read(FIRST_SCREEN.toFile());
        assertThat(shot.getWidth()).isEqualTo(1280);
        assertThat(shot.getHeight()).isEqualTo(800);
    }

    /**
     * The fixture's run folder, with the quick suite's emulated VM added (see the class comment):
     * run.json gains the variant's trials and facts, samples.jsonl its samples.
     */
    static Path quickRunWithVm(Path dir) throws IOException {
        Files.createDirectories(dir);
        var mapper = Json.mapper();
        ObjectNode record;
        try (var in = ReportInBrowserTest.class.getResourceAsStream(FIXTURE + "run.json")) {
            record = (ObjectNode) mapper.readTree(in);
        }
        String vm = "vm[tuning=tuned]";
        var trials = mapper.createArrayNode();
        for (JsonNode t : record.get("trials")) {
            trials.add(t);
            if (t.get("variant").asText().equals("docker")) {
                ObjectNode v = t.deepCopy();
                v.put("id", t.get("id").asText() + "v").put("variant", vm).put("environment", "vm");
                v.set("settings", mapper.createObjectNode().put("tuning", "tuned"));
                trials.add(v);
            }
        }
        record.set("trials", trials);
        ObjectNode vmFacts = ((ObjectNode) record.get("environments").get("docker")).deepCopy();
        vmFacts.put("emulated", true).put("accelerator", "tcg");
        ((ObjectNode) record.get("environments")).set(vm, vmFacts);
        Files.writeString(dir.resolve("run.json"), mapper.writeValueAsString(record));
        StringBuilder samples = new StringBuilder();
        try (var in = new java.util.zip.GZIPInputStream(ReportInBrowserTest.class.getResourceAsStream(FIXTURE + "samples.jsonl.gz"));
             var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                samples.append(line).append('\n');
                ObjectNode smp = (ObjectNode) mapper.readTree(line);
                if (smp.get("variant").asText().equals("docker")) {
                    smp.put("trial", smp.get("trial").asText() + "v").put("variant", vm).put("environment", "vm").put("emulated", true)
                            .put("value", smp.get("value").asDouble() / 3);
                    smp.set("settings", mapper.createObjectNode().put("tuning", "tuned"));
                    samples.append(mapper.writeValueAsString(smp)).append('\n');
                }
            }
        }
        Files.writeString(dir.resolve("samples.jsonl"), samples);
        return dir;
    }

    /** Every text box of every chart, and whether table cells hold their text, from the live DOM. */
    static final String OVERLAP_PROBE = """
            (() => {
              """ + WIDE + """
              document.querySelectorAll('details').forEach(d => d.open = true);
              const out = {charts: 0, texts: 0, overlaps: [], outside: [], overflowing: []};
              for (const svg of document.querySelectorAll('svg.chart')) {
                out.charts++;
                const frame = svg.getBoundingClientRect();
                const boxes = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.length > 0)
                    .map(t => ({t: t.textContent, r: t.getBoundingClientRect()}));
                out.texts += boxes.length;
                for (const b of boxes) {
                  if (b.r.left < frame.left - 0.5 || b.r.right > frame.right + 0.5 || b.r.top < frame.top - 0.5 || b.r.bottom > frame.bottom + 0.5) {
                    out.outside.push(svg.getAttribute('aria-label') + ': ' + b.t);
                  }
                }
                for (let i = 0; i < boxes.length; i++) {
                  for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i].r, b = boxes[j].r;
                    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                    // text boxes include the line's ascent and descent: a pixel of contact is not an overprint
                    if (w > 1 && h > 1) {
                      out.overlaps.push(svg.getAttribute('aria-label') + ': "' + boxes[i].t + '" / "' + boxes[j].t + '"');
                    }
                  }
                }
              }
              for (const c of document.querySelectorAll('th, td, h1, h2, h3, li, p, summary')) {
                if (c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflow === 'visible' && c.clientWidth > 0) {
                  out.overflowing.push(c.tagName + ': ' + c.innerText.slice(0, 80));
                }
              }
              out.scrollWidth = document.documentElement.scrollWidth;
              out.wide = wide();
              out.width = window.innerWidth;
              return JSON.stringify(out);
            })()""";

    @Test
    void noTwoTextBoxesOverlapWithTheLongestParametersOfTheBuiltInSuites() throws Exception {
        assertThat(CHROMIUM).as("Chromium is needed for this test: install it with scripts/setup-host.sh").isExecutable();
        RunDirectory dir = longestParameters().write(tmp);
        assertThat(Main.execute("report", dir.path().toString(), "--format", "html")).isZero();
        String url = dir.path().resolve("report.html").toUri().toString();
        DevToolsResult r;
        try (Browser b = Browser.start(tmp, 1280, 800)) {
            r = b.visit(url, OVERLAP_PROBE);
        }
        assertThat(r.errors).isEmpty();
        JsonNode dom = Json.mapper().readTree(r.domSummary);
        assertThat(dom.get("charts").asInt()).as("charts drawn").isGreaterThan(20);
        assertThat(dom.get("texts").asInt()).isGreaterThan(500);
        assertThat(dom.get("overlaps")).as("text boxes that overlap").isEmpty();
        assertThat(dom.get("outside")).as("text beyond its chart").isEmpty();
        assertThat(dom.get("overflowing")).as("text beyond its table cell or block").isEmpty();
        assertThat(dom.get("scrollWidth").asInt()).as("nothing wider than the window: " + dom.get("wide")).isLessThanOrEqualTo(dom.get("width").asInt());
    }

    /**
     * A run with every trial of every built-in suite (their plans' parameters and variant labels,
     * the longest there are) and each workload's figures as the workloads name and label them
     * (taken from the quick-suite fixture, plus those the quick suite does not run).
     */
    static SyntheticRun longestParameters() throws IOException {
        // each workload's figures: metric, labels, unit, direction, as measured
        Map<String, Map<String, JsonNode>> figures = new java.util.LinkedHashMap<>();
        try (var in = new java.util.zip.GZIPInputStream(ReportInBrowserTest.class.getResourceAsStream(FIXTURE + "samples.jsonl.gz"));
             var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode smp = Json.mapper().readTree(line);
                figures.computeIfAbsent(smp.get("workload").asText(), k -> new java.util.LinkedHashMap<>())
                        .putIfAbsent(smp.get("metric").asText() + smp.get("labels"), smp);
            }
        }
        SyntheticRun r = new SyntheticRun("20261201-120000-long", 5);
        r.suiteName = String.join("+", SuiteLoader.BUILT_IN);
        var host = io.isobench.host.HostFacts.of(2, 24L << 30, 32L << 20);
        for (String suite : SuiteLoader.BUILT_IN) {
            Plan plan = Planner.plan(SuiteLoader.load(suite), host);
            for (Trial t : plan.trials()) {
                Map<String, Object> params = t.params().toWire(t.workload().params());
                Variant v = t.variant();
                boolean emulated = v.environment().equals("vm");
                SyntheticRun.V sv = v.label().equals("native") ? SyntheticRun.NATIVE
                        : new SyntheticRun.V(v.label(), v.environment(), v.settings(), emulated);
                for (JsonNode f : figures.getOrDefault(t.workload().name(), otherFigures(t.workload().name())).values()) {
                    Map<String, Object> labels = Json.mapper().convertValue(f.get("labels"), new com.fasterxml.jackson.core.type.TypeReference<>() {
                    });
                    double scale = sv == SyntheticRun.NATIVE ? 1 : emulated ? 0.2 : 0.9;
                    r.metric(t.workload().name(), params, sv, f.get("metric").asText(), labels, Math.abs(f.get("value").asDouble()) * scale + 1e-3,
                            0.05, f.get("unit").asText(), Direction.parse(f.get("direction").asText()), 3);
                }
            }
        }
        return r;
    }

    /** The figures of workloads the quick suite does not run: syscall's operations, startup's times. */
    private static Map<String, JsonNode> otherFigures(String workload) {
        List<String[]> f = switch (workload) {
            case "syscall" -> List.of(new String[] {"stat", "us/op"}, new String[] {"open_close", "us/op"}, new String[] {"read_4k", "us/op"},
                    new String[] {"write_4k", "us/op"}, new String[] {"fork_exec", "us/op"}, new String[] {"page_fault", "us/op"},
                    new String[] {"context_switch", "us/op"});
            case "startup" -> List.of(new String[] {"cold_start", "ms"}, new String[] {"warm_start", "ms"}, new String[] {"request_rtt", "us"},
                    new String[] {"density_start", "ms"}, new String[] {"memory_per_instance", "MiB"});
            default -> List.of(); // isolation: verdicts, no figures
        };
        Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        for (String[] m : f) {
            out.put(m[0], Json.mapper().createObjectNode().put("metric", m[0]).put("unit", m[1]).put("direction", "lower").put("value", 42.0)
                    .set("labels", Json.mapper().createObjectNode()));
        }
        return out;
    }

    /** The plain screenshot the build keeps; its log must not show a console error either. */
    private void screenshot(String url) throws Exception {
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);
        Path profile = Files.createTempDirectory(tmp, "chromium-shot");
        List<String> cmd = new ArrayList<>(baseArgs(profile));
        cmd.addAll(List.of("--enable-logging=stderr", "--v=0", "--screenshot=" + SCREENSHOT.toAbsolutePath(), "--window-size=1280,2000", url));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log;
        try {
            log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium --screenshot finished").isTrue();
        } finally {
            stop(p);
        }
        // page console messages are logged as CONSOLE(...) lines; none may be an error, none may be uncaught
        List<String> bad = log.lines().filter(l -> l.contains("Uncaught") || (l.contains("CONSOLE") && l.contains("ERROR"))
                || l.contains("Refused to")).toList();
        assertThat(bad).as(log).isEmpty();
    }

    private static List<String> baseArgs(Path profile) {
        return List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + profile.toAbsolutePath());
    }

    record DevToolsResult(List<String> requests, List<String> errors, String domSummary) {
    }

    /** The first test's look at the DOM: title, charts, tables, sections, some text. */
    static final String SUMMARY = "JSON.stringify({title: document.title,"
            + " charts: document.querySelectorAll('svg.chart').length,"
            + " figureTables: document.querySelectorAll('table.figures').length,"
            + " sections: Array.from(document.querySelectorAll('section')).map(s => s.id),"
            + " chartWidth: document.querySelector('svg.chart') ? document.querySelector('svg.chart').getBoundingClientRect().width : 0,"
            + " text: document.body.innerText.slice(0, 20000)})";

    /** A DevTools-driven headless Chromium with one page of a given window size. */
    static final class Browser implements AutoCloseable {
        private final Process process;
        private final CdpClient cdp;
        private final String session;

        private Browser(Process process, CdpClient cdp, String session) {
            this.process = process;
            this.cdp = cdp;
            this.session = session;
        }

        static Browser start(Path tmp, int width, int height) throws Exception {
            Path profile = Files.createTempDirectory(tmp, "chromium-cdp");
            List<String> cmd = new ArrayList<>(baseArgs(profile));
            cmd.addAll(List.of("--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--hide-scrollbars",
                    "--window-size=" + width + "," + height, "about:blank"));
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                CdpClient cdp = CdpClient.connect(devToolsUrl(p));
                String target = cdp.call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
                String session = cdp.call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true)).get("sessionId").asText();
                for (String domain : List.of("Network", "Runtime", "Log", "Page")) {
                    cdp.call(session, domain + ".enable", Map.of());
                }
                // the window's inner size exactly: what a reader of a 1280x800 screen sees first
                cdp.call(session, "Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                        "mobile", false));
                return new Browser(p, cdp, session);
            } catch (Exception | AssertionError e) {
                stop(p);
                throw e;
            }
        }

        /** Navigates to {@code url}, evaluates {@code expression} (a JSON string) once loaded, and collects requests and errors. */
        DevToolsResult visit(String url, String expression) throws Exception {
            return ReportInBrowserTest.visit(cdp, session, url, expression);
        }

        /** The viewport as PNG. */
        void screenshot(Path file) throws Exception {
            JsonNode shot = cdp.call(session, "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", false));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, java.util.Base64.getDecoder().decode(shot.get("data").asText()));
        }

        /** The harness proves it can see what it looks for: a page that loads an image from loopback and logs an error shows both. */
        void checkHarness(Path tmp) throws Exception {
            Path canary = tmp.resolve("canary.html");
            Files.writeString(canary, "<!DOCTYPE html><html><head><title>canary</title></head><body>"
                    + "<img src=\"http://127.0.0.1:9/canary.png\"><script>console.error('canary error')</script></body></html>");
            DevToolsResult check = visit(canary.toUri().toString(), "JSON.stringify({})");
            assertThat(check.requests()).as("the harness sees requests").anyMatch(u -> u.startsWith("http://127.0.0.1:9/"));
            assertThat(check.errors()).as("the harness sees console errors").anyMatch(e -> e.contains("canary error"));
        }

        @Override
        public void close() throws Exception {
            try {
                cdp.call(null, "Browser.close", Map.of());
            } catch (Exception | AssertionError ignored) {
                // the browser may drop the connection while closing
            }
            cdp.close();
            stop(process);
        }
    }

    /** Navigates the attached page to {@code url} and collects what happened until it loaded, and a moment after. */
    private static DevToolsResult visit(CdpClient cdp, String session, String url, String expression) throws Exception {
        cdp.events.clear();
        cdp.call(session, "Page.navigate", Map.of("url", url));
        cdp.awaitEvent("Page.loadEventFired", 60);
        Thread.sleep(500); // late console messages or requests, if any, arrive in this window
        JsonNode eval = cdp.call(session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (eval.has("exceptionDetails")) {
            throw new AssertionError("the probe failed in the page: " + eval.get("exceptionDetails"));
        }
        String dom = eval.path("result").path("value").asText();
        List<String> requests = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (JsonNode e : cdp.events) {
            String method = e.path("method").asText();
            JsonNode params = e.path("params");
            switch (method) {
                case "Network.requestWillBeSent" -> requests.add(params.path("request").path("url").asText());
                case "Runtime.exceptionThrown" -> errors.add("exception: " + params.path("exceptionDetails"));
                case "Runtime.consoleAPICalled" -> {
                    String type = params.path("type").asText();
                    if (type.equals("error") || type.equals("assert") || type.equals("warning")) {
                        errors.add("console." + type + ": " + params.path("args"));
                    }
                }
                case "Log.entryAdded" -> {
                    String level = params.path("entry").path("level").asText();
                    if (level.equals("error") || level.equals("warning")) {
                        errors.add("log " + level + ": " + params.path("entry"));
                    }
                }
                default -> {
                }
            }
        }
        return new DevToolsResult(requests, errors, dom);
    }

    /** Ends the Chromium we started and the helpers it started (zygote, renderer, GPU), by their handles. */
    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> helpers = p.toHandle().descendants().toList();
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : helpers) {
            if (h.isAlive()) {
                h.destroy();
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    h.destroyForcibly();
                }
            }
        }
    }

    /** Reads "DevTools listening on ws://..." from Chromium's stderr. */
    private static String devToolsUrl(Process p) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        Pattern ws = Pattern.compile("DevTools listening on (ws://\\S+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        String line;
        while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = ws.matcher(line);
            if (m.find()) {
                // keep draining stderr so Chromium never blocks on a full pipe
                Thread drain = new Thread(() -> {
                    try {
                        err.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the process ended
                    }
                }, "chromium-stderr");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new AssertionError("Chromium did not open its DevTools endpoint:\n" + seen);
    }

    /** A minimal Chrome DevTools Protocol client: JSON messages over the JDK's WebSocket. */
    static final class CdpClient implements WebSocket.Listener, AutoCloseable {
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        final List<JsonNode> events = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static CdpClient connect(String url) throws Exception {
            CdpClient c = new CdpClient();
            c.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), c).get(30, TimeUnit.SECONDS);
            return c;
        }

        JsonNode call(String session, String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            ObjectNode msg = Json.mapper().createObjectNode();
            msg.put("id", id);
            msg.put("method", method);
            msg.set("params", Json.mapper().valueToTree(params));
            if (session != null) {
                msg.put("sessionId", session);
            }
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            socket.sendText(Json.mapper().writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
            JsonNode reply = f.get(60, TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new AssertionError(method + ": " + reply.get("error"));
            }
            return reply.path("result");
        }

        void awaitEvent(String method, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                if (events.stream().anyMatch(e -> e.path("method").asText().equals(method))) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no " + method + " within " + seconds + " s; events: " + events);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode n = Json.mapper().readTree(partial.toString());
                    if (n.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(n.get("id").asInt());
                        if (f != null) {
                            f.complete(n);
                        }
                    } else {
                        events.add(n);
                    }
                } catch (IOException e) {
                    events.add(Json.mapper().createObjectNode().put("method", "unparsable").put("text", partial.toString()));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
