package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Host ports for servers that share the host's network namespace (network=host). */
class DockerInstancePortsTest {

    @Test
    void freePortsAreDistinctAndBindableForTcpAndUdp() throws Exception {
        List<Integer> ports = DockerInstance.freePorts(2);
        assertThat(ports).hasSize(2).doesNotHaveDuplicates().doesNotContainAnyElementsOf(DockerInstance.INSIDE_PORTS);
        for (int p : ports) {
            try (ServerSocket tcp = new ServerSocket(p); DatagramSocket udp = new DatagramSocket(p)) {
                assertThat(tcp.getLocalPort()).isEqualTo(p);
                assertThat(udp.getLocalPort()).isEqualTo(p);
            }
        }
    }

    @Test
    void natPublishesWhereTheClientReachesTheHostAndProxyOnLoopback() {
        // the client namespace's veth: the kernel's DNAT carries it
        assertThat(DockerInstance.publishAddress(DockerSettings.Network.NAT, "10.214.0.1")).isEqualTo("10.214.0.1");
        // load from the host's own stack: only 127.0.0.1 is there, and docker-proxy serves it
        assertThat(DockerInstance.publishAddress(DockerSettings.Network.NAT, null)).isEqualTo("127.0.0.1");
        assertThat(DockerInstance.publishAddress(DockerSettings.Network.PROXY, "10.214.0.1")).isEqualTo("127.0.0.1");
        assertThat(DockerInstance.publishAddress(DockerSettings.Network.BRIDGE, "10.214.0.1")).isNull();
        assertThat(DockerInstance.publishAddress(DockerSettings.Network.HOST, null)).isNull();
        assertThat(DockerInstance.publishedPath("127.0.0.1")).contains("docker-proxy");
        assertThat(DockerInstance.publishedPath("10.214.0.1")).contains("DNAT");
    }
}
