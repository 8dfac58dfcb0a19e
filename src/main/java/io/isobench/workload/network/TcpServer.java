package io.isobench.workload.network;

import io.isobench.result.WorkloadResult;
import io.isobench.workload.ServerSide;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP server side: listens on all addresses at the given port, serves each connection on its
 * own platform thread with a blocking channel, and on {@link #stop()} closes everything it opened
 * and reports what it measured. An error on any connection while the server was running fails
 * the stop, and with it the iteration: a dropped connection or a byte count that does not add up
 * must not turn into a figure.
 */
abstract class TcpServer implements ServerSide {

    private final String workload;
    private final int port;
    private final ServerSocketChannel listener;
    private final Thread acceptor;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> workers = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    /** The addresses connections came from: the client's own (DNAT, routed) or a relay's (docker-proxy, slirp). */
    private final Set<String> peers = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    TcpServer(String workload, int port) throws IOException {
        this.workload = workload;
        this.port = port;
        this.listener = Net.listenTcp(workload, port);
        this.acceptor = Thread.ofPlatform().daemon().name(workload + "-accept-" + port).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel c;
            try {
                c = listener.accept();
            } catch (ClosedChannelException e) {
                return; // stopped
            } catch (IOException e) {
                if (!stopping) {
                    error("accepting a connection failed: " + e.getMessage());
                }
                return;
            }
            open.add(c);
            try {
                if (c.getRemoteAddress() instanceof java.net.InetSocketAddress a) {
                    peers.add(a.getAddress().getHostAddress());
                }
            } catch (IOException ignored) {
                // the connection is gone already: serve() finds out
            }
            Thread t = Thread.ofPlatform().daemon().name(workload + "-conn-" + port).unstarted(() -> {
                try {
                    c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    serve(c);
                } catch (IOException | RuntimeException e) {
                    if (!stopping) {
                        error(e.getMessage() == null ? e.toString() : e.getMessage());
                    }
                } finally {
                    Net.closeQuietly(c);
                    open.remove(c);
                }
            });
            synchronized (workers) {
                workers.add(t);
            }
            t.start();
        }
    }

    private void error(String message) {
        synchronized (errors) {
            errors.add(message);
        }
    }

    /** Serves one connection until the client is done. Runs on the connection's own thread. */
    protected abstract void serve(SocketChannel c) throws IOException;

    /** What was measured, once every connection has ended. */
    protected abstract WorkloadResult result();

    @Override
    public Map<String, Object> facts() {
        return Map.of("port", port, "bound", String.valueOf(listener.socket().getLocalSocketAddress()));
    }

    @Override
    public WorkloadResult stop() throws Exception {
        Net.closeQuietly(listener);
        acceptor.join(5_000);
        List<Thread> ts;
        synchronized (workers) {
            ts = List.copyOf(workers);
        }
        // connections normally end on their own once the load side is done: give them a moment
        long patience = System.nanoTime() + 5_000_000_000L;
        for (Thread t : ts) {
            t.join(Math.max(1, (patience - System.nanoTime()) / 1_000_000));
        }
        stopping = true;
        open.forEach(Net::closeQuietly);
        for (Thread t : ts) {
            t.join(2_000);
        }
        synchronized (errors) {
            if (!errors.isEmpty()) {
                throw new IOException(workload + " server side on port " + port + ": " + String.join("; ", errors));
            }
        }
        WorkloadResult r = result();
        WorkloadResult.Builder b = WorkloadResult.builder();
        r.measurements().forEach(b::add);
        b.facts(r.metadata());
        b.fact("inside_peers", new java.util.TreeSet<>(peers));
        return b.build();
    }
}
