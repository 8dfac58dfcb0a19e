package io.isobench.workload.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The measured load: {@code clients} connections, each sending {@code pipeline} requests, waiting
 * for all their replies, and sending the next batch until {@code requests} requests are done, the
 * way redis-benchmark does. Connections are served by event loops (non-blocking sockets and a
 * selector; one loop by default, like redis-benchmark), so 120 clients cost no more threads than
 * one and the generator stays off the server's CPU as much as possible. Every reply is checked
 * ({@link RedisCommand#check}); the first wrong one fails the point.
 *
 * <p>Latency is per request: from the moment its batch was written to the moment its reply was
 * complete, recorded in nanoseconds.
 */
final class LoadGenerator {

    /** What one point (one command at one client count) measured. */
    record PointResult(RedisCommand command, int clients, long requests, double seconds, Histogram latencyNanos) {
        double requestsPerSecond() {
            return requests / seconds;
        }
    }

    private final String host;
    private final int port;
    private final int valueSize;
    private final int keySpace;
    private final int pipeline;
    private final int loops;
    private final boolean populated;
    private final long timeoutNanos;

    LoadGenerator(String host, int port, int valueSize, int keySpace, int pipeline, int loops, boolean populated, long timeoutMillis) {
        this.host = host;
        this.port = port;
        this.valueSize = valueSize;
        this.keySpace = keySpace;
        this.pipeline = pipeline;
        this.loops = loops;
        this.populated = populated;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /** Runs one point: {@code requests} of {@code command} spread over {@code clients} connections. */
    PointResult run(RedisCommand command, int clients, long requests, long seed) throws IOException, InterruptedException {
        return run(command, clients, requests, Long.MAX_VALUE, seed);
    }

    /**
     * Unmeasured load for {@code millis}, so the generator's code is compiled (JIT) before the
     * first measured point; otherwise the first point would measure the compiler, not the path.
     */
    void warmUp(RedisCommand command, int clients, long millis, long seed) throws IOException, InterruptedException {
        run(command, clients, Long.MAX_VALUE, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis), seed);
    }

    private PointResult run(RedisCommand command, int clients, long requests, long stopAtNanos, long seed)
            throws IOException, InterruptedException {
        int loopCount = Math.min(loops, clients);
        List<EventLoop> ls = new ArrayList<>();
        try {
            for (int i = 0; i < loopCount; i++) {
                // clients and requests split as evenly as possible between the loops
                int c = clients / loopCount + (i < clients % loopCount ? 1 : 0);
                long r = requests / loopCount + (i < requests % loopCount ? 1 : 0);
                ls.add(new EventLoop(command, c, r, stopAtNanos, new SplittableRandom(seed * 1_000_003L + i)));
            }
            Histogram all = newHistogram();
            long t0 = System.nanoTime();
            long done;
            if (loopCount == 1) {
                done = ls.get(0).call();
                all.add(ls.get(0).latency);
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(loopCount, r -> {
                    Thread t = new Thread(r, "redis-load");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<Long>> fs = new ArrayList<>();
                    for (EventLoop l : ls) {
                        fs.add(pool.submit(l::call));
                    }
                    done = 0;
                    for (int i = 0; i < fs.size(); i++) {
                        done += get(fs.get(i));
                        all.add(ls.get(i).latency);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            long t1 = System.nanoTime();
            return new PointResult(command, clients, done, (t1 - t0) / 1e9, all);
        } finally {
            for (EventLoop l : ls) {
                l.close();
            }
        }
    }

    private static long get(Future<Long> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    static Histogram newHistogram() {
        // 1 ns to 1 minute, 3 significant digits
        return new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    }

    /** One connection's state. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
        SelectionKey key;
        int awaiting;
        long sentAt;

        Conn(SocketChannel channel, ByteBuffer out) {
            this.channel = channel;
            this.out = out;
        }
    }

    /** A selector serving some of the connections until its share of the requests is done. */
    private final class EventLoop {
        final RedisCommand command;
        final long requests;
        /** When to stop issuing requests (a warm-up), or Long.MAX_VALUE to stop after {@link #requests}. */
        final long stopAtNanos;
        final SplittableRandom random;
        final Selector selector;
        final List<Conn> conns = new ArrayList<>();
        final int[] randomOffsets;
        final byte[] batch;
        final Histogram latency = newHistogram();
        final ReplyScanner scanner = new ReplyScanner();
        long issued;
        long completed;

        EventLoop(RedisCommand command, int clients, long requests, long stopAtNanos, SplittableRandom random) throws IOException {
            this.command = command;
            this.requests = requests;
            this.stopAtNanos = stopAtNanos;
            this.random = random;
            byte[] one = command.template(valueSize);
            int off = RedisCommand.randomFieldOffset(one);
            batch = new byte[one.length * pipeline];
            randomOffsets = new int[off < 0 ? 0 : pipeline];
            for (int i = 0; i < pipeline; i++) {
                System.arraycopy(one, 0, batch, i * one.length, one.length);
                if (off >= 0) {
                    randomOffsets[i] = i * one.length + off;
                }
            }
            selector = Selector.open();
            try {
                for (int i = 0; i < clients; i++) {
                    SocketChannel ch = SocketChannel.open();
                    try {
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        ch.connect(new InetSocketAddress(host, port));
                        ch.configureBlocking(false);
                    } catch (IOException e) {
                        ch.close();
                        throw new IOException("cannot connect client " + (i + 1) + " of " + clients + " to redis at "
                                + host + ":" + port + ": " + e.getMessage(), e);
                    }
                    Conn c = new Conn(ch, ByteBuffer.allocateDirect(batch.length));
                    c.key = ch.register(selector, SelectionKey.OP_READ, c);
                    conns.add(c);
                }
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        long call() throws IOException {
            for (Conn c : conns) {
                if (mayIssue()) {
                    send(c);
                }
            }
            long lastProgress = System.nanoTime();
            long lastCompleted = 0;
            // once mayIssue() turns false it stays false, so every connection ends idle and the loop ends
            while (completed < issued || mayIssue()) {
                if (selector.select(1000) == 0) {
                    if (completed == lastCompleted && System.nanoTime() - lastProgress > timeoutNanos) {
                        throw new IOException("redis at " + host + ":" + port + " stopped answering: no reply for "
                                + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s, " + completed + " of " + requests
                                + " " + command + " replies received");
                    }
                }
                if (completed != lastCompleted) {
                    lastCompleted = completed;
                    lastProgress = System.nanoTime();
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    if (k.isValid() && k.isWritable()) {
                        writeSome(c);
                    }
                    if (k.isValid() && k.isReadable()) {
                        readSome(c);
                    }
                }
            }
            return completed;
        }

        private boolean mayIssue() {
            return issued < requests && (stopAtNanos == Long.MAX_VALUE || System.nanoTime() < stopAtNanos);
        }

        private void send(Conn c) throws IOException {
            for (int off : randomOffsets) {
                writeDigits(batch, off, random.nextInt(keySpace));
            }
            c.out.clear();
            c.out.put(batch).flip();
            int n = (int) Math.min(pipeline, requests - issued);
            if (n < pipeline) {
                c.out.limit(batch.length / pipeline * n);
            }
            issued += n;
            c.awaiting = n;
            c.sentAt = System.nanoTime();
            writeSome(c);
        }

        private void writeSome(Conn c) throws IOException {
            c.channel.write(c.out);
            int ops = c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (c.key.interestOps() != ops) {
                c.key.interestOps(ops);
            }
        }

        private void readSome(Conn c) throws IOException {
            int n = c.channel.read(c.in);
            if (n < 0) {
                throw new IOException("redis at " + host + ":" + port + " closed a client connection during " + command);
            }
            c.in.flip();
            while (c.awaiting > 0 && scanner.scan(c.in)) {
                String wrong = command.check(scanner, valueSize, populated);
                if (wrong != null) {
                    throw new IOException(wrong);
                }
                latency.recordValue(Math.min(System.nanoTime() - c.sentAt, latency.getHighestTrackableValue()));
                c.awaiting--;
                completed++;
            }
            if (c.in.hasRemaining() && c.in.position() == 0 && c.in.limit() == c.in.capacity()) {
                // a reply larger than the buffer (big values): grow it
                ByteBuffer bigger = ByteBuffer.allocateDirect(c.in.capacity() * 2);
                bigger.put(c.in);
                c.in = bigger;
            } else {
                c.in.compact();
            }
            if (c.awaiting == 0 && mayIssue()) {
                send(c);
            }
        }

        void close() {
            for (Conn c : conns) {
                try {
                    c.channel.close();
                } catch (IOException ignored) {
                    // closing a socket we are done with
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** Writes {@code value} as {@link RedisCommand#DIGITS} zero-padded decimal digits at {@code off}. */
    static void writeDigits(byte[] buf, int off, long value) {
        long v = value;
        for (int i = off + RedisCommand.DIGITS - 1; i >= off; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
    }
}
