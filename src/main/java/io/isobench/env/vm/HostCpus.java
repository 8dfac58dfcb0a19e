package io.isobench.env.vm;

import io.isobench.core.ChildProcess;
import io.isobench.host.HostFacts.SysFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Host CPUs and threads: which CPUs this process may use, pinning a thread with taskset, and
 * reading a thread's affinity back from /proc. Also the host's free hugepages.
 */
final class HostCpus {

    private HostCpus() {
    }

    /** The CPUs this process may run on, e.g. [0, 1], from /proc/self/status. */
    static List<Integer> allowed() {
        for (String l : SysFiles.lines(Path.of("/proc/self/status"))) {
            if (l.startsWith("Cpus_allowed_list:")) {
                return parseList(l.substring(l.indexOf(':') + 1).trim());
            }
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            all.add(i);
        }
        return all;
    }

    /** "0-2,5" -> [0, 1, 2, 5]. */
    static List<Integer> parseList(String list) {
        List<Integer> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            if (dash < 0) {
                out.add(Integer.parseInt(p));
            } else {
                for (int i = Integer.parseInt(p.substring(0, dash)); i <= Integer.parseInt(p.substring(dash + 1)); i++) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    /** Pins thread {@code tid} to host CPU {@code cpu} (sched_setaffinity through taskset). */
    static void pin(long tid, int cpu) throws IOException, InterruptedException {
        ChildProcess.run(List.of("taskset", "-p", "-c", String.valueOf(cpu), String.valueOf(tid)), 10);
    }

    /** The CPUs thread {@code tid} of {@code pid} may run on, as the kernel reports it ("0-1", "1"). */
    static String affinity(long pid, long tid) {
        for (String l : SysFiles.lines(Path.of("/proc/" + pid + "/task/" + tid + "/status"))) {
            if (l.startsWith("Cpus_allowed_list:")) {
                return l.substring(l.indexOf(':') + 1).trim();
            }
        }
        return "";
    }

    /** The thread's name, e.g. "CPU 0/TCG" (QEMU names them with debug-threads=on). */
    static String threadName(long pid, long tid) {
        return SysFiles.firstLine(Path.of("/proc/" + pid + "/task/" + tid + "/comm")).orElse("");
    }

    /** Free 2 MiB hugepages on the host (0 when none, or when the default size is not 2 MiB). */
    static long freeHugepages2M() {
        long free = 0;
        long size = 0;
        for (String l : SysFiles.lines(Path.of("/proc/meminfo"))) {
            if (l.startsWith("HugePages_Free:")) {
                free = Long.parseLong(l.replaceAll("[^0-9]", ""));
            } else if (l.startsWith("Hugepagesize:")) {
                size = Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return size == 2048 ? free : 0;
    }
}
