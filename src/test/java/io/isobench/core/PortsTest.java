package io.isobench.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one free-port finder: every port it gives is free for TCP and UDP alike. */
class PortsTest {

    @Test
    void everyPortIsBindableForTcpAndUdpOnTheWildcard() throws Exception {
        List<Integer> ports = Ports.freeTcpAndUdp(3, null, List.of());
        assertThat(ports).hasSize(3).doesNotHaveDuplicates();
        for (int p : ports) {
            try (ServerSocket tcp = new ServerSocket(p); DatagramSocket udp = new DatagramSocket(p)) {
                assertThat(tcp.getLocalPort()).isEqualTo(p);
                assertThat(udp.getLocalPort()).isEqualTo(p);
            }
        }
    }

    @Test
    void onLoopbackAndAvoidingWhatIsSaid() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<Integer> first = Ports.freeTcpAndUdp(2, lo, List.of());
        List<Integer> second = Ports.freeTcpAndUdp(2, lo, first);
        assertThat(second).doesNotContainAnyElementsOf(first);
        for (int p : second) {
            try (ServerSocket tcp = new ServerSocket(p, 1, lo); DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, p))) {
                assertThat(udp.getLocalPort()).isEqualTo(tcp.getLocalPort());
            }
        }
    }

    /** The gap the native environment had: a port free for TCP but taken for UDP is never handed out. */
    @Test
    void aPortTakenForUdpIsNotOffered() throws Exception {
        // take UDP on the next ports the kernel hands out for TCP: whatever the finder returns must still bind UDP
        try (DatagramSocket held = new DatagramSocket(0)) {
            List<Integer> ports = Ports.freeTcpAndUdp(4, null, List.of());
            assertThat(ports).doesNotContain(held.getLocalPort());
            for (int p : ports) {
                try (DatagramSocket udp = new DatagramSocket(p)) {
                    assertThat(udp.getLocalPort()).isEqualTo(p);
                }
            }
        }
    }
}
