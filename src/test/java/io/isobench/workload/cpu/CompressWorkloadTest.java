package io.isobench.workload.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.Params;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressWorkloadTest {

    private static final HostFacts HOST = HostFacts.of(2, 8L << 30, 32L << 20);

    private static byte[][] compressed(byte[] input, int[] bounds) throws Exception {
        return compressed(CompressWorkload.javaEncoder(), input, bounds);
    }

    private static byte[][] compressed(CompressWorkload.BlockEncoder encoder, byte[] input, int[] bounds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            return CompressWorkload.compressBlocks(pool, encoder, input, bounds, 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void realBlocksDecompressToTheirInput() throws Exception {
        byte[] input = TextCorpus.generate(200_000, 3);
        int[] bounds = CompressWorkload.blockBounds(input.length, 3);
        byte[][] blocks = compressed(input, bounds);
        CompressWorkload.verifyBlocks(input, bounds, blocks);
        long out = 0;
        for (byte[] b : blocks) {
            out += b.length;
        }
        assertThat(out).isLessThan(input.length / 2); // text compresses
    }

    @Test
    void corruptedBlockIsRejected() throws Exception {
        byte[] input = TextCorpus.generate(100_000, 3);
        int[] bounds = CompressWorkload.blockBounds(input.length, 2);
        byte[][] blocks = compressed(input, bounds);
        blocks[1][blocks[1].length / 2] ^= 0x10;
        assertThatThrownBy(() -> CompressWorkload.verifyBlocks(input, bounds, blocks))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("block 1");
    }

    @Test
    void blocksInTheWrongOrderAreRejected() throws Exception {
        byte[] input = TextCorpus.generate(100_000, 3);
        int[] bounds = CompressWorkload.blockBounds(input.length, 2);
        byte[][] blocks = compressed(input, bounds);
        byte[][] swapped = {blocks[1], blocks[0]};
        assertThatThrownBy(() -> CompressWorkload.verifyBlocks(input, bounds, swapped)).hasMessageContaining("block 0");
    }

    @Test
    void liblzmaBlocksDecompressThroughTheJavaDecoderAndCorruptionIsCaught() throws Exception {
        // liblzma5 is a required package on Debian: present wherever the tests run
        assertThat(NativeLzma.find()).as("liblzma through java.lang.foreign: %s", NativeLzma.whyNot()).isPresent();
        CompressWorkload.BlockEncoder lzma = CompressWorkload.encoder("native");
        assertThat(lzma.description()).startsWith("liblzma 5.");
        byte[] input = TextCorpus.generate(300_000, 5);
        int[] bounds = CompressWorkload.blockBounds(input.length, 3);
        byte[][] blocks = compressed(lzma, input, bounds);
        CompressWorkload.verifyBlocks(input, bounds, blocks);
        assertThat(blocks[0]).startsWith((byte) 0xFD, (byte) '7', (byte) 'z', (byte) 'X', (byte) 'Z', (byte) 0x00); // an .xz stream
        blocks[2][blocks[2].length / 2] ^= 0x01;
        assertThatThrownBy(() -> CompressWorkload.verifyBlocks(input, bounds, blocks))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("block 2");
    }

    @Test
    void liblzmaHandlesIncompressibleInputAndEmptyBlocks() throws Exception {
        NativeLzma lzma = NativeLzma.find().orElseThrow();
        byte[] random = new byte[100_000];
        new java.util.Random(7).nextBytes(random);
        byte[] out = lzma.compress(random, 0, random.length, 6);
        assertThat(out.length).isGreaterThan(random.length); // bigger than the input, within the bound given
        CompressWorkload.verifyBlocks(random, new int[] {0, random.length}, new byte[][] {out});
        byte[] empty = lzma.compress(random, 500, 0, 6);
        CompressWorkload.verifyBlocks(random, new int[] {500, 500}, new byte[][] {empty});
    }

    @Test
    void implementationIsNamedInTheFacts(@TempDir Path dir) throws Exception {
        CompressWorkload w = new CompressWorkload();
        for (String impl : new String[] {"java", "auto"}) {
            Params p = Params.resolve(w.params(), Map.of("size", 64_000, "threads", 2, "preset", 1, "implementation", impl), HOST,
                    "workload 'compress'", "test");
            WorkloadResult r = w.runInside(p, new InsideContext(dir, HOST));
            assertThat((String) r.metadata().get("implementation")).startsWith(impl.equals("java") ? "org.tukaani:xz" : "liblzma");
        }
    }

    @Test
    void blockBoundsCoverTheInput() {
        int[] b = CompressWorkload.blockBounds(1001, 3);
        assertThat(b).containsExactly(0, 333, 667, 1001);
    }

    @Test
    void corpusIsReproducibleText() {
        byte[] a = TextCorpus.generate(50_000, 9);
        assertThat(TextCorpus.generate(50_000, 9)).isEqualTo(a);
        assertThat(TextCorpus.generate(50_000, 10)).isNotEqualTo(a);
        for (byte c : a) {
            assertThat(c == '\n' || (c >= 32 && c < 127)).isTrue();
        }
    }

    @Test
    void runInsideCompressesAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("in.txt");
        Files.write(file, TextCorpus.generate(64_000, 4));
        CompressWorkload w = new CompressWorkload();
        Params p = Params.resolve(w.params(), Map.of("file", file.toString(), "threads", 2, "preset", 1), HOST, "workload 'compress'", "test");
        WorkloadResult r = w.runInside(p, new InsideContext(dir, HOST));
        assertThat(r.measurements()).singleElement().satisfies(m -> assertThat(m.unit()).isEqualTo("MB/s"));
        assertThat(r.metadata()).containsEntry("input_bytes", 64_000).containsEntry("blocks", 2);
        // the figure is the input's bytes over the compression's time, recorded beside it
        double seconds = ((Number) r.metadata().get("seconds")).doubleValue();
        assertThat(seconds).isFinite().isPositive();
        assertThat(r.measurements().get(0).value()).isFinite().isPositive()
                .isCloseTo(64_000 / seconds / 1e6, org.assertj.core.data.Percentage.withPercentage(1e-9));
        assertThat(((Number) r.metadata().get("output_bytes")).longValue()).isPositive().isLessThan(64_000);
        assertThat((Double) r.metadata().get("compression_ratio")).isGreaterThan(1.0);
    }

    @Test
    void missingFileIsBadInput(@TempDir Path dir) {
        CompressWorkload w = new CompressWorkload();
        Params p = Params.resolve(w.params(), Map.of("file", dir.resolve("nope").toString()), HOST, "workload 'compress'", "test");
        assertThatThrownBy(() -> w.runInside(p, new InsideContext(dir, HOST))).isInstanceOf(BadInputException.class).hasMessageContaining("file=");
    }

    @Test
    void presetNeedingTooMuchMemoryIsBadInput() {
        HostFacts small = HostFacts.of(64, 1L << 30, 0);
        CompressWorkload w = new CompressWorkload();
        Params p = Params.resolve(w.params(), Map.of("preset", 9, "threads", 64), small, "workload 'compress'", "test");
        assertThatThrownBy(() -> w.validate(p, small)).isInstanceOf(BadInputException.class).hasMessageContaining("preset=9");
    }
}
