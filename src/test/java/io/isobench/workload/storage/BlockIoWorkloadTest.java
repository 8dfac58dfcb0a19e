package io.isobench.workload.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isobench.BadInputException;
import io.isobench.core.Files2;
import io.isobench.host.HostFacts;
import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Small files, short runs, on a disk-backed folder (/var/tmp, as the native environment uses). */
class BlockIoWorkloadTest {

    private final BlockIoWorkload w = new BlockIoWorkload();
    private Path dir;

    @BeforeEach
    void makeDir() throws Exception {
        Path base = Path.of("/var/tmp");
        assumeTrue(Files.isWritable(base) && !DirectIo.IN_MEMORY.contains(DirectIo.type(base)), "/var/tmp is not disk-backed here");
        dir = Files.createTempDirectory(base, "isobench-blockio-test");
    }

    @AfterEach
    void removeDir() throws Exception {
        if (dir != null) {
            Files2.deleteRecursively(dir);
        }
    }

    private Params params(Map<String, Object> given) {
        Map<String, Object> m = new HashMap<>(Map.of("file_size", "8M", "duration", "200ms", "iodepth", 4));
        m.putAll(given);
        return Params.resolve(w.params(), m, HostFacts.read(), "workload 'blockio'", "test");
    }

    private WorkloadResult run(Map<String, Object> given) throws Exception {
        return w.runInside(params(given), new InsideContext(dir, HostFacts.read()));
    }

    private static double figure(WorkloadResult r, String metric) {
        return r.measurements().stream().filter(m -> m.metric().equals(metric)).mapToDouble(Measurement::value).findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " in " + r.measurements()));
    }

    private static long fact(WorkloadResult r, String key) {
        return ((Number) r.metadata().get(key)).longValue();
    }

    private long filesLeft() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> modesAndEngines() {
        return Stream.of("seq_read", "seq_write", "rand_read", "rand_write", "rand_rw")
                .flatMap(m -> Stream.of("libaio", "psync").map(e -> org.junit.jupiter.params.provider.Arguments.of(m, e)));
    }

    private static void assumeLibaio(String engine) {
        assumeTrue(!engine.equals("libaio") || LinuxAio.find().isPresent(), () -> "no kernel AIO here: " + LinuxAio.whyNot());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("modesAndEngines")
    void everyModeMeasuresConsistentFiguresAndRemovesItsFile(String mode, String engine) throws Exception {
        assumeLibaio(engine);
        WorkloadResult r = run(Map.of("mode", mode, "engine", engine));
        assertThat(r.metadata()).containsEntry("engine", engine).containsEntry("engine_asked", engine);
        long reads = fact(r, "reads");
        long writes = fact(r, "writes");
        int bs = mode.startsWith("seq") ? 1 << 20 : 4096;
        assertThat(fact(r, "block_size")).isEqualTo(bs);
        assertThat(reads + writes).isPositive();
        double seconds = ((Number) r.metadata().get("seconds")).doubleValue();
        assertThat(figure(r, "iops")).isCloseTo((reads + writes) / seconds, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(figure(r, "throughput")).isCloseTo((reads + writes) * bs / seconds / 1e6, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(figure(r, "latency_p50")).isPositive().isLessThanOrEqualTo(figure(r, "latency_p99"));
        switch (mode) {
            case "seq_read", "rand_read" -> assertThat(writes).isZero();
            case "seq_write", "rand_write" -> assertThat(reads).isZero();
            default -> {
                assertThat(reads).isPositive();
                assertThat(figure(r, "read_iops") + figure(r, "write_iops")).isCloseTo(figure(r, "iops"), org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        // every read was checked against the stamp the fill (or an earlier write) put there
        assertThat(fact(r, "verified_reads")).isEqualTo(reads);
        assertThat(filesLeft()).isZero();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(BlockIoRun.Engine.class)
    void aCorruptedBlockIsCaughtByTheReadCheck(BlockIoRun.Engine engine) throws Exception {
        assumeLibaio(engine.label());
        Path file = dir.resolve("corrupt.dat");
        long size = 4L << 20;
        int alignment = DirectIo.alignment(dir);
        BlockIoRun.fill("blockio", file, size, 42, alignment);
        long bad = 3L * (1 << 20) + 5 * 4096;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(16).putLong(bad + 4096).putLong(42).flip(), bad); // a block that claims to be its neighbour
            ch.force(true);
        }
        BlockIoRun run = new BlockIoRun("blockio", file, size, BlockIoRun.Mode.SEQ_READ, 1 << 20, 1, 1, 70, true, 42, alignment, engine);
        assertThatThrownBy(() -> run.run(2_000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("file offset " + bad)
                .hasMessageContaining("not what was written");
        // the same file, intact elsewhere, reads clean from a job that never reaches the bad block
        BlockIoRun other = new BlockIoRun("blockio", file, 3L << 20, BlockIoRun.Mode.SEQ_READ, 1 << 20, 1, 1, 70, true, 42, alignment,
                engine);
        assertThat(other.run(50).verifiedReads()).isPositive();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(BlockIoRun.Engine.class)
    void aFileOfAnotherRunFailsTheCheck(BlockIoRun.Engine engine) throws Exception {
        assumeLibaio(engine.label());
        Path file = dir.resolve("foreign.dat");
        int alignment = DirectIo.alignment(dir);
        BlockIoRun.fill("blockio", file, 1 << 20, 7, alignment);
        BlockIoRun run = new BlockIoRun("blockio", file, 1 << 20, BlockIoRun.Mode.RAND_READ, 4096, 4, 1, 70, true, 8, alignment, engine);
        assertThatThrownBy(() -> run.run(50)).hasMessageContaining("foreign token");
    }

    /**
     * The asynchronous writes really reach the file: sequential writes over a file that was never
     * filled (a hole reads as zeros) wrap around it many times, and afterwards every block of it,
     * read back through the page cache by another path, carries the stamp of its offset.
     */
    @Test
    void libaioWritesCompleteAndLandWhereTheyWereAimed() throws Exception {
        assumeLibaio("libaio");
        Path file = dir.resolve("written.dat");
        long size = 1L << 20;
        int alignment = DirectIo.alignment(dir);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.truncate(0).write(ByteBuffer.allocate(1), size - 1); // a sparse file of the size: zeros, no stamps
        }
        BlockIoRun writer = new BlockIoRun("blockio", file, size, BlockIoRun.Mode.SEQ_WRITE, 4096, 8, 2, 70, true, 99, alignment,
                BlockIoRun.Engine.LIBAIO);
        BlockIoRun.Outcome o = writer.run(300);
        assertThat(o.writes()).isGreaterThanOrEqualTo(size / 4096); // at least one pass over both jobs' regions
        assertThat(o.reads()).isZero();
        ByteBuffer all = ByteBuffer.allocate((int) size);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
                // until the whole file is in
            }
        }
        BlockStamp.verify("blockio", all.flip(), 0, 99);
        // and the reads of the same engine find them
        BlockIoRun reader = new BlockIoRun("blockio", file, size, BlockIoRun.Mode.RAND_READ, 4096, 8, 1, 70, true, 99, alignment,
                BlockIoRun.Engine.LIBAIO);
        BlockIoRun.Outcome r = reader.run(100);
        assertThat(r.verifiedReads()).isEqualTo(r.reads()).isPositive();
    }

    @Test
    void autoRunsLibaioWhereTheKernelOffersItAndSaysWhich() throws Exception {
        WorkloadResult r = run(Map.of("mode", "rand_read"));
        String expected = LinuxAio.find().isPresent() ? "libaio" : "psync";
        assertThat(r.metadata()).containsEntry("engine", expected).containsEntry("engine_asked", "auto");
        assertThat(String.valueOf(r.metadata().get("io_engine"))).contains(expected.equals("libaio") ? "io_submit" : "pread");
        assertThat(w.identityFacts()).extracting(f -> f.path()).contains("workload.engine");
    }

    /**
     * batch=1 (the default, fio's libaio defaults) reaps one completion and submits one request per
     * call: as many io_submit and io_getevents calls as requests. batch=iodepth may take several
     * per call, never more than batch. The facts name the policy in fio's terms.
     */
    @ParameterizedTest
    @ValueSource(strings = {"rand_read", "rand_write", "rand_rw", "seq_read"})
    void theSubmissionPolicyIsTheOneAskedForAndTheFactsSayWhich(String mode) throws Exception {
        assumeLibaio("libaio");
        WorkloadResult one = run(Map.of("mode", mode, "engine", "libaio"));
        long ops = fact(one, "reads") + fact(one, "writes");
        assertThat(ops).isPositive();
        assertThat(fact(one, "batch")).isEqualTo(1);
        assertThat(fact(one, "io_submit_calls")).isEqualTo(ops);
        assertThat(fact(one, "io_getevents_calls")).isEqualTo(ops);
        assertThat(String.valueOf(one.metadata().get("submission")))
                .contains("iodepth_batch_submit=1").contains("iodepth_batch_complete_max=1");

        WorkloadResult four = run(Map.of("mode", mode, "engine", "libaio", "batch", 4)); // iodepth is 4 here
        long ops4 = fact(four, "reads") + fact(four, "writes");
        assertThat(fact(four, "batch")).isEqualTo(4);
        assertThat(fact(four, "io_submit_calls")).isBetween((ops4 + 3) / 4, ops4);
        assertThat(fact(four, "io_getevents_calls")).isBetween((ops4 + 3) / 4, ops4);
        assertThat(String.valueOf(four.metadata().get("submission")))
                .contains("iodepth_batch_submit=4").contains("iodepth_batch_complete_max=4");
        assertThat(fact(four, "verified_reads")).isEqualTo(fact(four, "reads"));
    }

    @Test
    void psyncRecordsNoBatchingAndNoAioCalls() throws Exception {
        WorkloadResult r = run(Map.of("mode", "rand_read", "engine", "psync"));
        assertThat(fact(r, "batch")).isEqualTo(1);
        assertThat(String.valueOf(r.metadata().get("submission"))).contains("synchronous").contains("batch does not apply");
        assertThat(r.metadata()).doesNotContainKeys("io_submit_calls", "io_getevents_calls");
    }

    @Test
    void aBatchAboveIodepthOrWithPsyncIsBadInputWithTheFix() {
        assertThatThrownBy(() -> w.validate(params(Map.of("batch", 8, "iodepth", 4)), HostFacts.read()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("'batch' is 8").hasMessageContaining("iodepth 4").hasMessageContaining("batch=4 or less");
        assertThatThrownBy(() -> w.validate(params(Map.of("batch", 2, "engine", "psync")), HostFacts.read()))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("engine=psync").hasMessageContaining("engine=libaio");
        assertThatThrownBy(() -> params(Map.of("batch", 0)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("batch");
        w.validate(params(Map.of("batch", 4, "iodepth", 4)), HostFacts.read()); // at iodepth: fine
        w.validate(params(Map.of("engine", "psync")), HostFacts.read()); // psync with the default batch: fine
    }

    /**
     * The buffers are what was asked for and the facts say what the kernel gave: thp (the
     * default) and 4k are mapped here, and smaps shows 4k without a huge page; hugetlb either runs
     * from the reserved pool, fully in huge pages, or says how to reserve them.
     */
    @Test
    void theBufferMemoryIsTheKindAskedForAndTheFactsSayWhatBackedIt() throws Exception {
        assumeLibaio("libaio");
        WorkloadResult thp = run(Map.of("mode", "seq_read", "engine", "libaio"));
        assertThat(thp.metadata()).containsEntry("buffers", "thp");
        assertThat(fact(thp, "buffer_bytes")).isEqualTo(4L << 20); // iodepth 4 x 1M
        assertThat(String.valueOf(thp.metadata().get("buffer_memory"))).contains("MADV_HUGEPAGE").contains("huge pages");
        assertThat(fact(thp, "buffer_huge_bytes")).isBetween(-1L, 4L << 20);

        WorkloadResult small = run(Map.of("mode", "seq_read", "engine", "libaio", "buffers", "4k"));
        assertThat(small.metadata()).containsEntry("buffers", "4k");
        assertThat(fact(small, "buffer_huge_bytes")).isIn(-1L, 0L);
        assertThat(fact(small, "verified_reads")).isEqualTo(fact(small, "reads"));

        try {
            WorkloadResult huge = run(Map.of("mode", "seq_write", "engine", "libaio", "buffers", "hugetlb"));
            assertThat(huge.metadata()).containsEntry("buffers", "hugetlb");
            assertThat(fact(huge, "buffer_huge_bytes")).isIn(-1L, 4L << 20);
        } catch (java.io.IOException e) {
            assertThat(e).hasMessageContaining("hugetlb").hasMessageContaining("nr_hugepages");
        }
        assertThat(filesLeft()).isZero();
    }

    @Test
    void psyncNamesItsBuffersAndRefusesAnotherKind() throws Exception {
        WorkloadResult r = run(Map.of("mode", "rand_read", "engine", "psync"));
        assertThat(r.metadata()).containsEntry("buffers", "malloc").doesNotContainKeys("buffer_bytes");
        assertThatThrownBy(() -> w.validate(params(Map.of("buffers", "hugetlb", "engine", "psync")), HostFacts.read()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("'buffers'").hasMessageContaining("engine=libaio");
        assertThatThrownBy(() -> params(Map.of("buffers", "huge"))).isInstanceOf(BadInputException.class).hasMessageContaining("buffers");
    }

    /** The smaps reading counts huge-page bytes of the mappings inside the range only, at most their overlap. */
    @Test
    void hugeBytesCountsOnlyTheMappingsOfTheRange() {
        java.util.List<String> smaps = java.util.List.of(
                "7f0000000000-7f0000200000 rw-p 00000000 00:00 0",
                "AnonHugePages:      2048 kB",
                "7f0000200000-7f0000600000 rw-p 00000000 00:00 0",
                "Size:               4096 kB",
                "AnonHugePages:      4096 kB",
                "Private_Hugetlb:       0 kB",
                "7f0000600000-7f0000800000 rw-p 00000000 00:00 0 ",
                "Shared_Hugetlb:        0 kB",
                "Private_Hugetlb:    2048 kB",
                "7f0000800000-7f0000a00000 rw-p 00000000 00:00 0",
                "AnonHugePages:      2048 kB");
        long base = 0x7f0000200000L;
        assertThat(LinuxAio.hugeBytes(smaps, base, 4L << 20)).isEqualTo(4L << 20);
        assertThat(LinuxAio.hugeBytes(smaps, base, 6L << 20)).isEqualTo(6L << 20);
        assertThat(LinuxAio.hugeBytes(smaps, base, 1L << 20)).isEqualTo(1L << 20); // at most the overlap
        assertThat(LinuxAio.hugeBytes(smaps, 0x7f0000c00000L, 2L << 20)).isZero();
    }

    /** The disks' counters cover whole disks, not their partitions or loop devices, and only those that did something. */
    @Test
    void diskStatsCountWholeDisksThatWorked() {
        java.util.List<String> before = java.util.List.of(
                " 253       0 vda 100 5 800 0 200 7 1600 0 0 0 0 0 0 0 0 0 0",
                " 253       1 vda1 90 5 700 0 190 7 1500 0 0 0 0 0 0 0 0 0 0",
                "   7       0 loop0 10 0 80 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
                " 253      16 vdb 1 0 8 0 0 0 0 0 0 0 0 0 0 0 0 0 0");
        java.util.List<String> after = java.util.List.of(
                " 253       0 vda 150 5 1200 0 230 9 2000 0 0 0 0 0 0 0 0 0 0",
                " 253       1 vda1 140 5 1100 0 220 9 1900 0 0 0 0 0 0 0 0 0 0",
                "   7       0 loop0 20 0 160 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
                " 253      16 vdb 1 0 8 0 0 0 0 0 0 0 0 0 0 0 0 0 0");
        java.util.function.Predicate<String> part = n -> n.equals("vda1");
        var d = DiskStats.delta(DiskStats.parse(before, part), DiskStats.parse(after, part));
        assertThat(d).containsOnlyKeys("vda");
        assertThat(d.get("vda").requests()).isEqualTo(80);
        assertThat(d.get("vda").merged()).isEqualTo(2);
        assertThat(d.get("vda").bytes()).isEqualTo((400 + 400) * 512L);
    }

    /** A run on a disk-backed folder records what the disk did while it measured, beside its own requests. */
    @ParameterizedTest
    @ValueSource(strings = {"libaio", "psync"})
    void theFactsSayWhatTheDiskDidWhileTheRunMeasured(String engine) throws Exception {
        assumeLibaio(engine);
        assumeTrue(!DiskStats.read().isEmpty(), "no /proc/diskstats here");
        WorkloadResult r = run(Map.of("mode", "rand_read", "engine", engine));
        long ops = fact(r, "reads") + fact(r, "writes");
        assertThat(fact(r, "disk_requests")).isPositive();
        assertThat(String.valueOf(r.metadata().get("disks"))).isNotBlank();
        assertThat(((Number) r.metadata().get("disk_requests_per_request")).doubleValue())
                .isCloseTo((double) fact(r, "disk_requests") / ops, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theRunRefusesABatchOutsideOneToIodepth() {
        assertThatThrownBy(() -> new BlockIoRun("blockio", dir.resolve("x.dat"), 1 << 20, BlockIoRun.Mode.RAND_READ, 4096, 4, 1, 70, true,
                1, 4096, BlockIoRun.Engine.LIBAIO, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..4");
    }

    @Test
    void anUnknownEngineIsBadInputNamingTheParameter() {
        assertThatThrownBy(() -> params(Map.of("engine", "io_urin")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("engine")
                .hasMessageContaining("libaio")
                .hasMessageContaining("psync");
    }

    @Test
    void memoryBackedFolderIsRefusedWithTheFix() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && DirectIo.type(shm).equals("tmpfs"), "/dev/shm is not tmpfs here");
        Path inShm = Files.createTempDirectory(shm, "isobench-blockio-test");
        try {
            assertThatThrownBy(() -> w.runInside(params(Map.of()), new InsideContext(inShm, HostFacts.read())))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining(inShm.toString())
                    .hasMessageContaining("tmpfs")
                    .hasMessageContaining("disk-backed");
            try (Stream<Path> s = Files.list(inShm)) {
                assertThat(s.count()).isZero();
            }
        } finally {
            Files2.deleteRecursively(inShm);
        }
    }

    @Test
    void aDiskTooSmallIsRefusedBeforeAnythingIsWritten() throws Exception {
        assertThatThrownBy(() -> run(Map.of("file_size", "1024T")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("file_size=1024T does not fit in " + dir)
                .hasMessageContaining("free");
        assertThat(filesLeft()).isZero();
    }

    @Test
    void sizesThatODirectCannotDoAreBadInput() {
        assertThatThrownBy(() -> w.validate(params(Map.of("block_size", 1000)), HostFacts.read()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("block_size").hasMessageContaining("4K");
        assertThatThrownBy(() -> w.validate(params(Map.of("block_size", "8K", "file_size", "1028K")), HostFacts.read()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("file_size");
        assertThatThrownBy(() -> w.validate(params(Map.of("mode", "seq_read", "file_size", "2M", "jobs", 4)), HostFacts.read()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("jobs");
    }
}
