package io.isobench.core;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Free ports for servers isobench starts or forwards to. A port is only handed out when it is
 * free for both TCP and UDP: the workloads' servers listen on the same port number for either
 * transport (udp_rr), so a port taken for UDP alone would fail later, at the server's start.
 */
public final class Ports {

    private static final int ATTEMPTS = 50;

    private Ports() {
    }

    /**
     * {@code n} distinct ports that are free right now on {@code address} for both TCP and UDP,
     * none of them in {@code avoid}. The sockets that prove each port free are held until all are
     * found, so the kernel cannot hand the same port out twice.
     *
     * @param address where the servers will bind; null for every address (the wildcard)
     * @throws IOException when no such ports turn up in a bounded number of tries
     */
    public static List<Integer> freeTcpAndUdp(int n, InetAddress address, Collection<Integer> avoid) throws IOException {
        List<AutoCloseable> held = new ArrayList<>();
        List<Integer> out = new ArrayList<>();
        try {
            for (int attempt = 0; out.size() < n && attempt < ATTEMPTS + n; attempt++) {
                ServerSocket tcp = new ServerSocket();
                held.add(tcp);
                tcp.bind(new InetSocketAddress(address, 0));
                int p = tcp.getLocalPort();
                if (avoid.contains(p) || out.contains(p)) {
                    continue;
                }
                try {
                    held.add(new DatagramSocket(new InetSocketAddress(address, p)));
                    out.add(p);
                } catch (IOException takenForUdp) {
                    // free for TCP only: try another
                }
            }
        } finally {
            for (AutoCloseable s : held) {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // a socket that will not close frees its port when the process ends
                }
            }
        }
        if (out.size() < n) {
            throw new IOException("found " + out.size() + " of " + n + " ports free for both TCP and UDP on "
                    + (address == null ? "every address" : address.getHostAddress()) + " in " + (ATTEMPTS + n)
                    + " tries: the host's ephemeral ports are nearly all taken");
        }
        return List.copyOf(out);
    }
}
