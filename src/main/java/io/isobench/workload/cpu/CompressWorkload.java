package io.isobench.workload.cpu;

import io.isobench.workload.WorkloadFamily;
import io.isobench.core.IdentityFact;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamKey;
import io.isobench.core.Params;
import io.isobench.workload.Workload;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Parallel xz (LZMA2) compression of an in-memory corpus, as the study's PXZ run: the input is cut
 * into one block per thread and each block compressed independently and in parallel (what
 * {@code pxz} and {@code xz -T} do), with the system's liblzma (what both of those use) called
 * through java.lang.foreign, or org.tukaani's pure-Java xz where liblzma is missing or asked for
 * ({@link #encoder}).
 *
 * <p>The corpus is generated text ({@link TextCorpus}, reproducible from a seed) or a file. The
 * rate is input megabytes (10^6 bytes) per second of the parallel compression; reading the
 * corpus and checking that every block decompresses to its input are not timed.
 */
public final class CompressWorkload implements Workload {

    @Override
    public String name() {
        return "compress";
    }

    @Override
    public WorkloadFamily family() {
        return WorkloadFamily.COMPUTE;
    }

    @Override
    public List<IdentityFact> identityFacts() {
        return List.of(IdentityFact.software("inside.packages.liblzma5", "liblzma package"),
                IdentityFact.software("workload.implementation", "LZMA encoder"));
    }

    @Override
    public String description() {
        return "parallel xz/LZMA2 compression of a text corpus, one block per thread (MB/s of input)";
    }

    static final ParamKey<Long> SIZE = ParamKey.size("size", "bytes of generated corpus (ignored when file is given)")
            .defaultValue(8L << 20).range(4096, Integer.MAX_VALUE - 16).unit("bytes").build();
    static final ParamKey<Integer> THREADS = ParamKey.integer("threads",
            "threads, one block each").defaultFrom(HostFacts::cpus, "all CPUs").range(1, 256).build();
    static final ParamKey<Integer> PRESET = ParamKey.integer("preset", "xz preset level (xz's default is 6)").defaultValue(6).range(0, 9).build();
    static final ParamKey<String> FILE = ParamKey.text("file",
            "a file to compress instead of the generated corpus (path as seen inside the environment); empty for the generated corpus")
            .defaultValue("").build();
    static final ParamKey<Long> SEED = ParamKey.longInt("seed", "seed of the generated corpus").defaultValue(1L).build();
    static final ParamKey<String> IMPLEMENTATION = ParamKey.choice("implementation",
            "encoder: native (the system's liblzma, what xz and PXZ use, through"
                                + " java.lang.foreign), java (org.tukaani:xz, pure Java, about 0.8 of liblzma's speed), auto (native where"
                                + " liblzma loads, else java; the facts say which ran)", "auto", "native", "java")
            .defaultValue("auto").build();

    @Override
    public List<ParamSpec> params() {
        return ParamKey.specs(SIZE, THREADS, PRESET, FILE, SEED, IMPLEMENTATION);
    }

    @Override
    public void validate(Params p, HostFacts host) {
        long size = p.get(SIZE);
        int threads = p.get(THREADS);
        if (p.get(FILE).isEmpty() && size < threads) {
            throw new BadInputException("compress parameter size=" + size + " is smaller than threads=" + threads + ": use a larger size");
        }
        long encoderMemory;
        try {
            encoderMemory = new LZMA2Options(p.get(PRESET)).getEncoderMemoryUsage() * 1024L;
        } catch (UnsupportedOptionsException e) {
            throw new BadInputException("compress parameter preset=" + p.get(PRESET) + ": " + e.getMessage());
        }
        long need = encoderMemory * threads + 3 * size;
        if (need > host.memoryBytes() * 6 / 10) {
            throw new BadInputException("compress: preset=" + p.get(PRESET) + " with threads=" + threads + " and size=" + size
                    + " needs about " + (need >> 20) + " MiB, more than 60% of the " + (host.memoryBytes() >> 20)
                    + " MiB available: use a lower preset, fewer threads or a smaller size");
        }
    }

    /** liblzma's encoders live outside the heap, one per thread (the pure-Java encoder's are on it). */
    @Override
    public OffHeap offHeap(Params p, long memory) {
        if (p.get(IMPLEMENTATION).equals("java")) {
            return OffHeap.NONE;
        }
        try {
            long encoder = new LZMA2Options(p.get(PRESET)).getEncoderMemoryUsage() * 1024L;
            int threads = p.get(THREADS);
            return new OffHeap(encoder * threads, "liblzma encoders for preset=" + p.get(PRESET) + " and threads=" + threads);
        } catch (UnsupportedOptionsException e) {
            return OffHeap.NONE; // validate() names the bad preset
        }
    }

    @Override
    public Params scaledForEmulation(Params p) {
        // a quarter of the generated corpus; a given file is compressed whole
        return p.get(FILE).isEmpty() ? p.with(SIZE, Math.min(p.get(SIZE), Math.max(256L << 10, p.get(SIZE) / 4))) : p;
    }

    @Override
    public Duration estimate(Params p) {
        // xz -6 manages a few MB/s per thread on text
        return Duration.ofMillis(500 + p.get(SIZE) / (1500L * p.get(THREADS)));
    }

    @Override
    public Duration deadline(Params p) {
        return estimate(p).multipliedBy(20).plusMinutes(2);
    }

    @Override
    public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
        int threads = p.get(THREADS);
        int preset = p.get(PRESET);
        String file = p.get(FILE);
        byte[] input;
        String source;
        if (file.isEmpty()) {
            input = TextCorpus.generate(Math.toIntExact(p.get(SIZE)), p.get(SEED));
            source = "generated text (TextCorpus, seed " + p.get(SEED) + ")";
        } else {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new BadInputException("compress parameter file='" + file + "' is not a readable file inside the environment: "
                        + "give a path that exists there, or leave file empty for the generated corpus");
            }
            input = Files.readAllBytes(path);
            source = "file " + path;
        }
        if (input.length < threads) {
            throw new BadInputException("compress: the input has " + input.length + " bytes, fewer than threads=" + threads);
        }
        int[] bounds = blockBounds(input.length, threads);
        BlockEncoder encoder = encoder(p.get(IMPLEMENTATION));

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            warmUp(pool, encoder, input, threads, preset);
            long t0 = System.nanoTime();
            byte[][] compressed = compressBlocks(pool, encoder, input, bounds, preset);
            long t1 = System.nanoTime();
            double seconds = (t1 - t0) / 1e9;
            verifyBlocks(input, bounds, compressed);

            long out = 0;
            for (byte[] c : compressed) {
                out += c.length;
            }
            return WorkloadResult.builder()
                    .higher("throughput", input.length / seconds / 1e6, "MB/s")
                    .fact("compression_ratio", (double) input.length / out)
                    .fact("input_bytes", input.length)
                    .fact("output_bytes", out)
                    .fact("blocks", threads)
                    .fact("block_bytes", bounds[1] - bounds[0])
                    .fact("threads", threads)
                    .fact("preset", preset)
                    .fact("dict_bytes", new LZMA2Options(preset).getDictSize())
                    .fact("source", source)
                    .fact("implementation", encoder.description() + ", one .xz stream per block, CRC64")
                    .fact("seconds", seconds)
                    .fact("verification", "passed: every block decompresses (org.tukaani:xz decoder) to its input")
                    .build();
        } finally {
            pool.shutdownNow();
        }
    }

    /** " 1.10" or the like when the xz-java version is known (the shaded jar drops its manifest), else "". */
    static String xzVersion() {
        try (var in = XZOutputStream.class.getResourceAsStream("/META-INF/maven/org.tukaani/xz/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                return " " + p.getProperty("version", "");
            }
        } catch (IOException e) {
            // fall through
        }
        String v = XZOutputStream.class.getPackage().getImplementationVersion();
        return v == null ? "" : " " + v;
    }

    /** Offsets of {@code blocks} nearly equal blocks: block i is [bounds[i], bounds[i+1]). */
    static int[] blockBounds(int length, int blocks) {
        int[] b = new int[blocks + 1];
        for (int i = 0; i <= blocks; i++) {
            b[i] = (int) ((long) length * i / blocks);
        }
        return b;
    }

    /** Compresses {@code input[off, off+len)} into one complete .xz stream. */
    @FunctionalInterface
    interface Compressor {
        byte[] compress(byte[] input, int off, int len, int preset) throws IOException;
    }

    /** An encoder and what it is, for the facts. */
    record BlockEncoder(String description, Compressor compressor) {
        byte[] compress(byte[] input, int off, int len, int preset) throws IOException {
            return compressor.compress(input, off, len, preset);
        }
    }

    /** The pure-Java encoder (org.tukaani:xz). */
    static BlockEncoder javaEncoder() {
        return new BlockEncoder("org.tukaani:xz" + xzVersion() + " (pure Java)", CompressWorkload::compress);
    }

    /**
     * The encoder {@code implementation} names: native (liblzma, or a clear failure saying why it
     * cannot load), java, or auto (native when it loads, else java, saying why in the description).
     */
    static BlockEncoder encoder(String implementation) {
        if (implementation.equals("java")) {
            return javaEncoder();
        }
        Optional<NativeLzma> lzma = NativeLzma.find();
        if (lzma.isPresent()) {
            NativeLzma n = lzma.get();
            return new BlockEncoder("liblzma " + n.version() + " (native, lzma_easy_buffer_encode through java.lang.foreign)", n::compress);
        }
        if (implementation.equals("native")) {
            throw new BadInputException("compress implementation=native: " + NativeLzma.whyNot()
                    + "; use implementation=java or auto");
        }
        BlockEncoder java = javaEncoder();
        return new BlockEncoder(java.description() + ", as liblzma is not usable here: " + NativeLzma.whyNot(), java.compressor());
    }

    /** Compresses each block on its own thread of {@code pool}; returns the .xz streams. */
    static byte[][] compressBlocks(ExecutorService pool, BlockEncoder encoder, byte[] input, int[] bounds, int preset) throws Exception {
        int blocks = bounds.length - 1;
        List<Callable<byte[]>> tasks = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            int off = bounds[i];
            int len = bounds[i + 1] - bounds[i];
            tasks.add(() -> encoder.compress(input, off, len, preset));
        }
        List<Future<byte[]>> done = pool.invokeAll(tasks);
        byte[][] out = new byte[blocks][];
        for (int i = 0; i < blocks; i++) {
            out[i] = done.get(i).get();
        }
        return out;
    }

    static byte[] compress(byte[] input, int off, int len, int preset) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(len / 3 + 4096);
        try (XZOutputStream xz = new XZOutputStream(bos, new LZMA2Options(preset), XZ.CHECK_CRC64, BasicArrayCache.getInstance())) {
            xz.write(input, off, len);
        }
        return bos.toByteArray();
    }

    /**
     * Checks that block i of {@code compressed} decompresses to exactly {@code input[bounds[i],
     * bounds[i+1])}; throws {@link IllegalStateException} naming the block otherwise (a corrupt
     * stream fails xz's CRC or decoding, a wrong one fails the comparison).
     */
    static void verifyBlocks(byte[] input, int[] bounds, byte[][] compressed) {
        if (compressed.length != bounds.length - 1) {
            throw new IllegalStateException("compress verification failed: " + compressed.length + " blocks for " + (bounds.length - 1) + " inputs");
        }
        for (int i = 0; i < compressed.length; i++) {
            int off = bounds[i];
            int len = bounds[i + 1] - bounds[i];
            byte[] back;
            try (XZInputStream in = new XZInputStream(new ByteArrayInputStream(compressed[i]))) {
                back = in.readNBytes(len + 1);
            } catch (IOException e) {
                throw new IllegalStateException("compress verification failed: block " + i + " does not decompress: " + e, e);
            }
            if (back.length != len || !Arrays.equals(back, 0, len, input, off, off + len)) {
                throw new IllegalStateException("compress verification failed: block " + i + " decompresses to " + back.length
                        + " bytes that differ from its " + len + " input bytes");
            }
        }
    }

    /**
     * Compiles the encoder's hot paths on each thread before the timed run: a slice of the input,
     * a quarter of it but at most 1 MiB per thread.
     */
    private static void warmUp(ExecutorService pool, BlockEncoder encoder, byte[] input, int threads, int preset) throws Exception {
        int len = Math.max(threads, Math.min(input.length / 4, threads << 20));
        compressBlocks(pool, encoder, Arrays.copyOf(input, len), blockBounds(len, threads), preset);
    }
}
