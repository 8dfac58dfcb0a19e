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
}
