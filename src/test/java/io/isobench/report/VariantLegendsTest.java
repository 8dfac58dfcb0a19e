package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one-line explanations a run's variants earn, and only those. */
class VariantLegendsTest {

    private static ReportData.VariantInfo v(String label, String env, Map<String, String> settings) {
        return new ReportData.VariantInfo(label, env, settings, false, 0);
    }

    @Test
    void gvisorsPassthroughAndTheMicrovmAreExplainedWhenARunHasThem() {
        var runc = v("docker[network=host]", "docker", Map.of("runtime", "runc", "network", "host", "runsc_network", "sandbox"));
        var netstack = v("docker[network=bridge,runtime=runsc]", "docker", Map.of("runtime", "runsc", "network", "bridge",
                "runsc_network", "sandbox"));
        var passthrough = v("docker[network=bridge,runsc_network=host,runtime=runsc]", "docker", Map.of("runtime", "runsc",
                "network", "bridge", "runsc_network", "host"));
        var pc = v("vm", "vm", Map.of("machine", "pc"));
        var micro = v("vm[machine=microvm]", "vm", Map.of("machine", "microvm"));
        assertThat(ReportData.variantLegends(List.of(runc, netstack, pc))).isEmpty();
        List<String> all = ReportData.variantLegends(List.of(runc, passthrough, pc, micro));
        assertThat(all).hasSize(2);
        assertThat(all.get(0)).startsWith("runsc_network=host").contains("host kernel's TCP/IP stack").contains("less isolated");
        assertThat(all.get(1)).startsWith("vm machine=microvm").contains("no PCI bus");
        // Docker's NAT legend comes first when the run has one
        var nat = v("docker", "docker", Map.of("runtime", "runc", "network", "nat"));
        assertThat(ReportData.variantLegends(List.of(nat, micro))).hasSize(2).first().asString().startsWith("docker network=nat");
    }
}
