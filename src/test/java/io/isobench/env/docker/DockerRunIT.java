package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.cli.Main;
import io.isobench.result.RunDirectory;
import io.isobench.result.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with the full guest image: {@code isobench run --env native,docker} measures a
 * workload natively and in docker's default variants, side by side in one samples file, and
 * leaves no container or volume behind.
 */
@Tag("integration")
class DockerRunIT {

    @TempDir
    Path results;

    @Test
    void nativeAndDockerVariantsRunSideBySide() throws Exception {
        int code = Main.execute("run", "--env", "native,docker", "--workload", "hash", "-p", "hash.size=1M", "-p", "hash.passes=2",
                "-n", "2", "--warmup", "0", "-o", results.toString());
        assertThat(code).isZero();
        Path runDir;
        try (Stream<Path> s = Files.list(results)) {
            runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        List<Sample> samples = RunDirectory.open(runDir).readSamples();
        Map<String, Set<String>> variantsByEnv = samples.stream()
                .collect(Collectors.groupingBy(Sample::environment, Collectors.mapping(Sample::variant, Collectors.toSet())));
        assertThat(variantsByEnv.get("native")).containsExactly("native");
        // docker's default variants: the NAT path (its defaults) and the host's network
        assertThat(variantsByEnv.get("docker")).containsExactlyInAnyOrder("docker", "docker[network=host]");
        for (Sample smp : samples) {
            assertThat(smp.value()).isPositive();
            if (smp.environment().equals("docker")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> env = (Map<String, Object>) smp.metadata().get("environment");
                @SuppressWarnings("unchecked")
                Map<String, Object> inside = (Map<String, Object>) smp.metadata().get("inside");
                assertThat(env.get("image_flavor")).isEqualTo("full");
                assertThat((String) inside.get("cgroup")).contains((String) env.get("container_id"));
            }
        }
        try (DockerEngine engine = DockerEngine.connect()) {
            assertThat(new DockerLeftovers(engine).find(runDir.getFileName().toString())).isEmpty();
        }
    }
}
