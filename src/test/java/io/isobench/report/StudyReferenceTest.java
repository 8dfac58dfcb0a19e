package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The mapping from isobench figures to the study's, checked against the bundled published figures. */
class StudyReferenceTest {

    private final StudyReference study = StudyReference.bundled();

    /** The bundled CSV read independently: (benchmark, metric, setup) -> value. */
    private static Map<String, Double> published() throws Exception {
        Map<String, Double> m = new HashMap<>();
        try (var in = StudyReferenceTest.class.getResourceAsStream("/io/isobench/reference/felter2014.csv");
             var br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            br.lines().filter(l -> !l.startsWith("#") && !l.startsWith("benchmark,") && !l.isBlank()).forEach(l -> {
                String[] f = l.split(",");
                m.put(f[0] + "/" + f[1] + "/" + f[4], Double.valueOf(f[5]));
            });
        }
        return m;
    }

    private Optional<StudyReference.Ratio> ratio(String workload, String metric, Map<String, Object> labels, String env,
                                                 Map<String, String> settings) {
        return study.ratio(workload, metric, labels, Map.of(), env, settings);
    }

    @Test
    void ratiosAreTheStudysSetupOverItsNative() throws Exception {
        Map<String, Double> p = published();
        // higher is better: setup / native
        var linpackTuned = ratio("linpack", "gflops", Map.of(), "vm", Map.of("tuning", "tuned")).orElseThrow();
        assertThat(linpackTuned.setup()).isEqualTo("kvm-tuned");
        assertThat(linpackTuned.performance()).isCloseTo(p.get("linpack/gflops/kvm-tuned") / p.get("linpack/gflops/native"), Offset.offset(1e-12));
        assertThat(ratio("linpack", "gflops", Map.of(), "vm", Map.of()).orElseThrow().setup()).isEqualTo("kvm-untuned");
        // lower is better: native / setup, so a slower VM is below 1
        var rr = ratio("tcp_rr", "latency", Map.of(), "vm", Map.of()).orElseThrow();
        assertThat(rr.metric()).isEqualTo("latency_100_200B");
        assertThat(rr.performance()).isCloseTo(p.get("tcp_rr/latency_100_200B/native") / p.get("tcp_rr/latency_100_200B/kvm"), Offset.offset(1e-12))
                .isLessThan(1);
    }

    @Test
    void dockerSettingsPickTheStudysNetworkSetups() {
        assertThat(ratio("redis", "get", Map.of("clients", 10), "docker", Map.of("network", "nat")).orElseThrow().setup()).isEqualTo("docker-nat");
        assertThat(ratio("redis", "get", Map.of("clients", 1), "docker", Map.of("network", "host")).orElseThrow().metric()).isEqualTo("get_1_client");
        // the study's NAT is the kernel's DNAT (network=nat); docker-proxy (network=proxy) is a path it never measured
        assertThat(ratio("redis", "get", Map.of("clients", 10), "docker", Map.of("network", "proxy"))).isEmpty();
        assertThat(ratio("tcp_stream", "throughput", Map.of("direction", "host_to_env"), "docker", Map.of("network", "nat")).orElseThrow()
                .setup()).isEqualTo("docker-nat");
        assertThat(ratio("tcp_stream", "throughput", Map.of("direction", "host_to_env"), "docker", Map.of("network", "proxy"))).isEmpty();
        // STREAM has only "docker": a host-network container falls back to it
        assertThat(ratio("stream", "triad", Map.of(), "docker", Map.of("network", "host")).orElseThrow().setup()).isEqualTo("docker");
        // MySQL with its data in the container filesystem behind NAT is the study's aufs setup
        assertThat(study.ratio("mysql", "tps", Map.of(), Map.of("threads", 10), "docker", Map.of("network", "nat", "storage", "container"))
                .orElseThrow().setup()).isEqualTo("docker-nat-aufs");
        assertThat(study.ratio("blockio", "iops", Map.of(), Map.of("pattern", "randread"), "native", Map.of()).orElseThrow().performance())
                .isEqualTo(1.0); // native against itself
        assertThat(study.ratio("blockio", "iops", Map.of(), Map.of("pattern", "randread"), "docker", Map.of()).orElseThrow().metric())
                .isEqualTo("rand_read_4k_qd16x8");
        assertThat(study.ratio("blockio", "bandwidth", Map.of(), Map.of("pattern", "write"), "vm", Map.of()).orElseThrow().metric())
                .isEqualTo("seq_write_1M");
    }

    @Test
    void figuresTheStudyDidNotMeasureMapToNothing() {
        assertThat(ratio("hash", "throughput", Map.of(), "docker", Map.of())).isEmpty();
        assertThat(ratio("stream", "copy", Map.of(), "docker", Map.of("runtime", "runsc"))).isEmpty(); // gVisor was not in the study
        assertThat(ratio("redis", "get", Map.of("clients", 50), "docker", Map.of())).isEmpty(); // no 50-client figure
        assertThat(ratio("tcp_rr", "p99", Map.of(), "vm", Map.of())).isEmpty(); // the study reports the mean only
        assertThat(ratio("compress", "throughput", Map.of(), "vm", Map.of())).isEmpty();
    }

    @Test
    void redisAndTcpStreamMapByTheFiguresOwnName() {
        // redis's parameters list every command: SET or GET's latency must not pass for the study's GET throughput
        Map<String, Object> commands = Map.of("commands", "[PING, SET, GET]");
        assertThat(study.ratio("redis", "get", Map.of("clients", 10), commands, "docker", Map.of("network", "nat"))).isPresent();
        assertThat(study.ratio("redis", "set", Map.of("clients", 10), commands, "docker", Map.of("network", "nat"))).isEmpty();
        assertThat(study.ratio("redis", "get_p50", Map.of("clients", 10), commands, "docker", Map.of("network", "nat"))).isEmpty();
        // isobench's env_to_host is the study's server-to-client stream; CPU per GB is no throughput
        assertThat(ratio("tcp_stream", "throughput", Map.of("direction", "env_to_host"), "vm", Map.of()).orElseThrow().metric())
                .isEqualTo("server_to_client");
        assertThat(ratio("tcp_stream", "throughput", Map.of("direction", "host_to_env"), "vm", Map.of()).orElseThrow().metric())
                .isEqualTo("client_to_server");
        assertThat(ratio("tcp_stream", "cpu_host", Map.of("direction", "host_to_env"), "vm", Map.of())).isEmpty();
    }

    @Test
    void findingsAreEveryStudyFigureOverItsNative() throws Exception {
        Map<String, Double> p = published();
        var findings = study.findings();
        assertThat(findings).noneMatch(f -> f.setup().equals("native"));
        assertThat(findings).hasSize((int) p.keySet().stream().filter(k -> !k.endsWith("/native")).count());
        var nat = findings.stream().filter(f -> f.benchmark().equals("redis") && f.metric().equals("get_10_clients")
                && f.setup().equals("docker-nat")).findFirst().orElseThrow();
        assertThat(nat.performance()).isCloseTo(p.get("redis/get_10_clients/docker-nat") / p.get("redis/get_10_clients/native"),
                Offset.offset(1e-12));
        // the setup a variant is compared with: the most specific one the study has for that figure
        assertThat(study.setupFor("stream", "triad", "docker", Map.of("network", "host"))).contains("docker");
        assertThat(study.setupFor("redis", "get_10_clients", "docker", Map.of("network", "host"))).contains("docker-host");
        assertThat(study.setupFor("tcp_rr", "latency_100_200B", "docker", Map.of("network", "nat"))).isEmpty();
        assertThat(StudyReference.workloadOf("fio")).contains("blockio");
    }

    /**
     * A few of the study's figures pinned as published, not read back from the bundled CSV: the
     * 10-trial averages of Intel's optimized LINPACK in the authors' raw logs
     * (thewmf/kvm-docker-comparison, linpack/results: native 290.8286, Docker 290.8678, KVM untuned
     * 130.2833, KVM tuned 284.1987 GFLOPS, N = 45000), rounded as the CSV gives them.
     */
    @Test
    void linpacksRatiosAreThePublishedOnes() {
        assertThat(ratio("linpack", "gflops", Map.of(), "vm", Map.of("tuning", "tuned")).orElseThrow().performance())
                .isCloseTo(284.2 / 290.8, Offset.offset(1e-9)).isCloseTo(0.977, Offset.offset(5e-4));
        assertThat(ratio("linpack", "gflops", Map.of(), "vm", Map.of()).orElseThrow().performance())
                .isCloseTo(130.3 / 290.8, Offset.offset(1e-9)).isCloseTo(0.448, Offset.offset(5e-4));
        var docker = study.findings().stream().filter(f -> f.benchmark().equals("linpack") && f.setup().equals("docker"))
                .findFirst().orElseThrow();
        assertThat(docker.performance()).isCloseTo(290.9 / 290.8, Offset.offset(1e-9));
    }
}
