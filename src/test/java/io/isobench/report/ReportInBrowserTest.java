package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isobench.cli.Main;
import io.isobench.result.Json;
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
 * The report of a real small run, opened in headless Chromium (Debian's, installed by
 * scripts/setup-host.sh).
 *
 * <p>How "no console error and no network request" is checked: the page is opened through the
 * Chrome DevTools Protocol (a WebSocket on loopback, spoken with the JDK's own client), with the
 * Network, Runtime, Log and Page domains enabled before navigation. Every request the page makes
 * is seen as Network.requestWillBeSent, every console message or exception as
 * Runtime.consoleAPICalled / Runtime.exceptionThrown / Log.entryAdded (CSP refusals land there
 * too). The only request allowed is the file:// page itself. The charts and tables are counted in
 * the live DOM. A second, plain {@code chromium --headless --screenshot} keeps a picture of the page
 * at target/report-screenshot.png as a build artifact, and its log is checked for console errors.
 */
@Tag("integration")
class ReportInBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOT = Path.of("target", "report-screenshot.png");

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

        DevToolsResult r = openWithDevTools(url);
        assertThat(r.requests).as("requests the page made: the page itself only").containsOnly(url).isNotEmpty();
        assertThat(r.errors).as("console errors, exceptions and log errors").isEmpty();
        JsonNode dom = Json.mapper().readTree(r.domSummary);
        assertThat(dom.get("title").asText()).startsWith("isobench report");
        assertThat(dom.get("charts").asInt()).as("inline SVG charts").isGreaterThanOrEqualTo(2); // summary + iterations
        assertThat(dom.get("figureTables").asInt()).isEqualTo(1);
        assertThat(dom.get("sections").toString()).contains("summary", "w-hash", "environments", "host", "trials");
        assertThat(dom.get("chartWidth").asDouble()).as("charts are laid out, not collapsed").isGreaterThan(300);
        assertThat(dom.get("text").asText()).contains("throughput").contains("native");

        screenshot(url);
        assertThat(SCREENSHOT).isRegularFile();
        assertThat(javax.imageio.ImageIO.read(SCREENSHOT.toFile()).getWidth()).isEqualTo(1280);
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

    /** Opens the page in a DevTools-driven Chromium and records its requests, errors and DOM. */
    private DevToolsResult openWithDevTools(String url) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "chromium-cdp");
        List<String> cmd = new ArrayList<>(baseArgs(profile));
        cmd.addAll(List.of("--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (CdpClient cdp = CdpClient.connect(devToolsUrl(p))) {
            String target = cdp.call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
            String session = cdp.call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true)).get("sessionId").asText();
            for (String domain : List.of("Network", "Runtime", "Log", "Page")) {
                cdp.call(session, domain + ".enable", Map.of());
            }
            DevToolsResult page = visit(cdp, session, url);
            // the harness proves it can see what it looks for: a page that loads an image from
            // loopback and logs an error must show both
            Path canary = tmp.resolve("canary.html");
            Files.writeString(canary, "<!DOCTYPE html><html><head><title>canary</title></head><body>"
                    + "<img src=\"http://127.0.0.1:9/canary.png\"><script>console.error('canary error')</script></body></html>");
            DevToolsResult check = visit(cdp, session, canary.toUri().toString());
            assertThat(check.requests()).as("the harness sees requests").anyMatch(u -> u.startsWith("http://127.0.0.1:9/"));
            assertThat(check.errors()).as("the harness sees console errors").anyMatch(e -> e.contains("canary error"));
            try {
                cdp.call(null, "Browser.close", Map.of());
            } catch (Exception ignored) {
                // the browser may drop the connection while closing
            }
            return page;
        } finally {
            stop(p);
        }
    }

    /** Navigates the attached page to {@code url} and collects what happened until it loaded, and a moment after. */
    private static DevToolsResult visit(CdpClient cdp, String session, String url) throws Exception {
        cdp.events.clear();
        cdp.call(session, "Page.navigate", Map.of("url", url));
        cdp.awaitEvent("Page.loadEventFired", 60);
        Thread.sleep(500); // late console messages or requests, if any, arrive in this window
        String expr = "JSON.stringify({title: document.title,"
                + " charts: document.querySelectorAll('svg.chart').length,"
                + " figureTables: document.querySelectorAll('table.figures').length,"
                + " sections: Array.from(document.querySelectorAll('section')).map(s => s.id),"
                + " chartWidth: document.querySelector('svg.chart') ? document.querySelector('svg.chart').getBoundingClientRect().width : 0,"
                + " text: document.body.innerText.slice(0, 20000)})";
        JsonNode eval = cdp.call(session, "Runtime.evaluate", Map.of("expression", expr, "returnByValue", true));
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
