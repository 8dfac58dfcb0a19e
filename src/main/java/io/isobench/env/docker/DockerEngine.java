package io.isobench.env.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient;
import io.isobench.result.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The Docker Engine, reached through its API on the unix socket ({@code $DOCKER_HOST}, else
 * {@code /var/run/docker.sock}) with docker-java's zerodep transport. Two clients share the
 * socket: a quick one whose every answer has a deadline (probes, inspects, removals) and a
 * streaming one with no response deadline (image imports and builds, the agent's attached stdio,
 * which stays silent while a workload runs).
 */
public final class DockerEngine implements AutoCloseable {

    /** The label every container and volume of a run carries, with the run id as value. */
    public static final String RUN_LABEL = "isobench.run";
    /** The label naming the variant a container or volume belongs to. */
    public static final String VARIANT_LABEL = "isobench.variant";
    /** The label naming the one instance (its container's name) a container or volume belongs to: what its removal looks for. */
    public static final String INSTANCE_LABEL = "isobench.instance";

    /** What {@link #probe} found: the engine's identity and the facts every docker sample carries. */
    public record EngineInfo(String version, String apiVersion, String storageDriver, String cgroupVersion, String cgroupDriver,
                             List<String> runtimes, Map<String, List<String>> runtimeArgs, String defaultRuntime, String kernel,
                             String rootDir) {

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("engine_version", version);
            m.put("engine_api_version", apiVersion);
            m.put("storage_driver", storageDriver);
            m.put("cgroup_version", cgroupVersion);
            m.put("cgroup_driver", cgroupDriver);
            m.put("runtimes", runtimes);
            m.put("runtime_args", runtimeArgs);
            m.put("default_runtime", defaultRuntime);
            return m;
        }

        /** One line for doctor and the probe. */
        public String describe() {
            return "Docker Engine " + version + " (API " + apiVersion + "), storage " + storageDriver + ", cgroup v" + cgroupVersion
                    + " (" + cgroupDriver + "), runtimes " + String.join(", ", runtimes);
        }
    }

    private final URI host;
    private final DockerClient quick;
    private final DockerClient streaming;
    private final DockerHttpClient streamingHttp;
    private final DockerHttpClient quickHttp;

    private DockerEngine(URI host, Duration quickTimeout) {
        this.host = host;
        DockerClientConfig cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host.toString()).build();
        this.quickHttp = new ZerodepDockerHttpClient.Builder().dockerHost(host).connectionTimeout(quickTimeout)
                .responseTimeout(quickTimeout).maxConnections(16).build();
        this.quick = DockerClientImpl.getInstance(cfg, quickHttp);
        this.streamingHttp = new ZerodepDockerHttpClient.Builder().dockerHost(host).connectionTimeout(quickTimeout).maxConnections(64).build();
        this.streaming = DockerClientImpl.getInstance(cfg, streamingHttp);
    }

    /** The engine of {@code $DOCKER_HOST} or the default socket; answers of the quick client are bounded by {@code timeout}. */
    public static DockerEngine connect(Duration timeout) {
        return new DockerEngine(defaultHost(), timeout);
    }

    /** The engine with ordinary deadlines (30 s per quick call: removing a big container can take a while). */
    public static DockerEngine connect() {
        return connect(Duration.ofSeconds(30));
    }

    static URI defaultHost() {
        String env = System.getenv("DOCKER_HOST");
        return URI.create(env != null && !env.isBlank() ? env.trim() : "unix:///var/run/docker.sock");
    }

    public URI host() {
        return host;
    }

    /** Calls with a deadline: inspect, create, start, remove, pause. */
    public DockerClient quick() {
        return quick;
    }

    /** Calls that stream for as long as they need: attach, image import and build. */
    public DockerClient streaming() {
        return streaming;
    }

    /**
     * Imports a root filesystem tar as image {@code repo:tag} ({@code POST /images/create?fromSrc=-}).
     * Sent on docker-java's transport directly: its {@code createImageCmd} encodes the stream as
     * JSON instead of sending the bytes (docker-java issue #2377), which the engine rejects with
     * "unexpected EOF".
     *
     * @return the new image's id
     */
    public String importImage(InputStream tar, String repo, String tag) throws IOException {
        String path = "/images/create?fromSrc=-&repo=" + URLEncoder.encode(repo, StandardCharsets.UTF_8) + "&tag="
                + URLEncoder.encode(tag, StandardCharsets.UTF_8);
        DockerHttpClient.Request req = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.POST).path(path)
                .putHeader("Content-Type", "application/x-tar").body(tar).build();
        try (DockerHttpClient.Response resp = streamingHttp.execute(req)) {
            // the answer is a stream of JSON progress messages; the last names the image or the error
            String id = null;
            String error = null;
            var parser = Json.mapper().getFactory().createParser(resp.getBody());
            var it = Json.mapper().readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode msg = it.next();
                if (msg.hasNonNull("error")) {
                    error = msg.get("error").asText();
                } else if (msg.hasNonNull("message")) {
                    error = msg.get("message").asText();
                } else if (msg.path("status").asText().startsWith("sha256:")) {
                    id = msg.get("status").asText();
                }
            }
            if (resp.getStatusCode() / 100 != 2 || error != null || id == null) {
                throw new IOException("the engine refused the import of " + repo + ":" + tag + " (HTTP " + resp.getStatusCode() + "): "
                        + (error == null ? "no image id in its answer" : error));
            }
            return id;
        }
    }

    /** Asks the engine who it is; throws when it does not answer within the quick deadline. */
    public EngineInfo info() {
        Info info = quick.infoCmd().exec();
        Version v = quick.versionCmd().exec();
        List<String> runtimes = new ArrayList<>(info.getRuntimes() == null ? List.of() : new TreeSet<>(info.getRuntimes().keySet()));
        Map<String, List<String>> runtimeArgs = runtimeArgs();
        String defaultRuntime = "runc";
        Object dr = info.getRawValues() == null ? null : info.getRawValues().get("DefaultRuntime");
        if (dr != null) {
            defaultRuntime = dr.toString();
        }
        String cgroupVersion = info.getCGroupVersion() == null || info.getCGroupVersion().isBlank() ? "1" : info.getCGroupVersion();
        return new EngineInfo(info.getServerVersion(), v.getApiVersion(), info.getDriver(), cgroupVersion, info.getCGroupDriver(),
                runtimes, runtimeArgs, defaultRuntime, info.getKernelVersion(), info.getDockerRootDir());
    }

    /** Each runtime's arguments from {@code GET /info}: docker-java models a runtime's path only. */
    private Map<String, List<String>> runtimeArgs() {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path("/info").build();
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (DockerHttpClient.Response resp = quickHttp.execute(req)) {
            JsonNode runtimes = Json.mapper().readTree(resp.getBody()).path("Runtimes");
            runtimes.fields().forEachRemaining(e -> {
                List<String> args = new ArrayList<>();
                e.getValue().path("runtimeArgs").forEach(a -> args.add(a.asText()));
                out.put(e.getKey(), List.copyOf(args));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("reading the engine's runtimes: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            quick.close();
            quickHttp.close();
        } catch (IOException ignored) {
            // closing idle connections is best effort
        }
        try {
            streaming.close();
            streamingHttp.close();
        } catch (IOException ignored) {
            // idem
        }
    }
}
