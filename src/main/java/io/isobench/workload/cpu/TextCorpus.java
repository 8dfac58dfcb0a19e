package io.isobench.workload.cpu;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A reproducible text-like corpus: the study compressed a Wikipedia dump, which cannot ship with
 * isobench, so this generates English-like prose from a seeded model instead. A vocabulary of
 * pronounceable words with Zipf-distributed frequencies (as in natural language), each word
 * followed more often by a few favourite successors (so phrases repeat, as they do in real text),
 * sentences of varying length with punctuation and capitals, paragraphs, and now and then a
 * markup-like line with numbers. It compresses with xz at a ratio near that of real prose.
 *
 * <p>Run {@code java -cp isobench.jar io.isobench.workload.cpu.TextCorpus BYTES SEED FILE} to
 * write the same corpus to a file (the fidelity benchmark feeds it to {@code xz}).
 */
public final class TextCorpus {

    private static final String[] ONSETS = {"", "b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "w",
        "th", "st", "pr", "tr", "ch", "sh", "br", "gr", "pl", "cl"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ea", "ou", "io", "ai", "ee"};
    private static final String[] CODAS = {"", "", "n", "r", "s", "t", "l", "nd", "st", "ng", "m", "ck", "rt"};
    private static final String[] FUNCTION_WORDS = {"the", "of", "and", "to", "in", "a", "is", "that", "for", "it",
        "as", "was", "with", "be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which"};

    private static final int VOCABULARY = 30_000;
    private static final int SUCCESSORS = 4;

    private TextCorpus() {
    }

    /** {@code bytes} bytes of text generated from {@code seed}; the same arguments give the same bytes. */
    public static byte[] generate(int bytes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] words = vocabulary(rnd);
        double[] cumulative = zipf(words.length, 1.05);
        int[][] successors = new int[words.length][SUCCESSORS];
        for (int[] s : successors) {
            for (int k = 0; k < SUCCESSORS; k++) {
                s[k] = sample(cumulative, rnd.nextDouble());
            }
        }
        byte[] out = new byte[bytes];
        StringBuilder sb = new StringBuilder(4096);
        int pos = 0;
        int previous = 0;
        while (pos < bytes) {
            sb.setLength(0);
            if (rnd.nextInt(40) == 0) {
                sb.append("== ").append(capitalise(words[sample(cumulative, rnd.nextDouble())])).append(" ")
                        .append(1800 + rnd.nextInt(226)).append(" ==\n\n");
            }
            int sentences = 2 + rnd.nextInt(7);
            for (int s = 0; s < sentences; s++) {
                int length = 5 + rnd.nextInt(20);
                for (int w = 0; w < length; w++) {
                    int word;
                    double u = rnd.nextDouble();
                    if (u < 0.45) {
                        word = successors[previous][rnd.nextInt(SUCCESSORS)];
                    } else {
                        word = sample(cumulative, rnd.nextDouble());
                    }
                    previous = word;
                    String text = words[word];
                    sb.append(w == 0 ? capitalise(text) : text);
                    if (w < length - 1) {
                        if (rnd.nextInt(12) == 0) {
                            sb.append(',');
                        }
                        sb.append(' ');
                    }
                }
                sb.append(rnd.nextInt(10) == 0 ? (rnd.nextBoolean() ? "?" : "!") : ".");
                sb.append(s < sentences - 1 ? " " : "\n\n");
            }
            byte[] para = sb.toString().getBytes(StandardCharsets.US_ASCII);
            int n = Math.min(para.length, bytes - pos);
            System.arraycopy(para, 0, out, pos, n);
            pos += n;
        }
        return out;
    }

    private static String[] vocabulary(SplittableRandom rnd) {
        String[] words = new String[VOCABULARY];
        java.util.Set<String> seen = new java.util.HashSet<>();
        int i = 0;
        for (String f : FUNCTION_WORDS) {
            words[i++] = f;
            seen.add(f);
        }
        while (i < words.length) {
            // frequent words are short, rare words long, as in natural language
            int syllables = 1 + (i < 500 ? rnd.nextInt(2) : i < 5000 ? rnd.nextInt(3) : 1 + rnd.nextInt(3));
            StringBuilder w = new StringBuilder();
            for (int s = 0; s < syllables; s++) {
                w.append(ONSETS[rnd.nextInt(ONSETS.length)]).append(VOWELS[rnd.nextInt(VOWELS.length)]).append(CODAS[rnd.nextInt(CODAS.length)]);
            }
            if (rnd.nextInt(8) == 0) {
                w.append(rnd.nextBoolean() ? "ing" : rnd.nextBoolean() ? "ed" : "s");
            }
            if (seen.add(w.toString())) {
                words[i++] = w.toString();
            }
        }
        return words;
    }

    /** Cumulative Zipf probabilities with exponent {@code s}. */
    private static double[] zipf(int n, double s) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / Math.pow(k + 1, s);
            c[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        return c;
    }

    private static int sample(double[] cumulative, double u) {
        int i = java.util.Arrays.binarySearch(cumulative, u);
        return Math.min(i >= 0 ? i : -i - 1, cumulative.length - 1);
    }

    private static String capitalise(String w) {
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }

    /** Writes a corpus to a file: {@code TextCorpus BYTES SEED FILE} (BYTES accepts 64M and the like). */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: TextCorpus BYTES SEED FILE   (writes the compress workload's default corpus)");
            System.exit(2);
        }
        int bytes = Math.toIntExact((Long) io.isobench.core.ParamType.SIZE.parse(args[0]));
        long seed = Long.parseLong(args[1]);
        try (OutputStream out = Files.newOutputStream(Path.of(args[2]))) {
            out.write(generate(bytes, seed));
        }
    }
}
