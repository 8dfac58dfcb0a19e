package io.isobench.workload.storage;

import io.isobench.workload.WorkloadFamily;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.IdentityFact;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Params;
import io.isobench.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Block I/O on the storage under test, like the study's fio jobs: sequential 1 MiB reads and
 * writes, random 4 KiB reads, writes and a 70/30 mix, on one file in the environment's data
 * folder (a directory natively, the container filesystem or a volume in Docker, a virtio disk in
 * a VM). Every iteration creates the file, fills it once (preconditioning, synced), measures for
 * {@code duration} with O_DIRECT so the page cache stays out, and removes the file, also on
 * failure.
 *
 * <p>I/O engine ({@code engine}): libaio, the kernel's asynchronous I/O from one submitter thread
 * per job, as fio's libaio engine (the study's) and InnoDB's native AIO do; or psync, {@code iodepth}
 * threads per job each with one synchronous pread/pwrite, fio's psync with numjobs. They differ
 * most where writers serialize on the file (overlayfs), so the engine that ran is a fact, and an
 * identity fact: variants that ran different engines are marked confounded. See {@link BlockIoRun}.
 * Reads check the data ({@link BlockStamp}).
 *
 * <p>Submission policy of libaio ({@code batch}): at most {@code batch} completions are taken per
 * io_getevents and as many new requests go out in one io_submit. The default, 1, is fio's libaio
 * engine at its defaults (iodepth_batch_submit=1, iodepth_batch_complete_max=1: reap one, submit
 * one), the study's fio jobs; {@code batch=iodepth} is fio with both options at iodepth. The
 * policy is in the facts ({@code batch}, {@code submission}).
 */
public final class BlockIoWorkload implements Workload {

    /** Bytes kept free on the data folder's file system beyond the file. */
    static final long SPARE = 64L << 20;

    @Override
    public String name() {
        return "blockio";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.BLOCK_IO;
    }

    /** The engine that ran: libaio and psync can differ by a factor on the same storage. */
    @Override
    public List<IdentityFact> identityFacts() {
        return List.of(IdentityFact.software("workload.engine", "I/O engine"));
    }

    @Override
    public String description() {
        return "block I/O with O_DIRECT on the environment's storage: seq/rand read/write/70-30 mix (MB/s, IOPS, latency), like fio";
    }

    static final ParamKey<String> MODE = ParamKey.choice("mode", "access pattern; rand_rw is 70% reads, 30% writes",
                    "seq_read", "seq_write", "rand_read", "rand_write", "rand_rw")
            .defaultValue("rand_read").build();
    static final ParamKey<Long> BLOCK_SIZE = ParamKey.size("block_size", "bytes per request, a multiple of 4K; 0 = 1M for seq_*, 4K for rand_*")
            .defaultFrom(h -> 0L, "auto: 1M for seq_*, 4K for rand_*").range(0, 64L << 20).unit("bytes").build();
    static final ParamKey<String> ENGINE = ParamKey.choice("engine", "how requests are submitted: libaio = the kernel's asynchronous I/O"
                                + " (io_submit/io_getevents, as fio's libaio engine and InnoDB), one thread per job keeping iodepth"
                                + " requests in flight; psync = iodepth threads per job, each one synchronous pread/pwrite (fio's psync"
                                + " with numjobs=jobs x iodepth); auto = libaio where the kernel offers it, else psync (the facts say which ran)",
                    "auto", "libaio", "psync")
            .defaultValue("auto").build();
    static final ParamKey<Integer> IODEPTH = ParamKey.integer("iodepth", "requests in flight per job")
            .defaultValue(16).range(1, 256).build();
    static final ParamKey<Integer> BATCH = ParamKey.integer("batch", "engine=libaio: most completions taken per io_getevents, and so most"
                    + " requests per io_submit; 1 = fio's libaio defaults (iodepth_batch_submit=1, iodepth_batch_complete_max=1: reap one,"
                    + " submit one), the study's; N = fio with both options at N; at most iodepth")
            .defaultValue(1).range(1, 256).build();
    static final ParamKey<String> BUFFERS = ParamKey.choice("buffers", "engine=libaio: the memory of the I/O buffers. thp ="
                    + " anonymous mmap with madvise(MADV_HUGEPAGE), 2 MiB aligned: transparent huge pages where the kernel has them, no"
                    + " reservation needed; hugetlb = MAP_HUGETLB from the reserved pool (vm.nr_hugepages; fio --mem=mmaphuge); 4k ="
                    + " 4 KiB pages (MADV_NOHUGEPAGE). A large request in a buffer of scattered 4 KiB pages can reach the disk as"
                    + " several requests (max_segments), so the kind is a fact, with the bytes huge pages backed",
                    "thp", "hugetlb", "4k")
            .defaultValue("thp").build();
    static final ParamKey<Integer> JOBS = ParamKey.integer("jobs",
            "parallel jobs (fio's numjobs), sharing one file").defaultValue(1).range(1, 64).build();
    static final ParamKey<Long> FILE_SIZE = ParamKey.size("file_size", "size of the test file, filled once per iteration before measuring")
            .defaultValue(1L << 30).range(1L << 20, 1L << 50).unit("bytes").build();
    static final ParamKey<Duration> DURATION = ParamKey.duration("duration", "measured time per iteration, after the fill")
            .defaultValue("10s").range(10, 3_600_000).unit("ms").build();
    static final ParamKey<Boolean> VERIFY = ParamKey.flag("verify", "check the offset stamp of every block read").defaultValue(true).build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(MODE, BLOCK_SIZE, ENGINE, IODEPTH, BATCH, BUFFERS, JOBS, FILE_SIZE, DURATION, VERIFY);
    }

    /**
     * Each request in flight has its own aligned direct buffer (jobs x iodepth of block_size), and
     * the preconditioning fill writes through one of 1 MiB (16 MiB allowed for).
     */
    @Override
    public OffHeap offHeap(Params p, long memory) {
        long inFlight = (long) p.get(JOBS) * p.get(IODEPTH);
        long bs = blockSize(p);
        // libaio maps each job's buffers rounded up to 2 MiB, plus 2 MiB to align them
        return new OffHeap(inFlight * (bs + 4096) + p.get(JOBS) * (4L << 20) + (16L << 20), "O_DIRECT buffers for jobs=" + p.get(JOBS) + " x iodepth="
                + p.get(IODEPTH) + " of block_size=" + bs);
    }

    static int blockSize(Params p) {
        long bs = p.get(BLOCK_SIZE);
        if (bs == 0) {
            return p.get(MODE).startsWith("seq") ? 1 << 20 : 4096;
        }
        return (int) bs;
    }

    @Override
    public void validate(Params p, HostFacts host) {
        int bs = blockSize(p);
        if (bs % BlockStamp.UNIT != 0) {
            throw new BadInputException(name() + " parameter 'block_size' is " + bs + ": O_DIRECT needs a multiple of 4K (4096 bytes);"
                    + " use e.g. 4K, 64K or 1M");
        }
        long fileSize = p.get(FILE_SIZE);
        if (fileSize % bs != 0) {
            throw new BadInputException(name() + " parameter 'file_size' is " + fileSize + " bytes, not a multiple of block_size "
                    + bs + ": use a size such as " + DirectIo.mib(Math.max(bs, fileSize / bs * bs)));
        }
        int batch = p.get(BATCH);
        int iodepth = p.get(IODEPTH);
        if (batch > iodepth) {
            throw new BadInputException(name() + " parameter 'batch' is " + batch + ", more than iodepth " + iodepth
                    + ": a job never has more than iodepth requests to reap or submit; use batch=" + iodepth + " or less");
        }
        if (batch != 1 && p.get(ENGINE).equals("psync")) {
            throw new BadInputException(name() + " parameter 'batch' is " + batch + " with engine=psync, whose threads each make"
                    + " one synchronous call per request: batch applies to engine=libaio; drop batch or use engine=libaio");
        }
        if (!p.get(BUFFERS).equals("thp") && p.get(ENGINE).equals("psync")) {
            throw new BadInputException(name() + " parameter 'buffers' is " + p.get(BUFFERS) + " with engine=psync, whose threads use"
                    + " direct ByteBuffers: buffers applies to engine=libaio; drop buffers or use engine=libaio");
        }
        int jobs = p.get(JOBS);
        if (fileSize / bs < jobs) {
            throw new BadInputException(name() + " parameter 'file_size' (" + DirectIo.mib(fileSize) + ") holds fewer blocks of "
                    + bs + " bytes than there are jobs (" + jobs + "): raise file_size or lower jobs");
        }
    }

    @Override
    public Duration deadline(Params p) {
        // the fill at a pessimistic 20 MB/s, the measurement, and slack
        return Duration.ofMillis(p.get(FILE_SIZE) / 20_000 + p.get(DURATION).toMillis() + 120_000);
    }

    /** Runs for its {@code duration}, however fast the environment is. */
    @Override
    public boolean timeBound() {
        return true;
    }

    @Override
    public Duration estimate(Params p) {
        return Duration.ofMillis(p.get(FILE_SIZE) / 500_000 + p.get(DURATION).toMillis());
    }

    @Override
    public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
        validate(p, ctx.facts());
        BlockIoRun.Mode mode = BlockIoRun.Mode.parse(p.get(MODE));
        int bs = blockSize(p);
        long fileSize = p.get(FILE_SIZE);
        int iodepth = p.get(IODEPTH);
        int jobs = p.get(JOBS);
        Path dir = ctx.dataDir();
        Files.createDirectories(dir);
        DirectIo.checkFileSystem(name(), dir);
        DirectIo.checkSpace(name(), dir, fileSize, SPARE);
        int alignment = DirectIo.alignment(dir);
        if (bs % alignment != 0) {
            throw new BadInputException(name() + " parameter 'block_size' is " + bs + " but the file system of " + dir
                    + " needs O_DIRECT requests in multiples of " + alignment + " bytes: use a multiple of " + alignment);
        }
        BlockIoRun.Engine engine = engine(p);
        long token = new SplittableRandom().nextLong();
        Path file = dir.resolve("isobench-blockio-" + Long.toHexString(token) + ".dat");
        try {
            long f0 = System.nanoTime();
            BlockIoRun.fill(name(), file, fileSize, token, alignment);
            double fillSeconds = (System.nanoTime() - f0) / 1e9;
            int batch = engine == BlockIoRun.Engine.LIBAIO ? p.get(BATCH) : 1;
            LinuxAio.Buffers buffers = LinuxAio.Buffers.parse(p.get(BUFFERS));
            BlockIoRun run = new BlockIoRun(name(), file, fileSize, mode, bs, iodepth, jobs, 70, p.get(VERIFY), token, alignment,
                    engine, batch, buffers);
            BlockIoRun.Outcome o = run.run(p.get(DURATION).toMillis());
            WorkloadResult.Builder b = builder(o, mode, bs, iodepth, jobs, fileSize, dir, fillSeconds, engine, p.get(ENGINE), batch,
                    buffers);
            disks(b, run.disks(), o);
            return b.build();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The engine to run: libaio where asked for or (auto) where the kernel offers it, psync where
     * asked for or where libaio is unavailable under auto. Asking for libaio where it is
     * unavailable is bad input, with the reason.
     */
    BlockIoRun.Engine engine(Params p) {
        String asked = p.get(ENGINE);
        return switch (asked) {
            case "psync" -> BlockIoRun.Engine.PSYNC;
            case "libaio" -> {
                if (LinuxAio.find().isEmpty()) {
                    throw new BadInputException(name() + " parameter 'engine' is libaio, which is unavailable here: " + LinuxAio.whyNot()
                            + "; use engine=psync (synchronous, iodepth threads per job) or engine=auto");
                }
                yield BlockIoRun.Engine.LIBAIO;
            }
            case "auto" -> LinuxAio.find().isPresent() ? BlockIoRun.Engine.LIBAIO : BlockIoRun.Engine.PSYNC;
            default -> throw new BadInputException(name() + " parameter 'engine' is '" + asked + "': use auto, libaio or psync");
        };
    }

    /** The submission policy that ran, in fio's terms. */
    static String submission(BlockIoRun.Engine engine, int batch) {
        if (engine == BlockIoRun.Engine.PSYNC) {
            return "one synchronous pread/pwrite per thread at a time (batch does not apply)";
        }
        return batch == 1
                ? "io_getevents takes 1 completion, io_submit sends 1 request (fio libaio defaults: iodepth_batch_submit=1,"
                        + " iodepth_batch_complete_max=1)"
                : "io_getevents takes 1 to " + batch + " completions, one io_submit resubmits them all (fio: iodepth_batch_submit="
                        + batch + ", iodepth_batch_complete_max=" + batch + ")";
    }

    /**
     * What the disks did while the run measured (see {@link DiskStats}): the requests and bytes
     * they completed, per request and per byte of the workload's. Requests per request above 1:
     * the block layer split requests (a buffer's pages scattered beyond the disk's max_segments);
     * below 1: it merged them. Other processes' I/O in those seconds is counted too.
     */
    static void disks(WorkloadResult.Builder b, java.util.Map<String, DiskStats.Counters> disks, BlockIoRun.Outcome o) {
        if (disks.isEmpty() || o.ops() == 0) {
            return;
        }
        long requests = disks.values().stream().mapToLong(DiskStats.Counters::requests).sum();
        long merged = disks.values().stream().mapToLong(DiskStats.Counters::merged).sum();
        long bytes = disks.values().stream().mapToLong(DiskStats.Counters::bytes).sum();
        b.fact("disks", String.join(",", disks.keySet()))
                .fact("disk_requests", requests).fact("disk_merges", merged).fact("disk_bytes", bytes)
                .fact("disk_requests_per_request", (double) requests / o.ops())
                .fact("disk_bytes_per_byte", (double) bytes / Math.max(1, o.bytes()));
    }

    /** What the I/O buffers were made of, as the facts say it. */
    static String bufferKind(BlockIoRun.Outcome o, BlockIoRun.Engine engine, LinuxAio.Buffers buffers) {
        if (engine == BlockIoRun.Engine.PSYNC) {
            return "direct ByteBuffer per thread (malloc'd, 4 KiB pages)";
        }
        String huge = o.bufferHugeBytes() < 0 ? "huge-page backing unknown (no /proc/self/smaps)"
                : String.format(Locale.ROOT, "%.0f%% in huge pages", 100.0 * o.bufferHugeBytes() / Math.max(1, o.bufferBytes()));
        return switch (buffers) {
            case THP -> "anonymous mmap, 2 MiB aligned, madvise(MADV_HUGEPAGE)" + (o.buffersAdvised() ? "" : " refused (no THP)") + ": "
                    + huge;
            case HUGETLB -> "anonymous mmap, MAP_HUGETLB (fio --mem=mmaphuge): " + huge;
            case SMALL -> "anonymous mmap, madvise(MADV_NOHUGEPAGE): " + huge;
        };
    }

    static WorkloadResult.Builder builder(BlockIoRun.Outcome o, BlockIoRun.Mode mode, int bs, int iodepth, int jobs, long fileSize, Path dir,
                                          double fillSeconds, BlockIoRun.Engine engine, String asked, int batch, LinuxAio.Buffers buffers)
            throws java.io.IOException {
        Histogram h = o.latencies();
        WorkloadResult.Builder b = WorkloadResult.builder();
        b.higher("throughput", o.bytes() / o.seconds() / 1e6, "MB/s");
        b.higher("iops", o.ops() / o.seconds(), "IOPS");
        if (mode == BlockIoRun.Mode.RAND_RW) {
            b.higher("read_iops", o.reads() / o.seconds(), "IOPS");
            b.higher("write_iops", o.writes() / o.seconds(), "IOPS");
        }
        b.lower("latency_mean", h.getMean() / 1000.0, "us");
        b.lower("latency_p50", h.getValueAtPercentile(50) / 1000.0, "us");
        b.lower("latency_p99", h.getValueAtPercentile(99) / 1000.0, "us");
        b.lower("latency_p99_9", h.getValueAtPercentile(99.9) / 1000.0, "us");
        b.fact("mode", mode.name().toLowerCase(Locale.ROOT))
                .fact("block_size", bs).fact("iodepth", iodepth).fact("jobs", jobs).fact("file_size", fileSize)
                .fact("reads", o.reads()).fact("writes", o.writes()).fact("verified_reads", o.verifiedReads())
                .fact("seconds", o.seconds()).fact("fill_seconds", fillSeconds)
                .fact("data_dir", dir.toString()).fact("filesystem", DirectIo.type(dir))
                .fact("engine", engine.label())
                .fact("engine_asked", asked)
                .fact("io_engine", engine == BlockIoRun.Engine.LIBAIO
                        ? "kernel AIO (io_submit/io_getevents through libc's syscall) with O_DIRECT: one submitter thread per job, "
                                + iodepth + " requests in flight"
                        : "sync pread/pwrite with O_DIRECT (FileChannel): " + iodepth + " threads per job, one request each"
                                + (asked.equals("auto") ? " (libaio unavailable: " + LinuxAio.whyNot() + ")" : ""))
                .fact("batch", batch)
                .fact("submission", submission(engine, batch))
                .fact("latency_max_us", h.getMaxValue() / 1000.0);
        b.fact("buffers", engine == BlockIoRun.Engine.LIBAIO ? buffers.label() : "malloc")
                .fact("buffer_memory", bufferKind(o, engine, buffers));
        if (engine == BlockIoRun.Engine.LIBAIO) {
            b.fact("io_submit_calls", o.submitCalls()).fact("io_getevents_calls", o.reapCalls())
                    .fact("buffer_bytes", o.bufferBytes()).fact("buffer_huge_bytes", o.bufferHugeBytes());
        }
        return b;
    }
}
