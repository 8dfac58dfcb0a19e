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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * TCP request/response, like netperf TCP_RR: each client holds one connection (TCP_NODELAY) and
 * does one transaction at a time: a request of {@code request_size} bytes, answered by
 * {@code response_size} bytes (the study's 100 and 200). Reports transactions per second and the
 * round-trip latency distribution. The first 8 bytes of each request carry its sequence number
 * and the response echoes it, so a response that belongs to another request fails the iteration.
 */
public final class TcpRrWorkload implements ServerWorkload {

    @Override
    public String name() {
        return "tcp_rr";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.REQUEST_RESPONSE;
    }

    @Override
    public String description() {
        return "TCP request/response transactions (tx/s, round-trip latency mean/p50/p90/p99/p99.9), like netperf TCP_RR";
    }

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(REQUEST_SIZE, RESPONSE_SIZE, CLIENTS, Net.DURATION, COUNT, Net.CONNECT_TIMEOUT);
    }

    static ParamKey<Long> requestSize(long maxSize) {
        return ParamKey.size("request_size", "bytes per request (the first 8 carry the sequence number)")
                .defaultValue(100L).range(8, maxSize).unit("bytes").build();
    }

    static ParamKey<Long> responseSize(long maxSize) {
        return ParamKey.size("response_size", "bytes per response (the first 8 echo the sequence number)")
                .defaultValue(200L).range(8, maxSize).unit("bytes").build();
    }

    static final ParamKey<Long> REQUEST_SIZE = requestSize(16 << 20);
    static final ParamKey<Long> RESPONSE_SIZE = responseSize(16 << 20);
    /** Concurrent clients: tcp_rr's and udp_rr's. */
    static final ParamKey<Integer> CLIENTS = ParamKey.integer("clients", "concurrent clients, one transaction in flight each")
            .defaultValue(1).range(1, 1024).build();
    /** Transactions per client: tcp_rr's and udp_rr's. */
    static final ParamKey<Long> COUNT = ParamKey.longInt("count", "transactions per client, stopping earlier than duration if reached; 0 = no limit")
            .defaultValue(0L).range(0, 1e15).build();

    @Override
    public Duration deadline(Params p) {
        return Duration.ofMillis(p.get(Net.DURATION).toMillis() + p.get(Net.CONNECT_TIMEOUT).toMillis() + 120_000);
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
    public ServerSide startServer(Params params, InsideContext ctx, int port) throws IOException {
        return new RrServer(name(), port);
    }

    /** Answers each request on a connection with a response of the size the handshake asked for. */
    static final class RrServer extends TcpServer {
        private final LongAdder transactions = new LongAdder();

        RrServer(String workload, int port) throws IOException {
            super(workload, port);
        }

        @Override
        protected void serve(SocketChannel c) throws IOException {
            ByteBuffer h = Net.acceptHandshake(c, Net.KIND_RR);
            if (h == null) {
                return;
            }
            int reqSize = h.getInt(8);
            int respSize = h.getInt(12);
            if (reqSize < 8 || respSize < 8) {
                throw new IOException("a client asked for request/response sizes " + reqSize + "/" + respSize);
            }
            ByteBuffer req = ByteBuffer.allocateDirect(reqSize);
            ByteBuffer resp = TcpStreamWorkload.filledDirect(respSize);
            while (true) {
                req.clear();
                if (!Net.readFully(c, req)) {
                    return; // the client is done
                }
                resp.clear();
                resp.putLong(0, req.getLong(0));
                Net.writeFully(c, resp);
                transactions.increment();
            }
        }

        @Override
        protected WorkloadResult result() {
            return WorkloadResult.builder().fact("inside_transactions", transactions.sum()).build();
        }
    }

    /** One connection, one transaction at a time. */
    private static final class TcpClient implements RrLoad.Client {
        private final SocketChannel c;
        private final ByteBuffer req;
        private final ByteBuffer resp;

        TcpClient(SocketChannel c, int reqSize, int respSize) {
            this.c = c;
            this.req = TcpStreamWorkload.filledDirect(reqSize);
            this.resp = ByteBuffer.allocateDirect(respSize);
        }

        @Override
        public boolean transact(long seq) throws IOException {
            req.clear();
            req.putLong(0, seq);
            Net.writeFully(c, req);
            resp.clear();
            if (!Net.readFully(c, resp)) {
                throw new IOException("the server side closed the connection");
            }
            long echoed = resp.getLong(0);
            if (echoed != seq) {
                throw new IOException("response to request " + echoed + " arrived for request " + seq + ": the stream is out of step");
            }
            return true;
        }

        /** Ends the connection cleanly and waits until the server has read everything. */
        void finish() throws IOException {
            c.shutdownOutput();
            ByteBuffer rest = ByteBuffer.allocate(64);
            while (c.read(rest) >= 0) {
                rest.clear();
            }
        }

        @Override
        public void close() {
            Net.closeQuietly(c);
        }
    }

    @Override
    public WorkloadResult drive(Params p, Endpoint ep, HostContext ctx) throws Exception {
        int reqSize = Math.toIntExact(p.get(REQUEST_SIZE));
        int respSize = Math.toIntExact(p.get(RESPONSE_SIZE));
        int clients = p.get(CLIENTS);
        long duration = p.get(Net.DURATION).toMillis();
        long connectTimeout = p.get(Net.CONNECT_TIMEOUT).toMillis();
        List<TcpClient> cs = new ArrayList<>();
        try (Watchdog dog = new Watchdog(name(), connectTimeout * clients + duration + 30_000)) {
            for (int i = 0; i < clients; i++) {
                SocketChannel c = dog.guard(Net.connect(name(), ep, connectTimeout, Net.KIND_RR, reqSize, respSize, 0));
                cs.add(new TcpClient(c, reqSize, respSize));
            }
            RrLoad.Outcome o = RrLoad.run(name(), cs, duration, p.get(COUNT), dog);
            for (TcpClient c : cs) {
                c.finish();
            }
            WorkloadResult.Builder b = WorkloadResult.builder();
            RrLoad.report(b, o);
            b.fact("clients", clients).fact("request_size", reqSize).fact("response_size", respSize);
            return b.build();
        } finally {
            cs.forEach(TcpClient::close);
        }
    }
}
