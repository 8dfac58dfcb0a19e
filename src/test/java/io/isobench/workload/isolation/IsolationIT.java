package io.isobench.workload.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.cli.Main;
import io.isobench.result.RunDirectory;
import io.isobench.result.Sample;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The isolation probes where the answers are known: natively the host's kernel, PIDs and network;
 * a default container shares the kernel but not the PIDs or the network namespace; gVisor answers
 * with its own kernel; a VM shares nothing with the host's kernel. Also the startup workload on
 * each, whose figures must exist and be positive.
 */
@Tag("integration")
class IsolationIT {

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static Object verdict(List<Sample> samples, String variant, String probe) {
        Sample s = samples.stream().filter(x -> x.variant().equals(variant) && x.workload().equals("isolation")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no isolation sample for " + variant));
        Map<String, Object> v = (Map<String, Object>) ((Map<String, Object>) s.metadata().get("workload")).get("verdicts");
        return ((Map<String, Object>) v.get(probe)).get("verdict");
    }

    @Test
    void verdictsMatchWhatEachEnvironmentIsKnownToIsolate() throws Exception {
        Path suite = tmp.resolve("iso.yaml");
        Files.writeString(suite, """
                name: isolation-check
                repetition: {warmup: 0, iterations: 1}
                workloads:
                  - isolation
                  - {name: startup, params: {instances: 1}}
                environments:
                  - native
                  - name: docker
                    variants: [{image: small}, {image: small, runtime: runsc, network: none}]
                  - name: vm
                    variants: [{image: small}]
                """);
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "run", "--suite", suite.toString(),
                "--results", tmp.resolve("results").toString());
        assertThat(code).as(out.toString()).isZero();
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("results"))) {
            run = s.findFirst().orElseThrow();
        }
        List<Sample> samples = RunDirectory.open(run).readSamples();
        String runc = "docker[image=small]";
        String runsc = "docker[image=small,network=none,runtime=runsc]";
        String vm = "vm[image=small]";

        assertThat(verdict(samples, "native", "kernel_shared_with_host")).isEqualTo(true);
        assertThat(verdict(samples, "native", "host_pids_visible")).isEqualTo(true);

        assertThat(verdict(samples, runc, "kernel_shared_with_host")).isEqualTo(true);
        assertThat(verdict(samples, runc, "host_pids_visible")).isEqualTo(false);
        assertThat(verdict(samples, runc, "host_network_namespace")).isEqualTo(false);
        assertThat(verdict(samples, runc, "seccomp")).isEqualTo("2"); // Docker's default profile

        assertThat(verdict(samples, runsc, "kernel_shared_with_host")).isEqualTo(false);
        assertThat(verdict(samples, runsc, "host_pids_visible")).isEqualTo(false);

        assertThat(verdict(samples, vm, "kernel_shared_with_host")).isEqualTo(false);
        assertThat(verdict(samples, vm, "host_pids_visible")).isEqualTo(false);

        for (String variant : List.of("native", runc, runsc, vm)) {
            assertThat(samples).filteredOn(s -> s.variant().equals(variant) && s.workload().equals("startup"))
                    .extracting(Sample::metric).contains("cold_start", "warm_start", "request_rtt", "density_start");
            assertThat(samples).filteredOn(s -> s.variant().equals(variant) && s.workload().equals("startup"))
                    .allSatisfy(s -> assertThat(s.value()).isPositive());
        }
        // memory per instance where the environment can tell: every one here can
        assertThat(samples).filteredOn(s -> s.metric().equals("memory_per_instance")).extracting(Sample::variant)
                .contains("native", runc, vm);
    }
}
