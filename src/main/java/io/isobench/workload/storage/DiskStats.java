package io.isobench.workload.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernel's per-disk request counters (/proc/diskstats) around the measured part of a run: how
 * many requests and bytes the disks completed for the requests the workload made. More device
 * requests than workload requests mean the block layer split them (a buffer of scattered pages
 * needs more segments than the disk takes per request), fewer mean it merged adjacent ones, and
 * far fewer bytes than the workload's mean a cache answered in between. The counters are the
 * whole disk's: other processes' I/O in the same seconds is counted too.
 *
 * <p>In a container /proc/diskstats is the host's (the same disks); in a VM the guest's virtual
 * disks; a sandbox without it (gVisor shows none) gives an empty snapshot and no figures.
 */
final class DiskStats {

    /** Completed reads, reads merged, sectors read, completed writes, writes merged, sectors written. */
    record Counters(long reads, long readsMerged, long readSectors, long writes, long writesMerged, long writeSectors) {
        Counters minus(Counters o) {
            return new Counters(reads - o.reads, readsMerged - o.readsMerged, readSectors - o.readSectors, writes - o.writes,
                    writesMerged - o.writesMerged, writeSectors - o.writeSectors);
        }

        long requests() {
            return reads + writes;
        }

        long merged() {
            return readsMerged + writesMerged;
        }

        long bytes() {
            return (readSectors + writeSectors) * 512;
        }
    }

    private DiskStats() {
    }

    /** Whole disks by name, from /proc/diskstats; empty where it cannot be read. */
    static Map<String, Counters> read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/diskstats")), name -> Files.exists(Path.of("/sys/class/block", name, "partition")));
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** The disks of {@code lines}, without partitions (their I/O is their disk's too) and RAM-backed or loop devices. */
    static Map<String, Counters> parse(List<String> lines, java.util.function.Predicate<String> isPartition) {
        Map<String, Counters> m = new TreeMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 14) {
                continue;
            }
            String name = f[2];
            if (name.startsWith("loop") || name.startsWith("ram") || name.startsWith("zram") || isPartition.test(name)) {
                continue;
            }
            m.put(name, new Counters(Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[7]),
                    Long.parseLong(f[8]), Long.parseLong(f[9])));
        }
        return m;
    }

    /** What each disk did between two snapshots, only the disks that did something. */
    static Map<String, Counters> delta(Map<String, Counters> before, Map<String, Counters> after) {
        Map<String, Counters> d = new TreeMap<>();
        after.forEach((name, a) -> {
            Counters b = before.get(name);
            if (b != null) {
                Counters x = a.minus(b);
                if (x.requests() > 0) {
                    d.put(name, x);
                }
            }
        });
        return d;
    }
}
