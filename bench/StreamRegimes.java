import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * Is STREAM's spread on this host isobench's or the host's? One JVM, nothing of isobench: STREAM's
 * Triad (a = b + 3c, page-aligned direct memory, as isobench's STREAM) on two threads, best of ten
 * passes per iteration, first on the same arrays for every iteration ("same"), then on fresh
 * arrays each iteration ("fresh"). Prints one line per iteration: phase, time of day, GB/s.
 * Run by bench/stream-regimes.sh; never by tests.
 */
public class StreamRegimes {
    static final int THREADS = 2;
    static final int PASSES = 10;

    public static void main(String[] args) throws Exception {
        int iterations = Integer.parseInt(args[0]);
        long bytesPerArray = Long.parseLong(args[1]) << 20;
        int slice = (int) (bytesPerArray / Double.BYTES / THREADS);
        DoubleBuffer warm = aligned(4096);
        for (int i = 0; i < 20_000; i++) {
            triad(warm, warm, warm);
        }
        DoubleBuffer[][] arrays = allocate(slice);
        for (int i = 0; i < iterations; i++) {
            System.out.printf("same  %s %.1f%n", LocalTime.now().truncatedTo(ChronoUnit.MILLIS), rate(arrays, slice));
        }
        for (int i = 0; i < iterations; i++) {
            arrays = null;
            System.gc();
            arrays = allocate(slice);
            System.out.printf("fresh %s %.1f%n", LocalTime.now().truncatedTo(ChronoUnit.MILLIS), rate(arrays, slice));
        }
    }

    /** a, b and c for each thread: arrays[thread][0..2]. */
    static DoubleBuffer[][] allocate(int slice) {
        DoubleBuffer[][] out = new DoubleBuffer[THREADS][3];
        for (int t = 0; t < THREADS; t++) {
            for (int k = 0; k < 3; k++) {
                out[t][k] = aligned(slice);
                for (int j = 0; j < slice; j++) {
                    out[t][k].put(j, k + 1.0);
                }
            }
        }
        return out;
    }

    static DoubleBuffer aligned(int doubles) {
        return ByteBuffer.allocateDirect(doubles * Double.BYTES + 4095).alignedSlice(4096)
                .limit(doubles * Double.BYTES).slice().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    /** GB/s of Triad (three arrays of traffic, STREAM's convention), best of PASSES team passes. */
    static double rate(DoubleBuffer[][] arrays, int slice) throws InterruptedException {
        double best = Double.MAX_VALUE;
        for (int p = 0; p < PASSES; p++) {
            Thread[] team = new Thread[THREADS];
            long t0 = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                DoubleBuffer[] a = arrays[t];
                team[t] = new Thread(() -> triad(a[0], a[1], a[2]));
                team[t].start();
            }
            for (Thread th : team) {
                th.join();
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return 3.0 * Double.BYTES * slice * THREADS / best / 1e9;
    }

    static void triad(DoubleBuffer a, DoubleBuffer b, DoubleBuffer c) {
        for (int j = 0, n = a.capacity(); j < n; j++) {
            a.put(j, b.get(j) + 3.0 * c.get(j));
        }
    }
}
