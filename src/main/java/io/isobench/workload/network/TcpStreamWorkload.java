package io.isobench.workload.network;

import io.isobench.workload.WorkloadFamily;

import io.isobench.result.Measurement;
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
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * Bulk TCP between a load side on the host and a server side inside the environment, like
 * nuttcp or iperf3: {@code host_to_env} (the host sends, the server receives), {@code env_to_host}
 * (the host connects, the server sends, like {@code iperf3 -R}: no connection ever goes from the
 * inside to the host), or {@code both}, one after the other, each its own figures.
 *
 * <p>Each stream is one connection driven by one thread with a blocking NIO channel and a direct
 * buffer of {@code message_size}, so every message is one system call and nothing is copied in
 * Java. Throughput counts the bytes the receiver read, from the start signal until the last
 * receiver confirmed it has everything (host_to_env: the server's byte count arrives back; env_to_host:
 * the last stream's end of stream). Both sides count bytes and the counts must agree, or the
 * iteration fails.
 *
 * <p>CPU cost is CPU-seconds per GB (10^9 bytes) on each side, each measured as the process's own
 * CPU time ({@link ProcessCpu}): the load generator's on the host, the agent's inside.
 */
public final class TcpStreamWorkload implements ServerWorkload {

    static final String HOST_TO_ENV = "host_to_env";
    static final String ENV_TO_HOST = "env_to_host";
    static final String BOTH = "both";

    @Override
    public String name() {
        return "tcp_stream";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.NETWORK_BULK;
    }

    @Override
    public String description() {
        return "bulk TCP throughput host->environment and environment->host (Gbit/s, CPU-s/GB on each side), like nuttcp/iperf3";
    }

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(DIRECTION, MESSAGE_SIZE, STREAMS, Net.DURATION, Net.CONNECT_TIMEOUT);
    }

    static final ParamKey<String> DIRECTION = ParamKey.choice("direction",
                    "which way the bytes flow; both = one after the other, two sets of figures", HOST_TO_ENV, ENV_TO_HOST, BOTH)
            .defaultValue(BOTH).build();
    static final ParamKey<Long> MESSAGE_SIZE = ParamKey.size("message_size", "bytes per write (iperf3's -l)")
            .defaultValue(128L << 10).range(1, 64L << 20).unit("bytes").build();
    static final ParamKey<Integer> STREAMS = ParamKey.integer("streams", "parallel connections (iperf3's -P)").defaultValue(1).range(1, 128).build();

    private static List<String> directions(Params p) {
        String d = p.get(DIRECTION);
        return d.equals(BOTH) ? List.of(HOST_TO_ENV, ENV_TO_HOST) : List.of(d);
    }

    @Override
    public Duration deadline(Params p) {
        return Duration.ofMillis(directions(p).size() * (p.get(Net.DURATION).toMillis() + p.get(Net.CONNECT_TIMEOUT).toMillis()) + 120_000);
    }

    /** Runs for its {@code duration}, however fast the environment is. */
    @Override
    public boolean timeBound() {
        return true;
    }

    @Override
    public Duration estimate(Params p) {
        return Duration.ofMillis(directions(p).size() * p.get(Net.DURATION).toMillis() + 500);
    }

    // ---------------------------------------------------------------- inside: the server side

    @Override
    public ServerSide startServer(Params params, InsideContext ctx, int port) throws IOException {
        return new StreamServer(name(), port);
    }

    /** Accepts streams of either direction until stopped; accounts bytes and CPU per direction. */
    static final class StreamServer extends TcpServer {

        private final Phase toServer = new Phase();
        private final Phase fromServer = new Phase();

        StreamServer(String workload, int port) throws IOException {
            super(workload, port);
        }

        @Override
        protected void serve(SocketChannel c) throws IOException {
            ByteBuffer h = Net.acceptHandshake(c, Net.KIND_STREAM_TO_SERVER, Net.KIND_STREAM_FROM_SERVER);
            if (h == null) {
                return;
            }
            int kind = h.getInt(4);
            int size = h.getInt(8);
            long durationMillis = h.getLong(16);
            if (size < 1 || size > (64 << 20)) {
                throw new IOException("a client asked for message size " + size);
            }
            if (kind == Net.KIND_STREAM_TO_SERVER) {
                receive(c, size);
            } else {
                send(c, size, durationMillis);
            }
        }

        private void receive(SocketChannel c, int size) throws IOException {
            long[] bytes = new long[1];
            toServer.begin();
            try {
                receiveAll(c, size, bytes);
            } finally {
                toServer.end(bytes[0]);
            }
        }

        private void send(SocketChannel c, int size, long durationMillis) throws IOException {
            ByteBuffer go = ByteBuffer.allocate(1);
            if (!Net.readFully(c, go)) {
                return; // the load side gave up before the start signal
            }
            long[] bytes = new long[1];
            fromServer.begin();
            try {
                sendFor(c, size, System.nanoTime() + durationMillis * 1_000_000, "the load side", bytes);
            } finally {
                fromServer.end(bytes[0]);
            }
        }

        @Override
        protected WorkloadResult result() {
            WorkloadResult.Builder b = WorkloadResult.builder();
            toServer.report(b, HOST_TO_ENV);
            fromServer.report(b, ENV_TO_HOST);
            b.fact("cpu_source_inside", ProcessCpu.SOURCE);
            return b.build();
        }
    }

    /**
     * CPU and bytes of the connections of one direction. The process's CPU clock runs from the
     * moment the first of them starts moving data until the last one ends; the agent does
     * nothing else meanwhile, so that span's CPU time is what the traffic cost inside.
     */
    static final class Phase {
        private int active;
        private int connections;
        private double cpuAtStart;
        private double cpu;
        private long bytes;

        synchronized void begin() {
            if (active++ == 0) {
                cpuAtStart = ProcessCpu.seconds();
            }
            connections++;
        }

        synchronized void end(long n) {
            bytes += n;
            if (--active == 0) {
                cpu += ProcessCpu.seconds() - cpuAtStart;
            }
        }

        synchronized void report(WorkloadResult.Builder b, String direction) {
            if (connections == 0) {
                return;
            }
            b.fact("inside_bytes_" + direction, bytes);
            b.fact("inside_connections_" + direction, connections);
            b.fact("inside_cpu_seconds_" + direction, Double.isNaN(cpu) ? "unavailable" : cpu);
            if (bytes > 0 && !Double.isNaN(cpu)) {
                b.add(Measurement.lower("cpu_inside", cpu / (bytes / 1e9), "CPU-s/GB")
                        .withLabel("direction", direction));
            }
        }
    }

    static ByteBuffer filledDirect(int size) {
        byte[] junk = new byte[size];
        new SplittableRandom(size).nextBytes(junk);
        return ByteBuffer.allocateDirect(size).put(junk).flip();
    }

    // ---------------------------------------------------------------- host: the load side

    @Override
    public WorkloadResult drive(Params p, Endpoint ep, HostContext ctx) throws Exception {
        int size = Math.toIntExact(p.get(MESSAGE_SIZE));
        int streams = p.get(STREAMS);
        long duration = p.get(Net.DURATION).toMillis();
        long connectTimeout = p.get(Net.CONNECT_TIMEOUT).toMillis();
        WorkloadResult.Builder b = WorkloadResult.builder();
        for (String dir : directions(p)) {
            runPhase(b, dir, ep, size, streams, duration, connectTimeout);
        }
        b.fact("streams", streams).fact("message_size", size).fact("cpu_source_host", ProcessCpu.SOURCE);
        return b.build();
    }

    private void runPhase(WorkloadResult.Builder b, String dir, Endpoint ep, int size, int streams, long duration,
                          long connectTimeout) throws Exception {
        boolean toEnv = dir.equals(HOST_TO_ENV);
        int kind = toEnv ? Net.KIND_STREAM_TO_SERVER : Net.KIND_STREAM_FROM_SERVER;
        List<SocketChannel> channels = new ArrayList<>();
        try (Watchdog dog = new Watchdog(name(), connectTimeout * streams + duration + 30_000)) {
            for (int i = 0; i < streams; i++) {
                channels.add(dog.guard(Net.connect(name(), ep, connectTimeout, kind, size, 0, duration)));
            }
            CountDownLatch go = new CountDownLatch(1);
            long[] bytes = new long[streams];
            long[] ends = new long[streams];
            Throwable[] errors = new Throwable[streams];
            long[] start = new long[1];
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                int s = i;
                SocketChannel c = channels.get(i);
                threads.add(Thread.ofPlatform().name(name() + "-" + dir + "-" + i).start(() -> {
                    try {
                        go.await();
                        long[] n = new long[1];
                        if (toEnv) {
                            sendFor(c, size, start[0] + duration * 1_000_000, "the server side", n);
                        } else {
                            Net.writeFully(c, ByteBuffer.allocate(1).put((byte) 1).flip()); // the start signal
                            receiveAll(c, size, n);
                        }
                        bytes[s] = n[0];
                    } catch (Throwable t) {
                        errors[s] = t;
                    } finally {
                        ends[s] = System.nanoTime();
                    }
                }));
            }
            double cpu0 = ProcessCpu.seconds();
            start[0] = System.nanoTime();
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            double cpu1 = ProcessCpu.seconds();
            if (dog.fired()) {
                throw new IOException(name() + " " + dir + ": the server side at " + ep + " stopped answering; the phase did not end within "
                        + dog.limitMillis() / 1000 + " s");
            }
            for (Throwable t : errors) {
                if (t != null) {
                    throw new IOException(name() + " " + dir + " against " + ep + ": " + t.getMessage(), t);
                }
            }
            long total = 0;
            long end = start[0];
            for (int i = 0; i < streams; i++) {
                total += bytes[i];
                end = Math.max(end, ends[i]);
            }
            double seconds = (end - start[0]) / 1e9;
            b.add(Measurement.higher("throughput", total * 8 / seconds / 1e9, "Gbit/s").withLabel("direction", dir));
            if (!Double.isNaN(cpu0) && total > 0) {
                b.add(Measurement.lower("cpu_host", (cpu1 - cpu0) / (total / 1e9), "CPU-s/GB")
                        .withLabel("direction", dir));
            }
            b.fact("bytes_" + dir, total).fact("seconds_" + dir, seconds).fact("host_cpu_seconds_" + dir, cpu1 - cpu0);
        } finally {
            channels.forEach(Net::closeQuietly);
        }
    }

    // ---------------------------------------------------------------- either end: one sender, one receiver

    /**
     * The sending end of a stream, on the host (host_to_env) or inside (env_to_host): writes
     * {@code size}-byte messages until the deadline, closes its side, then waits for the
     * receiver's count of what arrived, which must match what was sent.
     *
     * @param receiver how to call the other end in a failure ("the server side", "the load side")
     * @param sent     counts the bytes written as they go, so a failure still accounts them
     */
    static void sendFor(SocketChannel c, int size, long deadlineNanos, String receiver, long[] sent) throws IOException {
        ByteBuffer buf = filledDirect(size);
        while (System.nanoTime() < deadlineNanos) {
            buf.clear();
            while (buf.hasRemaining()) {
                sent[0] += c.write(buf);
            }
        }
        c.shutdownOutput();
        ByteBuffer count = ByteBuffer.allocate(8);
        if (!Net.readFully(c, count)) {
            throw new IOException(receiver + " closed without confirming what it received");
        }
        long received = count.flip().getLong();
        if (received != sent[0]) {
            throw new IOException(receiver + " received " + received + " bytes of the " + sent[0] + " sent");
        }
    }

    /**
     * The receiving end: reads to the end of the stream, then tells the sender how much arrived
     * (it checks the count and stops its clock there).
     *
     * @param received counts the bytes read as they arrive
     */
    static void receiveAll(SocketChannel c, int size, long[] received) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(size);
        for (int n; (n = c.read(buf)) >= 0; buf.clear()) {
            received[0] += n;
        }
        Net.writeFully(c, ByteBuffer.allocate(8).putLong(received[0]).flip());
    }
}
