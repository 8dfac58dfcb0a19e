package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run that once reported Docker's LINPACK 1.4x faster than native, as a user starts it: the
 * {@code isobench} launcher from a shell that sets {@code OPENBLAS_CORETYPE} and
 * {@code JAVA_TOOL_OPTIONS}. The agents in native and docker must run the same BLAS kernels with
 * the same JVM flags, the run must name the two variables once, and nothing may be confounded.
 */
@Tag("integration")
class SameSoftwareIT {

    @TempDir
    Path results;

    @Test
    void variablesOfTheInvokingShellReachNoAgentAndAreNamedOnce() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("./isobench", "run", "--env", "native,docker", "--variant", "docker.network=host",
                "--workload", "linpack,hash", "-p", "linpack.n=600", "-p", "hash.size=1M", "-n", "2", "--warmup", "0",
                "-o", results.toString()).redirectErrorStream(true);
        pb.environment().put("OPENBLAS_CORETYPE", "Prescott");
        pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
        Path log = results.resolve("console.txt");
        Process p = pb.redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the run ends").isTrue();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();

        // named once, in one warning
        assertThat(out.lines().filter(l -> l.contains("OPENBLAS_CORETYPE") && l.contains("--pass-env")).count()).as(out).isEqualTo(1);
        assertThat(out).contains("JAVA_TOOL_OPTIONS").doesNotContain("! confounded");

        Path runDir;
        try (Stream<Path> s = Files.list(results)) {
            runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        RunDirectory dir = RunDirectory.open(runDir);
        RunRecord r = dir.readRecord();
        assertThat(((Map<?, ?>) r.agentEnvironment().get("left_behind")).keySet().stream().map(String::valueOf).toList())
                .contains("OPENBLAS_CORETYPE", "JAVA_TOOL_OPTIONS");

        List<Sample> linpack = dir.readSamples().stream().filter(s -> s.workload().equals("linpack")).toList();
        assertThat(linpack).extracting(Sample::environment).contains("native", "docker");
        // one value of each fact across both environments: the same kernels, flags and variables
        for (String fact : List.of("workload.openblas_corename", "inside.jvm_flags", "inside.agent_env", "inside.jvm")) {
            Set<Object> values = linpack.stream().map(s -> at(s.metadata(), fact)).collect(Collectors.toSet());
            assertThat(values).as(fact).hasSize(1).doesNotContainNull();
        }
        assertThat(String.valueOf(at(linpack.get(0).metadata(), "inside.jvm_flags"))).doesNotContain("TieredStopAtLevel");
        assertThat(String.valueOf(at(linpack.get(0).metadata(), "workload.openblas_corename"))).isNotEqualTo("Prescott");
        assertThat(((Map<?, ?>) at(linpack.get(0).metadata(), "inside.agent_env")).keySet().stream().map(String::valueOf).toList())
                .doesNotContain("OPENBLAS_CORETYPE");
        try (DockerEngine engine = DockerEngine.connect()) {
            assertThat(new DockerLeftovers(engine).find(runDir.getFileName().toString())).isEmpty();
        }
    }

    private static Object at(Map<String, Object> m, String path) {
        Object o = m;
        for (String part : path.split("\\.")) {
            o = o instanceof Map<?, ?> map ? map.get(part) : null;
        }
        return o;
    }
}
