package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.github.dockerjava.api.exception.NotFoundException;
import io.isobench.agent.Protocol;
import io.isobench.agent.AgentLauncher;
import io.isobench.env.Availability;
import io.isobench.env.Cleanup;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.StartContext;
import io.isobench.env.Variant;
import io.isobench.host.HostFacts;
import io.isobench.core.Endpoint;
import io.isobench.core.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real containers of the small image on the local engine: the agent runs inside the container
 * the engine reports, each variant shows from inside, and nothing labelled with the run id is
 * left afterwards.
 */
@Tag("integration")
class DockerEnvironmentIT {

    private static final DockerEnvironment ENV = new DockerEnvironment();
    private static final String RUN_ID = "it-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    private static DockerEngine engine;

    @TempDir
    Path logs;

    @BeforeAll
    static void engineAnswers() {
        Availability a = ENV.probe(HostFacts.read());
        assertThat(a.available()).as("a Docker Engine must answer for these tests (scripts/setup-host.sh): " + a.detail()).isTrue();
        engine = DockerEngine.connect();
    }

    @AfterAll
    static void nothingLabelledWithTheRunIsLeft() {
        try {
            assertThat(new DockerLeftovers(engine).find(RUN_ID)).isEmpty();
        } finally {
            engine.close();
        }
    }

    private static Variant variant(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("image", "small");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Variant.resolve(ENV, m, "test");
    }

    private EnvironmentInstance start(Variant v, Cleanup cleanup) throws Exception {
        return ENV.start(v, new StartContext(RUN_ID, logs, AgentLauncher.current(), cleanup, HostFacts.read(), Duration.ofMinutes(2)));
    }

    private static String hostNetNs() throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    }

    private static Map<String, Object> hostConfig(EnvironmentInstance i) {
        @SuppressWarnings("unchecked")
        Map<String, Object> h = (Map<String, Object>) i.facts().get("host_config");
        return h;
    }

    @Test
    void natWithLimitsRunsTheAgentInTheContainerTheEngineReportsWithTheLimitsInItsCgroup() throws Exception {
        try (Cleanup cleanup = new Cleanup(); EnvironmentInstance i = start(variant("network", "nat", "cpus", "0.5", "memory", "512M"), cleanup)) {
            String id = (String) i.facts().get("container_id");
            assertThat(id).hasSize(64);
            // the agent's own cgroup names the container the engine created
            assertThat((String) i.insideFacts().get("cgroup")).contains(id);
            assertThat(i.insideFacts().get("hostname")).isEqualTo(id.substring(0, 12));
            // the limits as the kernel enforces them, read inside
            assertThat(i.insideFacts().get("cpu_quota")).isEqualTo("0.5");
            assertThat(((Number) i.insideFacts().get("memory_limit_bytes")).longValue()).isEqualTo(512L << 20);
            assertThat(((Number) hostConfig(i).get("nano_cpus")).longValue()).isEqualTo(500_000_000L);
            // a network namespace of its own, reached through ports published on loopback
            assertThat(i.insideFacts().get("ns_net")).isNotEqualTo(hostNetNs());
            @SuppressWarnings("unchecked")
            Map<String, String> bindings = (Map<String, String>) hostConfig(i).get("port_bindings");
            int inside = i.serverPorts().get(0);
            Endpoint tcp = i.endpoint(inside, Transport.TCP);
            Endpoint udp = i.endpoint(inside, Transport.UDP);
            assertThat(tcp.host()).isEqualTo("127.0.0.1");
            assertThat(bindings.get(inside + "/tcp")).isEqualTo("127.0.0.1:" + tcp.port());
            assertThat(bindings.get(inside + "/udp")).isEqualTo("127.0.0.1:" + udp.port());
            assertThat(i.facts().get("data_dir")).isEqualTo(DockerInstance.OVERLAY_DATA_DIR);
            // the agent serves requests, also after a pause (freezer) and resume
            i.pause();
            assertThat(engine.quick().inspectContainerCmd(id).exec().getState().getPaused()).isTrue();
            i.resume();
            assertThat(String.valueOf(i.agent().call(new Protocol.ReadFacts(), Duration.ofSeconds(30)).facts().get("hostname")))
                    .isEqualTo(id.substring(0, 12));
            assertThat(i.alive()).isTrue();
        }
    }

    @Test
    void hostNetworkSharesTheHostsNamespaceAndAVolumeHoldsTheDataUntilTheEnd() throws Exception {
        String volume;
        try (Cleanup cleanup = new Cleanup(); EnvironmentInstance i = start(variant("network", "host", "storage", "volume"), cleanup)) {
            assertThat(i.insideFacts().get("ns_net")).isEqualTo(hostNetNs());
            assertThat(i.insideFacts().get("ns_pid")).isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString());
            // servers share the host's ports: free ones were picked, reached on loopback
            int port = i.serverPorts().get(0);
            assertThat(DockerInstance.INSIDE_PORTS).doesNotContain(port);
            assertThat(i.endpoint(port, Transport.TCP)).isEqualTo(new Endpoint("127.0.0.1", port, "docker-host"));
            assertThat(i.facts().get("data_dir")).isEqualTo(DockerInstance.MOUNTED_DATA_DIR);
            volume = ((String) i.facts().get("storage_source")).substring("volume ".length());
            var v = engine.quick().inspectVolumeCmd(volume).exec();
            assertThat(v.getLabels()).containsEntry(DockerEngine.RUN_LABEL, RUN_ID).containsEntry(DockerEngine.VARIANT_LABEL, i.variant().label());
        }
        String gone = volume;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.quick().inspectVolumeCmd(gone).exec())
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void bridgeReachesTheContainersOwnAddressAndABindFolderIsRemovedAtTheEnd() throws Exception {
        Path folder;
        try (Cleanup cleanup = new Cleanup(); EnvironmentInstance i = start(variant("network", "bridge", "storage", "bind", "cpuset", "0"), cleanup)) {
            assertThat(i.insideFacts().get("ns_net")).isNotEqualTo(hostNetNs());
            assertThat(i.insideFacts().get("cpuset")).isEqualTo("0");
            assertThat(i.insideFacts().get("cpus")).isEqualTo(1);
            String ip = (String) i.facts().get("container_ip");
            assertThat(ip).matches("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+");
            assertThat(i.endpoint(DockerInstance.INSIDE_PORTS.get(1), Transport.UDP))
                    .isEqualTo(new Endpoint(ip, DockerInstance.INSIDE_PORTS.get(1), "docker-bridge"));
            folder = Path.of(((String) i.facts().get("storage_source")).substring("bind ".length()));
            assertThat(folder.resolve("data")).isDirectory();
            assertThat(Files.readString(folder.resolve(DockerInstance.BIND_MARKER)).strip()).isEqualTo(RUN_ID);
        }
        assertThat(folder).doesNotExist();
    }

    @Test
    void gvisorAnswersWithItsOwnKernel() throws Exception {
        DockerEngine.EngineInfo info = engine.info();
        assumeThat(info.runtimeArgs().getOrDefault("runsc", List.of()))
                .as("the engine's runsc must run without its network stack (runtimeArgs --network=none); see DockerSettings.check")
                .contains("--network=none");
        try (Cleanup cleanup = new Cleanup(); EnvironmentInstance i = start(variant("runtime", "runsc", "network", "none"), cleanup)) {
            assertThat(hostConfig(i).get("runtime")).isEqualTo("runsc");
            // gVisor's Sentry answers system calls: it reports its own kernel release, not the host's
            assertThat(i.insideFacts().get("kernel")).isNotEqualTo(HostFacts.read().kernel());
            assertThat(i.insideFacts().get("kernel")).isEqualTo("4.4.0");
            assertThat(i.facts().get("container_ip")).isNull();
        }
    }

    @Test
    void aRunThatDiesWithoutClosingItsInstanceStillRemovesEverythingThroughItsCleanup() throws Exception {
        Cleanup cleanup = new Cleanup();
        EnvironmentInstance i = start(variant("network", "nat", "storage", "volume"), cleanup);
        String id = (String) i.facts().get("container_id");
        assertThat(new DockerLeftovers(engine).find(RUN_ID)).extracting(DockerLeftovers.Leftover::kind).contains("container", "volume");
        // what Ctrl-C does: the shutdown hook runs the registered removals, the instance is never closed
        cleanup.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.quick().inspectContainerCmd(id).exec())
                .isInstanceOf(NotFoundException.class);
        assertThat(new DockerLeftovers(engine).find(RUN_ID)).isEmpty();
        i.close(); // harmless afterwards
    }
}
