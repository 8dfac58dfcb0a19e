package io.isobench.workload.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One measured run of the storage workload over an existing, filled file: {@code jobs} jobs, each
 * with {@code iodepth} threads issuing synchronous positional reads/writes (pread/pwrite) with
 * O_DIRECT. Java has no asynchronous kernel I/O (libaio, io_uring), so a queue depth of N is
 * emulated by N threads per job, each with one request in flight: the device sees N requests
 * outstanding per job, as with fio's libaio at iodepth=N, at the cost of one thread switch per
 * request.
 *
 * <p>Sequential jobs each own a contiguous region of the file and hand out its blocks in order
 * to their threads; random jobs pick block-aligned offsets uniformly over the whole file.
 */
final class BlockIoRun {

    enum Mode {
        SEQ_READ, SEQ_WRITE, RAND_READ, RAND_WRITE, RAND_RW;

        boolean sequential() {
            return this == SEQ_READ || this == SEQ_WRITE;
        }

        static Mode parse(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** What the run measured. */
    record Outcome(Histogram latencies, long reads, long writes, long bytes, long verifiedReads, double seconds) {
        long ops() {
            return reads + writes;
        }
    }

    private final String workload;
    private final Path file;
    private final long fileSize;
    private final Mode mode;
    private final int blockSize;
    private final int iodepth;
    private final int jobs;
    private final int readPercent;
    private final boolean verify;
    private final long token;
    private final int alignment;

    BlockIoRun(String workload, Path file, long fileSize, Mode mode, int blockSize, int iodepth, int jobs, int readPercent,
               boolean verify, long token, int alignment) {
        this.workload = workload;
        this.file = file;
        this.fileSize = fileSize;
        this.mode = mode;
        this.blockSize = blockSize;
        this.iodepth = iodepth;
        this.jobs = jobs;
        this.readPercent = readPercent;
        this.verify = verify;
        this.token = token;
        this.alignment = alignment;
    }

    /**
     * The preconditioning fill: writes the whole file once, stamped, with O_DIRECT, and syncs it,
     * so reads find real blocks on the storage (not holes) and writes overwrite allocated space.
     */
    static void fill(String workload, Path file, long fileSize, long token, int alignment) throws IOException {
        int chunk = (int) Math.min(fileSize, 1 << 20);
        ByteBuffer buf = DirectIo.buffer(chunk, alignment);
        randomize(buf, token);
        try (FileChannel ch = DirectIo.open(workload, file, java.nio.file.StandardOpenOption.CREATE)) {
            for (long off = 0; off < fileSize; off += chunk) {
                int len = (int) Math.min(chunk, fileSize - off);
                buf.clear().limit(len);
                BlockStamp.stamp(buf, off, token);
                try {
                    while (buf.hasRemaining()) {
                        ch.write(buf, off + buf.position());
                    }
                } catch (IOException e) {
                    if (off == 0 && String.valueOf(e.getMessage()).contains("Invalid argument")) {
                        throw DirectIo.refused(workload, file, e);
                    }
                    throw e;
                }
            }
            ch.force(true);
        }
    }

    private static void randomize(ByteBuffer buf, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i + 8 <= buf.capacity(); i += 8) {
            buf.putLong(i, r.nextLong());
        }
    }

    Outcome run(long durationMillis) throws Exception {
        long blocks = fileSize / blockSize;
        long regionBlocks = blocks / jobs;
        int threads = jobs * iodepth;
        Histogram[] hist = new Histogram[threads];
        long[][] counts = new long[threads][3]; // reads, writes, verified reads
        long[] ends = new long[threads];
        Throwable[] errors = new Throwable[threads];
        long[] start = new long[1];
        CountDownLatch go = new CountDownLatch(1);
        List<FileChannel> channels = new ArrayList<>();
        List<Thread> ts = new ArrayList<>();
        try {
            AtomicLong[] cursors = new AtomicLong[jobs];
            for (int j = 0; j < jobs; j++) {
                cursors[j] = new AtomicLong();
            }
            for (int i = 0; i < threads; i++) {
                int t = i;
                int job = i / iodepth;
                FileChannel ch = DirectIo.open(workload, file);
                channels.add(ch);
                ByteBuffer buf = DirectIo.buffer(blockSize, alignment);
                randomize(buf, token ^ t);
                Histogram h = new Histogram(3);
                hist[i] = h;
                SplittableRandom rng = new SplittableRandom(token + 31L * t);
                AtomicLong cursor = cursors[job];
                long regionStart = job * regionBlocks;
                ts.add(Thread.ofPlatform().name(workload + "-job" + job + "-" + (t % iodepth)).start(() -> {
                    try {
                        go.await();
                        long deadline = start[0] + durationMillis * 1_000_000;
                        long reads = 0;
                        long writes = 0;
                        long verified = 0;
                        while (true) {
                            long block = mode.sequential()
                                    ? regionStart + Math.floorMod(cursor.getAndIncrement(), regionBlocks)
                                    : rng.nextLong(blocks);
                            long off = block * blockSize;
                            boolean read = switch (mode) {
                                case SEQ_READ, RAND_READ -> true;
                                case SEQ_WRITE, RAND_WRITE -> false;
                                case RAND_RW -> rng.nextInt(100) < readPercent;
                            };
                            buf.clear();
                            long t0;
                            long t1;
                            if (read) {
                                t0 = System.nanoTime();
                                while (buf.hasRemaining()) {
                                    if (ch.read(buf, off + buf.position()) < 0) {
                                        throw new IOException("the file ended at offset " + (off + buf.position()) + " of " + fileSize);
                                    }
                                }
                                t1 = System.nanoTime();
                                reads++;
                                if (verify) {
                                    BlockStamp.verify(workload, buf, off, token);
                                    verified++;
                                }
                            } else {
                                BlockStamp.stamp(buf, off, token);
                                t0 = System.nanoTime();
                                while (buf.hasRemaining()) {
                                    ch.write(buf, off + buf.position());
                                }
                                t1 = System.nanoTime();
                                writes++;
                            }
                            h.recordValue(t1 - t0);
                            if (t1 >= deadline) {
                                break;
                            }
                        }
                        counts[t][0] = reads;
                        counts[t][1] = writes;
                        counts[t][2] = verified;
                    } catch (Throwable e) {
                        errors[t] = e;
                    } finally {
                        ends[t] = System.nanoTime();
                    }
                }));
            }
            start[0] = System.nanoTime();
            go.countDown();
            for (Thread th : ts) {
                th.join();
            }
        } finally {
            go.countDown(); // threads already started must not wait forever if opening a later channel failed
            for (Thread th : ts) {
                th.join();
            }
            for (FileChannel ch : channels) {
                ch.close();
            }
        }
        for (Throwable e : errors) {
            if (e instanceof IllegalStateException ise) {
                throw ise; // wrong data: its message says everything
            }
            if (e != null) {
                throw new IOException(workload + ": " + mode.name().toLowerCase(java.util.Locale.ROOT) + " on " + file + ": " + e.getMessage(), e);
            }
        }
        Histogram all = new Histogram(3);
        long reads = 0;
        long writes = 0;
        long verified = 0;
        long end = start[0];
        for (int i = 0; i < threads; i++) {
            all.add(hist[i]);
            reads += counts[i][0];
            writes += counts[i][1];
            verified += counts[i][2];
            end = Math.max(end, ends[i]);
        }
        return new Outcome(all, reads, writes, (reads + writes) * blockSize, verified, (end - start[0]) / 1e9);
    }
}
