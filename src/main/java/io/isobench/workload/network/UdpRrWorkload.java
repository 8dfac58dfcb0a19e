package io.isobench.workload.network;

import io.isobench.workload.WorkloadFamily;

import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.workload.InsideContext;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import io.isobench.workload.ServerWorkload;
import io.isobench.core.Transport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UDP request/response, like netperf UDP_RR: each client sends one datagram of
 * {@code request_size} bytes and waits for the server's {@code response_size}-byte answer, which
 * echoes the request's sequence number. A request with no answer within {@code receive_timeout}
 * counts as lost and the client goes on with the next; an answer that arrives later is counted as
 * stale and ignored. Loss is reported, never hidden in the latency figures.
 */
public final class UdpRrWorkload implements ServerWorkload {

    /** Sequence number of the reachability probe; the server answers it without counting it. */
    static final long PROBE = -1;

    @Override
    public String name() {
        return "udp_rr";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.REQUEST_RESPONSE;
    }

    @Override
    public String description() {
        return "UDP request/response transactions (tx/s, round-trip latency mean/p50/p90/p99/p99.9, loss), like netperf UDP_RR";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.UDP);
    }

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(REQUEST_SIZE, RESPONSE_SIZE, TcpRrWorkload.CLIENTS, Net.DURATION, TcpRrWorkload.COUNT, Net.CONNECT_TIMEOUT,
                RECEIVE_TIMEOUT);
    }

    /** tcp_rr's sizes, at most what one datagram carries. */
    static final ParamKey<Long> REQUEST_SIZE = TcpRrWorkload.requestSize(65_507);
    static final ParamKey<Long> RESPONSE_SIZE = TcpRrWorkload.responseSize(65_507);
    static final ParamKey<Duration> RECEIVE_TIMEOUT = ParamKey.duration("receive_timeout",
                    "how long a client waits for an answer before counting the transaction lost")
            .defaultValue("200ms").range(1, 60_000).unit("ms").build();

    @Override
    public Duration deadline(Params p) {
        return Duration.ofMillis(p.get(Net.DURATION).toMillis() + p.get(Net.CONNECT_TIMEOUT).toMillis() + p.get(RECEIVE_TIMEOUT).toMillis() + 120_000);
    }

    /** Runs for its {@code duration}, however fast the environment is. */
    @Override
    public boolean timeBound() {
        return true;
    }

    @Override
    public Duration estimate(Params p) {
        return Duration.ofMillis(p.get(Net.DURATION).toMillis() + 300);
    }

    @Override
    public ServerSide startServer(Params p, InsideContext ctx, int port) throws IOException {
        return new UdpServer(name(), port, Math.toIntExact(p.get(RESPONSE_SIZE)));
    }

    /** One thread answering every client's datagrams, as sockperf's and netserver's UDP servers do. */
    static final class UdpServer implements ServerSide {
        private final DatagramChannel ch;
        private final int port;
        private final int respSize;
        private final Thread thread;
        private final AtomicLong requests = new AtomicLong();
        private volatile String error;
        /** Where datagrams came from: the client's own address, or a relay's. */
        private final java.util.Set<String> peers = java.util.concurrent.ConcurrentHashMap.newKeySet();

        UdpServer(String workload, int port, int respSize) throws IOException {
            this.port = port;
            this.respSize = respSize;
            this.ch = Net.bindUdp(workload, port);
            this.thread = Thread.ofPlatform().daemon().name(workload + "-server-" + port).start(this::loop);
        }

        private void loop() {
            ByteBuffer in = ByteBuffer.allocateDirect(65_536);
            ByteBuffer out = TcpStreamWorkload.filledDirect(respSize);
            SocketAddress last = null;
            try {
                while (true) {
                    in.clear();
                    SocketAddress from = ch.receive(in);
                    if (!from.equals(last) && from instanceof java.net.InetSocketAddress a) {
                        peers.add(a.getAddress().getHostAddress());
                        last = from;
                    }
                    if (in.position() < 8) {
                        continue; // not one of ours
                    }
                    long seq = in.getLong(0);
                    out.clear();
                    out.putLong(0, seq);
                    ch.send(out, from);
                    if (seq != PROBE) {
                        requests.incrementAndGet();
                    }
                }
            } catch (ClosedChannelException e) {
                // stopped
            } catch (IOException e) {
                error = e.getMessage();
            }
        }

        @Override
        public Map<String, Object> facts() {
            return Map.of("port", port);
        }

        @Override
        public WorkloadResult stop() throws Exception {
            Net.closeQuietly(ch);
            thread.join(5_000);
            if (error != null) {
                throw new IOException("udp_rr server side on port " + port + ": " + error);
            }
            return WorkloadResult.builder().fact("inside_requests", requests.get()).fact("inside_peers", new java.util.TreeSet<>(peers)).build();
        }
    }

    /** A connected UDP socket doing one transaction at a time. */
    private static final class UdpClient implements RrLoad.Client {
        private final DatagramSocket s;
        private final byte[] req;
        private final byte[] resp;
        private final ByteBuffer reqView;
        private final ByteBuffer respView;
        private final DatagramPacket reqPacket;
        private final DatagramPacket respPacket;
        private long stale;

        UdpClient(DatagramSocket s, int reqSize, int respSize) {
            this.s = s;
            this.req = new byte[reqSize];
            new SplittableRandom(reqSize).nextBytes(req);
            this.resp = new byte[respSize + 1]; // one spare byte shows a response longer than asked
            this.reqView = ByteBuffer.wrap(req);
            this.respView = ByteBuffer.wrap(resp);
            this.reqPacket = new DatagramPacket(req, reqSize);
            this.respPacket = new DatagramPacket(resp, resp.length);
        }

        @Override
        public boolean transact(long seq) throws IOException {
            reqView.putLong(0, seq);
            s.send(reqPacket);
            while (true) {
                respPacket.setLength(resp.length);
                try {
                    s.receive(respPacket);
                } catch (SocketTimeoutException e) {
                    return false;
                }
                if (respPacket.getLength() != resp.length - 1) {
                    throw new IOException("a response of " + respPacket.getLength() + " bytes arrived, " + (resp.length - 1) + " expected");
                }
                if (respView.getLong(0) == seq) {
                    return true;
                }
                stale++; // the answer to a request already counted lost
            }
        }

        @Override
        public long stale() {
            return stale;
        }

        @Override
        public void close() {
            s.close();
        }
    }

    /** Sends probes until one is answered, so a missing server fails fast with a clear message. */
    private void probe(DatagramSocket s, Endpoint ep, long timeoutMillis) throws IOException {
        byte[] b = new byte[8];
        ByteBuffer.wrap(b).putLong(0, PROBE);
        byte[] answer = new byte[65_536];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int saved = s.getSoTimeout();
        String last = "no answer";
        try {
            while (System.nanoTime() < deadline) {
                s.send(new DatagramPacket(b, 8));
                s.setSoTimeout((int) Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
                try {
                    DatagramPacket p = new DatagramPacket(answer, answer.length);
                    s.receive(p);
                    if (p.getLength() >= 8 && ByteBuffer.wrap(answer).getLong(0) == PROBE) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    last = "no answer";
                } catch (PortUnreachableException e) {
                    last = "port unreachable";
                    Net.sleep(50);
                }
            }
        } finally {
            s.setSoTimeout(saved);
        }
        throw new ConnectException(name() + ": cannot reach the UDP server side at " + ep + " within " + timeoutMillis
                + " ms (" + last + "): the environment does not carry UDP to that port; check its network setting"
                + " (published UDP port, bridge address, VM port forward) or raise connect_timeout");
    }

    @Override
    public WorkloadResult drive(Params p, Endpoint ep, HostContext ctx) throws Exception {
        int reqSize = Math.toIntExact(p.get(REQUEST_SIZE));
        int respSize = Math.toIntExact(p.get(RESPONSE_SIZE));
        int clients = p.get(TcpRrWorkload.CLIENTS);
        long duration = p.get(Net.DURATION).toMillis();
        long connectTimeout = p.get(Net.CONNECT_TIMEOUT).toMillis();
        int receiveTimeout = Math.toIntExact(p.get(RECEIVE_TIMEOUT).toMillis());
        List<UdpClient> cs = new ArrayList<>();
        try (Watchdog dog = new Watchdog(name(), connectTimeout * clients + duration + receiveTimeout + 30_000)) {
            for (int i = 0; i < clients; i++) {
                DatagramSocket s = dog.guard(new DatagramSocket());
                cs.add(new UdpClient(s, reqSize, respSize));
                s.connect(new InetSocketAddress(ep.host(), ep.port()));
                probe(s, ep, connectTimeout);
                s.setSoTimeout(receiveTimeout);
            }
            RrLoad.Outcome o = RrLoad.run(name(), cs, duration, p.get(TcpRrWorkload.COUNT), dog);
            WorkloadResult.Builder b = WorkloadResult.builder();
            RrLoad.report(b, o);
            double lossPercent = o.attempted() == 0 ? 0 : 100.0 * o.lost() / o.attempted();
            b.lower("loss", lossPercent, "%");
            b.fact("lost", o.lost()).fact("attempted", o.attempted()).fact("stale_answers", o.stale())
                    .fact("clients", clients).fact("request_size", reqSize).fact("response_size", respSize)
                    .fact("receive_timeout_ms", receiveTimeout);
            return b.build();
        } finally {
            cs.forEach(UdpClient::close);
        }
    }
}
