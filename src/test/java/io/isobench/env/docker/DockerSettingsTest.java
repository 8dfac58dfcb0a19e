package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.env.Variant;
import io.isobench.image.Flavor;
import io.isobench.workload.ParamSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing and checking docker variants: no engine needed. */
class DockerSettingsTest {

    /** A variant with the environment's defaults and the given settings, as the planner resolves it. */
    private static Variant variant(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (ParamSpec s : DockerSettings.specs()) {
            m.put(s.name(), String.valueOf(s.defaultFor(null)));
        }
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Variant.of("docker", m);
    }

    private static DockerEngine.EngineInfo engine(List<String> runtimes, Map<String, List<String>> args) {
        return new DockerEngine.EngineInfo("20.10", "1.41", "overlay2", "1", "cgroupfs", runtimes, args, "runc", "6.1", "/var/lib/docker");
    }

    @Test
    void defaultsAreNatOverlayRuncFullImageWithoutLimits() {
        DockerSettings s = DockerSettings.of(variant());
        assertThat(s.network()).isEqualTo(DockerSettings.Network.NAT);
        assertThat(s.storage()).isEqualTo(DockerSettings.Storage.OVERLAY);
        assertThat(s.runtime()).isEqualTo("runc");
        assertThat(s.image()).isEqualTo(Flavor.FULL);
        assertThat(s.nanoCpus()).isZero();
        assertThat(s.memoryBytes()).isZero();
        assertThat(s.cpusetCpus()).isNull();
        assertThat(s.reachable()).isTrue();
    }

    @Test
    void limitsConvertToTheEnginesUnits() {
        DockerSettings s = DockerSettings.of(variant("cpus", "0.5", "memory", "512M", "cpuset", "0"));
        assertThat(s.nanoCpus()).isEqualTo(500_000_000L);
        assertThat(s.memoryBytes()).isEqualTo(512L << 20);
        assertThat(s.cpusetCpus()).isEqualTo("0");
        assertThat(DockerSettings.parseMemory("2G")).isEqualTo(2L << 30);
        assertThat(DockerSettings.parseCpus("1")).isEqualTo(1_000_000_000L);
    }

    @Test
    void badLimitsNameTheSettingTheValueAndTheFix() {
        assertThatThrownBy(() -> DockerSettings.parseCpus("lots")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("cpus='lots'").hasMessageContaining("cpus=1.5");
        int host = Runtime.getRuntime().availableProcessors();
        assertThatThrownBy(() -> DockerSettings.parseCpus(String.valueOf(host + 1))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> DockerSettings.parseCpus("0")).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> DockerSettings.parseMemory("1M")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("memory=1M").hasMessageContaining("512M");
        assertThatThrownBy(() -> DockerSettings.parseMemory("much")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("not a size");
        assertThatThrownBy(() -> DockerSettings.parseCpuset("0-")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("cpuset='0-'");
        assertThatThrownBy(() -> DockerSettings.parseCpuset(String.valueOf(host))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("names CPU " + host);
        assertThat(DockerSettings.parseCpuset("none")).isNull();
    }

    @Test
    void gvisorWithANetworkIsRefusedNamingTheCombinationAndTheFix() {
        for (String net : List.of("nat", "proxy", "bridge", "host")) {
            assertThatThrownBy(() -> DockerSettings.of(variant("runtime", "runsc", "network", net)))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("runtime=runsc with network=" + net)
                    .hasMessageContaining("network=none");
        }
        assertThat(DockerSettings.of(variant("runtime", "runsc", "network", "none")).reachable()).isFalse();
    }

    @Test
    void theDefaultVariantsNeverCombineGvisorWithANetwork() {
        DockerEnvironment env = new DockerEnvironment();
        assertThat(env.defaultVariants()).isNotEmpty();
        for (Map<String, String> given : env.defaultVariants()) {
            Map<String, String> all = new LinkedHashMap<>();
            for (ParamSpec s : env.settings()) {
                all.put(s.name(), String.valueOf(s.defaultFor(null)));
            }
            all.putAll(given);
            DockerSettings s = DockerSettings.of(Variant.of("docker", all));
            assertThat(s.runtime().equals("runsc") && s.reachable()).isFalse();
        }
    }

    @Test
    void theRuntimeIsCheckedAgainstWhatTheEngineLists() {
        DockerSettings runc = DockerSettings.of(variant());
        runc.check(engine(List.of("runc"), Map.of("runc", List.of())));
        DockerSettings gvisor = DockerSettings.of(variant("runtime", "runsc", "network", "none"));
        assertThatThrownBy(() -> gvisor.check(engine(List.of("runc"), Map.of("runc", List.of()))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no such runtime").hasMessageContaining("setup-host.sh");
        // registered, but with gVisor's own network stack: it would fail to start and leave processes behind
        assertThatThrownBy(() -> gvisor.check(engine(List.of("runc", "runsc"), Map.of("runsc", List.of()))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--network=none").hasMessageContaining("daemon.json");
        gvisor.check(engine(List.of("runc", "runsc"), Map.of("runsc", List.of("--network=none"))));
    }
}
