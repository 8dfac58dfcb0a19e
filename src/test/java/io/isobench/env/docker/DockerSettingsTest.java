package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.env.Variant;
import io.isobench.image.Flavor;
import io.isobench.core.ParamSpec;
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
    void eachGvisorNetworkModeIsAnEngineRuntimeOfItsOwn() {
        DockerSettings none = DockerSettings.of(variant("runtime", "runsc", "network", "none"));
        assertThat(none.reachable()).isFalse();
        assertThat(none.engineRuntime()).isEqualTo("runsc");
        assertThat(none.gvisorNetworkFact()).startsWith("none");
        for (String net : List.of("nat", "proxy", "bridge")) {
            DockerSettings netstack = DockerSettings.of(variant("runtime", "runsc", "network", net));
            assertThat(netstack.gvisorNetwork()).isEqualTo(DockerSettings.GvisorNetwork.SANDBOX);
            assertThat(netstack.engineRuntime()).isEqualTo("runsc-sandbox");
            assertThat(netstack.reachable()).isTrue();
            DockerSettings passthrough = DockerSettings.of(variant("runtime", "runsc", "network", net, "runsc_network", "host"));
            assertThat(passthrough.engineRuntime()).isEqualTo("runsc-host");
            assertThat(passthrough.gvisorNetworkFact()).contains("passthrough").contains("own network namespace");
        }
        // the passthrough in the host's namespace: no network isolation at all, but it runs
        assertThat(DockerSettings.of(variant("runtime", "runsc", "network", "host", "runsc_network", "host")).gvisorNetworkFact())
                .contains("the host's");
        DockerSettings runc = DockerSettings.of(variant());
        assertThat(runc.engineRuntime()).isEqualTo("runc");
        assertThat(runc.gvisorNetworkFact()).isNull();
    }

    @Test
    void gvisorNetworkModesThatCannotRunAnywhereAreRefusedWithTheFix() {
        assertThatThrownBy(() -> DockerSettings.of(variant("runsc_network", "host"))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("runsc_network=host applies to runtime=runsc only");
        assertThatThrownBy(() -> DockerSettings.of(variant("runtime", "runsc", "network", "none", "runsc_network", "host")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("network=none").hasMessageContaining("network=nat");
        // gVisor's netstack refuses the host's namespace by design
        assertThatThrownBy(() -> DockerSettings.of(variant("runtime", "runsc", "network", "host")))
                .isInstanceOf(BadInputException.class).hasMessageContaining("root network namespace")
                .hasMessageContaining("runsc_network=host");
    }

    @Test
    void theDefaultVariantsAreRunc() {
        DockerEnvironment env = new DockerEnvironment();
        assertThat(env.defaultVariants()).isNotEmpty();
        for (Map<String, String> given : env.defaultVariants()) {
            Map<String, String> all = new LinkedHashMap<>();
            for (ParamSpec s : env.settings()) {
                all.put(s.name(), String.valueOf(s.defaultFor(null)));
            }
            all.putAll(given);
            assertThat(DockerSettings.of(Variant.of("docker", all)).gvisor()).isFalse();
        }
    }

    @Test
    void theRuntimeIsCheckedAgainstWhatTheEngineLists() {
        DockerSettings runc = DockerSettings.of(variant());
        runc.check(engine(List.of("runc"), Map.of("runc", List.of())));
        DockerSettings gvisor = DockerSettings.of(variant("runtime", "runsc", "network", "none"));
        assertThatThrownBy(() -> gvisor.check(engine(List.of("runc"), Map.of("runc", List.of()))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("does not list").hasMessageContaining("setup-host.sh");
        // registered, but with gVisor's own network stack: it would fail to start and leave processes behind
        assertThatThrownBy(() -> gvisor.check(engine(List.of("runc", "runsc"), Map.of("runsc", List.of()))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--network=none").hasMessageContaining("daemon.json");
        gvisor.check(engine(List.of("runc", "runsc"), Map.of("runsc", List.of("--network=none"))));
    }

    @Test
    void eachGvisorModeNeedsItsRuntimeRegisteredWithItsNetworkArgument() {
        DockerSettings passthrough = DockerSettings.of(variant("runtime", "runsc", "runsc_network", "host"));
        Map<String, List<String>> setup = Map.of("runsc", List.of("--network=none"), "runsc-host", List.of("--network=host"),
                "runsc-sandbox", List.of("--network=sandbox"));
        List<String> all = List.of("runc", "runsc", "runsc-host", "runsc-sandbox");
        passthrough.check(engine(all, setup));
        assertThatThrownBy(() -> passthrough.check(engine(List.of("runc", "runsc"), Map.of("runsc", List.of("--network=none")))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("runsc-host").hasMessageContaining("setup-host.sh");
        // a runsc-host that is not the passthrough would measure another mode under this label
        assertThatThrownBy(() -> passthrough.check(engine(all, Map.of("runsc-host", List.of("--network=none")))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--network=host").hasMessageContaining("registered with --network=none");
        DockerSettings netstack = DockerSettings.of(variant("runtime", "runsc"));
        netstack.check(engine(all, setup));
        // runsc's default mode is its own stack: a registration without --network serves it
        netstack.check(engine(all, Map.of("runsc-sandbox", List.of("--platform=ptrace"))));
        assertThatThrownBy(() -> netstack.check(engine(all, Map.of("runsc-sandbox", List.of("--network=host")))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--network=sandbox");
    }

    @Test
    void runscsOwnWordsAreTakenFromTheEnginesMessage() {
        String engine = "Status 500: {\"message\":\"OCI runtime start failed: starting container: setting up network: creating "
                + "interfaces from net namespace \\\"/proc/16752/ns/net\\\": cannot run with network enabled in root network "
                + "namespace: unknown\"}\n";
        assertThat(GvisorProbe.runscWords(engine)).startsWith("starting container: setting up network")
                .endsWith("cannot run with network enabled in root network namespace");
        assertThat(GvisorProbe.runscWords("something else")).isEqualTo("something else");
    }

    @Test
    void runcCarriesDirectIoToTheHostGvisorNeverDoesWhateverTheStorage() {
        for (String storage : List.of("overlay", "volume", "bind")) {
            DockerSettings runc = DockerSettings.of(variant("storage", storage));
            assertThat(runc.directIo()).as(storage).isTrue();
            assertThat(runc.directIoPath("overlay2", List.of())).as(storage).contains("as O_DIRECT requests");
            DockerSettings runsc = DockerSettings.of(variant("runtime", "runsc", "storage", storage));
            assertThat(runsc.directIo()).as(storage).isFalse();
            assertThat(runsc.directIoPath("overlay2", List.of("--network=sandbox"))).as(storage)
                    .contains("without O_DIRECT").contains("page cache").contains("google/gvisor#3626")
                    .contains(io.isobench.env.DirectIoPath.EVIDENCE);
        }
        assertThat(DockerSettings.of(variant("storage", "overlay")).directIoPath("overlay2", List.of())).contains("overlay2")
                .contains("overlayfs passes O_DIRECT");
    }

    @Test
    void aGvisorRootOverlayInMemoryIsNamedWhereItHoldsTheDataFolder() {
        assertThat(DockerSettings.memoryOverlayArg(List.of("--network=host"))).isNull();
        assertThat(DockerSettings.memoryOverlayArg(List.of("--network=host", "--overlay2=root:memory"))).isEqualTo("--overlay2=root:memory");
        assertThat(DockerSettings.memoryOverlayArg(List.of("--overlay"))).isEqualTo("--overlay");
        assertThat(DockerSettings.memoryOverlayArg(List.of("--overlay2=none"))).isNull();
        assertThat(DockerSettings.memoryOverlayArg(List.of("--overlay2=root:/var/tmp/filestore"))).isNull();

        DockerSettings rootfs = DockerSettings.of(variant("runtime", "runsc"));
        DockerSettings volume = DockerSettings.of(variant("runtime", "runsc", "storage", "volume"));
        List<String> rootInMemory = List.of("--network=sandbox", "--overlay2=root:memory");
        assertThat(rootfs.directIoPath("overlay2", rootInMemory)).contains("--overlay2=root:memory").contains("do not reach a host file");
        // only the root is overlaid: a volume still reaches a host file (through the page cache)
        assertThat(volume.directIoPath("overlay2", rootInMemory)).doesNotContain("do not reach a host file").contains("page cache");
        // every mount overlaid: the volume too
        assertThat(volume.directIoPath("overlay2", List.of("--overlay2=all:memory"))).contains("do not reach a host file");
        // without a flag the root file system's text warns of newer releases' default
        assertThat(rootfs.directIoPath("overlay2", List.of())).contains("--overlay2=root:memory, later root:self");
    }
}
