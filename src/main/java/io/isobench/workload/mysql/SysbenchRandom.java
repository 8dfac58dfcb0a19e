package io.isobench.workload.mysql;

import java.util.SplittableRandom;

/**
 * The random numbers and strings of sysbench's OLTP scripts, so the same rows are hot and the
 * same data is loaded: ids drawn from sysbench's default "special" distribution (a quarter of
 * the draws near-gaussian over the whole range, three quarters uniform over the central 1%), or
 * uniform; c and pad values made of groups of 11 random digits separated by dashes (119 and 59
 * characters). One instance per thread.
 */
final class SysbenchRandom {

    /** sysbench's --rand-spec-iter: uniforms summed for the gaussian part. */
    private static final int SPEC_ITER = 12;
    /** sysbench's --rand-spec-pct: the width of the hot band, in percent of the range. */
    private static final double SPEC_PCT = 1;
    /** sysbench's --rand-spec-res: the percentage of draws that fall in the hot band. */
    private static final double SPEC_RES = 75;

    static final String C_TEMPLATE = groups(10);
    static final String PAD_TEMPLATE = groups(5);

    private final SplittableRandom random;
    private final boolean special;

    SysbenchRandom(long seed, boolean special) {
        this.random = new SplittableRandom(seed);
        this.special = special;
    }

    /** An id in [a, b] from the configured distribution. */
    int id(int a, int b) {
        return special ? special(a, b) : uniform(a, b);
    }

    int uniform(int a, int b) {
        return a + (int) (random.nextDouble() * ((long) b - a + 1));
    }

    int special(int a, int b) {
        double t = (double) b - a;
        double u = random.nextDouble();
        if (u < (100 - SPEC_RES) / 100) {
            double sum = 0;
            for (int i = 0; i < SPEC_ITER; i++) {
                sum += random.nextDouble();
            }
            return a + (int) (sum * t / SPEC_ITER);
        }
        // the hot band: SPEC_PCT percent of the range, centred
        double band = t * SPEC_PCT / 100;
        double v = random.nextDouble() * (band + 1) + t / 2 - band / 2;
        return a + (int) Math.min(v, t);
    }

    /** A string shaped like {@code template}: every '#' a random digit. */
    String digits(String template) {
        char[] c = template.toCharArray();
        fillDigits(c);
        return new String(c);
    }

    /** Replaces every '#' in {@code c} with a random digit. */
    void fillDigits(char[] c) {
        for (int i = 0; i < c.length; i++) {
            if (c[i] == '#' || Character.isDigit(c[i])) {
                c[i] = (char) ('0' + random.nextInt(10));
            }
        }
    }

    private static String groups(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('-');
            }
            sb.append("#".repeat(11));
        }
        return sb.toString();
    }
}
