package io.isobench.env;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether an environment carries a program's direct I/O (O_DIRECT) to the host's storage, as a
 * fact of every instance: a block I/O figure measures the storage only where it does. Where it
 * does not, something between the program and the device answers from memory (the host's page
 * cache under a gVisor sandbox, whose gofer opens host files without O_DIRECT; a VM disk QEMU
 * opens without it, cache=writeback or unsafe; a sandbox's root overlay kept in memory) and an
 * O_DIRECT figure measures that memory. The confound detector compares {@link #PATH} between a
 * variant and the baseline for block I/O workloads, and Plausibility says what a difference
 * means for a figure that looks faster.
 *
 * <p>Two facts: {@link #FACT}, one of two words, so that two environments that both honour it
 * compare equal however their storage is built; and {@link #HOW_FACT}, the path in words, for the
 * reader.
 */
public final class DirectIoPath {

    /** The environment fact: {@link #HONOURED} or {@link #NOT_HONOURED}. */
    public static final String FACT = "direct_io";
    /** Where the fact is in a sample's metadata. */
    public static final String PATH = "environment." + FACT;
    /** The environment fact saying how the data folder's writes reach the host's storage. */
    public static final String HOW_FACT = "direct_io_path";
    /** O_DIRECT requests reach the host's storage as O_DIRECT requests: no cache in between. */
    public static final String HONOURED = "honoured";
    /** Something between the program and the host's device caches what O_DIRECT should not. */
    public static final String NOT_HONOURED = "not honoured";
    /** The note with this host's evidence (host file descriptor flags, page cache, device counters). */
    public static final String EVIDENCE = "bench/sandbox-blockio.md";

    private DirectIoPath() {
    }

    /** The two facts of an instance. */
    public static Map<String, Object> facts(boolean honoured, String how) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(FACT, honoured ? HONOURED : NOT_HONOURED);
        m.put(HOW_FACT, how);
        return m;
    }
}
