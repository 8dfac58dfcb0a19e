package io.isobench.workload.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One measured run of the storage workload over an existing, filled file: {@code jobs} jobs, each
 * keeping {@code iodepth} requests in flight with O_DIRECT, through one of two engines:
 * <ul>
 *   <li>{@link Engine#LIBAIO}: one thread per job submits asynchronously with the kernel's AIO
 *       (io_submit, io_getevents; see {@link LinuxAio}), exactly as fio's libaio engine does: the
 *       job starts {@code iodepth} requests, {@code batch} per io_submit, then waits for at least
 *       one completion, takes at most {@code batch}, and replaces them with new requests in one
 *       io_submit, until the time is up. batch=1 is fio's default (iodepth_batch_submit=1,
 *       iodepth_batch_complete_max=1).</li>
 *   <li>{@link Engine#PSYNC}: {@code iodepth} threads per job, each with one synchronous
 *       positional read or write (pread/pwrite) in flight: fio's psync engine with
 *       numjobs = jobs x iodepth. The device sees as many requests outstanding, but on a file
 *       system that serializes writers on the inode (overlayfs, some direct-I/O write paths) the
 *       threads queue in the kernel where one asynchronous submitter does not, so the two
 *       engines can differ by a factor: the engine is always named in the facts.</li>
 * </ul>
 *
 * <p>Sequential jobs each own a contiguous region of the file and hand out its blocks in order;
 * random jobs pick block-aligned offsets uniformly over the whole file. Latency is the time from
 * submission to completion of each request (fio's clat plus its submission).
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

    /** How requests are submitted (see the class comment). */
    enum Engine {
        LIBAIO, PSYNC;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * What the run measured; {@code submitCalls} and {@code reapCalls} count libaio's io_submit
     * and io_getevents calls that moved requests (0 for psync).
     */
    record Outcome(Histogram latencies, long reads, long writes, long bytes, long verifiedReads, double seconds, long submitCalls,
                   long reapCalls, long bufferBytes, long bufferHugeBytes, boolean buffersAdvised) {
        Outcome(Histogram latencies, long reads, long writes, long bytes, long verifiedReads, double seconds, long submitCalls,
                long reapCalls) {
            this(latencies, reads, writes, bytes, verifiedReads, seconds, submitCalls, reapCalls, 0, -1, true);
        }

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
    private final Engine engine;
    private final int batch;
    private final LinuxAio.Buffers buffers;
    /** The disks' counters over the measured part of the last {@link #run}: from its start to the last completion. */
    private volatile Map<String, DiskStats.Counters> disks = Map.of();

    BlockIoRun(String workload, Path file, long fileSize, Mode mode, int blockSize, int iodepth, int jobs, int readPercent,
               boolean verify, long token, int alignment, Engine engine) {
        this(workload, file, fileSize, mode, blockSize, iodepth, jobs, readPercent, verify, token, alignment, engine, 1);
    }

    /** {@code batch}: libaio's most completions per io_getevents and requests per io_submit, 1 to iodepth. */
    BlockIoRun(String workload, Path file, long fileSize, Mode mode, int blockSize, int iodepth, int jobs, int readPercent,
               boolean verify, long token, int alignment, Engine engine, int batch) {
        this(workload, file, fileSize, mode, blockSize, iodepth, jobs, readPercent, verify, token, alignment, engine, batch,
                LinuxAio.Buffers.THP);
    }

    /** {@code buffers}: what libaio's I/O buffers are made of (see {@link LinuxAio.Buffers}); psync uses direct ByteBuffers. */
    BlockIoRun(String workload, Path file, long fileSize, Mode mode, int blockSize, int iodepth, int jobs, int readPercent,
               boolean verify, long token, int alignment, Engine engine, int batch, LinuxAio.Buffers buffers) {
        this.buffers = buffers;
        if (batch < 1 || batch > iodepth) {
            throw new IllegalArgumentException("batch " + batch + " is outside 1.." + iodepth);
        }
        this.batch = batch;
        this.engine = engine;
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
        return engine == Engine.LIBAIO ? runLibaio(durationMillis) : runPsync(durationMillis);
    }

    /** What the disks did during the measured part of the last run (see {@link DiskStats}); empty where unknown. */
    Map<String, DiskStats.Counters> disks() {
        return disks;
    }

    /** iodepth threads per job, each with one synchronous request in flight. */
    private Outcome runPsync(long durationMillis) throws Exception {
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
            Map<String, DiskStats.Counters> before = DiskStats.read();
            start[0] = System.nanoTime();
            go.countDown();
            for (Thread th : ts) {
                th.join();
            }
            disks = DiskStats.delta(before, DiskStats.read());
        } finally {
            go.countDown(); // threads already started must not wait forever if opening a later channel failed
            for (Thread th : ts) {
                th.join();
            }
            for (FileChannel ch : channels) {
                ch.close();
            }
        }
        return collect(hist, counts, ends, errors, start[0]);
    }

    /** The run's figures from its threads' histograms and counts, or the first error one met. */
    private Outcome collect(Histogram[] hist, long[][] counts, long[] ends, Throwable[] errors, long start) throws Exception {
        for (Throwable e : errors) {
            if (e instanceof IllegalStateException ise) {
                throw ise; // wrong data: its message says everything
            }
            if (e instanceof java.io.UncheckedIOException u) {
                throw u.getCause();
            }
            if (e instanceof io.isobench.BadInputException b) {
                throw b;
            }
            if (e != null) {
                throw new IOException(workload + ": " + mode.name().toLowerCase(java.util.Locale.ROOT) + " on " + file + ": " + e.getMessage(), e);
            }
        }
        Histogram all = new Histogram(3);
        long reads = 0;
        long writes = 0;
        long verified = 0;
        long submits = 0;
        long reaps = 0;
        long bufBytes = 0;
        long hugeBytes = 0;
        boolean advised = true;
        long end = start;
        for (int i = 0; i < hist.length; i++) {
            all.add(hist[i]);
            reads += counts[i][0];
            writes += counts[i][1];
            verified += counts[i][2];
            if (counts[i].length > 4) {
                submits += counts[i][3];
                reaps += counts[i][4];
                bufBytes += counts[i][5];
                hugeBytes = hugeBytes < 0 || counts[i][6] < 0 ? -1 : hugeBytes + counts[i][6];
                advised &= counts[i][7] != 0;
            }
            end = Math.max(end, ends[i]);
        }
        if (bufBytes == 0) { // psync: direct ByteBuffers, nothing mapped
            return new Outcome(all, reads, writes, (reads + writes) * blockSize, verified, (end - start) / 1e9, submits, reaps);
        }
        return new Outcome(all, reads, writes, (reads + writes) * blockSize, verified, (end - start) / 1e9, submits, reaps, bufBytes,
                hugeBytes, advised);
    }

    /**
     * One thread per job with its own AIO context keeping {@code iodepth} requests in flight:
     * fio's libaio engine at iodepth_batch_complete_min=1 and iodepth_batch_submit =
     * iodepth_batch_complete_max = {@code batch} (wait for one completion, take at most batch,
     * resubmit as many in one call).
     */
    private Outcome runLibaio(long durationMillis) throws Exception {
        LinuxAio aio = LinuxAio.find().orElseThrow(() -> new IOException(workload + ": the libaio engine is unavailable here: "
                + LinuxAio.whyNot()));
        long blocks = fileSize / blockSize;
        long regionBlocks = blocks / jobs;
        Histogram[] hist = new Histogram[jobs];
        // reads, writes, verified reads, io_submit calls, io_getevents calls, buffer bytes, of them in huge pages, madvise accepted
        long[][] counts = new long[jobs][8];
        long[] ends = new long[jobs];
        Throwable[] errors = new Throwable[jobs];
        long[] start = new long[1];
        CountDownLatch ready = new CountDownLatch(jobs);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        try {
            for (int j = 0; j < jobs; j++) {
                int job = j;
                Histogram h = new Histogram(3);
                hist[j] = h;
                ts.add(Thread.ofPlatform().name(workload + "-job" + job).start(() -> {
                    boolean counted = false;
                    try (LinuxAio.Context c = aio.context(iodepth)) {
                        long fd = c.openDirect(file);
                        if (fd < 0) {
                            IOException e = new IOException("open with O_DIRECT: " + LinuxAio.errnoName(fd));
                            throw LinuxAio.invalidArgument(fd) ? DirectIo.refused(workload, file, e) : e;
                        }
                        try {
                            ready.countDown();
                            counted = true;
                            go.await();
                            ends[job] = jobLoop(c, fd, job, job * regionBlocks, regionBlocks, blocks, h, counts[job],
                                    start[0] + durationMillis * 1_000_000);
                        } finally {
                            c.closeFd(fd);
                        }
                    } catch (Throwable e) {
                        errors[job] = e;
                    } finally {
                        if (!counted) {
                            ready.countDown();
                        }
                        if (ends[job] == 0) {
                            ends[job] = System.nanoTime();
                        }
                    }
                }));
            }
            ready.await(); // contexts, files and buffers set up outside the measured time
            Map<String, DiskStats.Counters> before = DiskStats.read();
            start[0] = System.nanoTime();
            go.countDown();
            for (Thread th : ts) {
                th.join();
            }
            disks = DiskStats.delta(before, DiskStats.read());
        } finally {
            go.countDown();
            for (Thread th : ts) {
                th.join();
            }
        }
        return collect(hist, counts, ends, errors, start[0]);
    }

    /** Runs one job until its deadline and drains it; returns when its last request completed. */
    private long jobLoop(LinuxAio.Context c, long fd, int job, long regionStart, long regionBlocks, long blocks, Histogram h, long[] count,
                         long deadline) throws IOException {
        LinuxAio.Mapped data = c.map((long) blockSize * iodepth, buffers);
        ByteBuffer[] bufs = new ByteBuffer[iodepth];
        long[] addr = new long[iodepth];
        long[] offs = new long[iodepth];
        boolean[] isRead = new boolean[iodepth];
        long[] t0 = new long[iodepth];
        int[] slots = new int[iodepth];
        for (int i = 0; i < iodepth; i++) {
            bufs[i] = data.buffer().slice(i * blockSize, blockSize);
            randomize(bufs[i], token ^ (31L * job + i));
            addr[i] = data.address() + (long) i * blockSize;
        }
        // after the writes above faulted every page in (with THP: 2 MiB at a time), what the kernel gave
        count[5] = (long) blockSize * iodepth;
        count[6] = LinuxAio.hugeBytes(data.address(), count[5]);
        count[7] = data.advised() ? 1 : 0;
        SplittableRandom rng = new SplittableRandom(token + 31L * job);
        long[] cursor = new long[1];
        for (int i = 0; i < iodepth; i++) {
            prepare(c, fd, i, rng, cursor, regionStart, regionBlocks, blocks, bufs, addr, offs, isRead, t0);
        }
        for (int from = 0; from < iodepth; from += batch) { // the first requests too go out batch per io_submit, as fio's
            int n = Math.min(batch, iodepth - from);
            for (int i = 0; i < n; i++) {
                slots[i] = from + i;
            }
            check(c.submit(slots, n), "io_submit");
        }
        int inFlight = iodepth;
        long reads = 0;
        long writes = 0;
        long verified = 0;
        long last = System.nanoTime();
        while (inFlight > 0) {
            int n = c.reap(batch);
            if (n < 0) {
                check(n, "io_getevents");
            }
            long now = System.nanoTime();
            if (n > 0) {
                last = now;
            }
            int again = 0;
            for (int e = 0; e < n; e++) {
                int slot = c.eventSlot(e);
                long res = c.eventResult(e);
                if (res != blockSize) {
                    String what = (isRead[slot] ? "read" : "write") + " of " + blockSize + " bytes at offset " + offs[slot];
                    throw new IOException(res < 0 ? what + " failed: " + LinuxAio.errnoName(res)
                            : what + " transferred " + res + " bytes" + (isRead[slot] && res == 0 ? " (the file ended)" : ""));
                }
                h.recordValue(Math.max(0, now - t0[slot]));
                if (isRead[slot]) {
                    reads++;
                    if (verify) {
                        BlockStamp.verify(workload, bufs[slot], offs[slot], token);
                        verified++;
                    }
                } else {
                    writes++;
                }
                if (now < deadline) {
                    prepare(c, fd, slot, rng, cursor, regionStart, regionBlocks, blocks, bufs, addr, offs, isRead, t0);
                    slots[again++] = slot;
                } else {
                    inFlight--;
                }
            }
            if (again > 0) {
                check(c.submit(slots, again), "io_submit");
            }
        }
        count[0] = reads;
        count[1] = writes;
        count[2] = verified;
        count[3] = c.submitCalls;
        count[4] = c.reapCalls;
        return last;
    }

    /** Chooses the next request for {@code slot}, stamps it if it writes, and fills its iocb. */
    private void prepare(LinuxAio.Context c, long fd, int slot, SplittableRandom rng, long[] cursor, long regionStart, long regionBlocks,
                         long blocks, ByteBuffer[] bufs, long[] addr, long[] offs, boolean[] isRead, long[] t0) {
        long block = mode.sequential() ? regionStart + Math.floorMod(cursor[0]++, regionBlocks) : rng.nextLong(blocks);
        long off = block * blockSize;
        boolean read = switch (mode) {
            case SEQ_READ, RAND_READ -> true;
            case SEQ_WRITE, RAND_WRITE -> false;
            case RAND_RW -> rng.nextInt(100) < readPercent;
        };
        if (!read) {
            BlockStamp.stamp(bufs[slot], off, token);
        }
        offs[slot] = off;
        isRead[slot] = read;
        c.prepare(slot, read ? LinuxAio.IOCB_CMD_PREAD : LinuxAio.IOCB_CMD_PWRITE, fd, addr[slot], blockSize, off);
        t0[slot] = System.nanoTime();
    }

    private void check(long r, String call) throws IOException {
        if (r < 0) {
            throw new IOException(call + " failed: " + LinuxAio.errnoName(r));
        }
    }
}
