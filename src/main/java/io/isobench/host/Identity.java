package io.isobench.host;

import io.isobench.host.HostFacts.SysFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel-local identifiers the isolation workload's probes compare, read the same way on the host (into
 * the identity the runner sends with each request) and inside. Such an identifier means "the
 * host's" only on the host's own kernel: every kernel numbers its initial PID namespace
 * 4026531836, so a namespace is compared by the kernel's boot id first and then by the device and
 * inode of its nsfs file, never by the {@code pid:[N]} text alone.
 */
public final class Identity {

    /** The namespaces whose sharing with the host is a verdict. */
    public static final List<String> NAMESPACES = List.of("pid", "net", "mnt");

    private Identity() {
    }

    /**
     * What the host adds to the identity it sends (besides the boot id, release and namespace
     * names {@link InsideFacts#hostIdentity()} already carries): the kernel's version text, each
     * namespace's device and inode, the TCP buffer sysctls its network stack answers with, and
     * the network namespace's interfaces with their IPv6 addresses.
     */
    public static Map<String, Object> additions() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("proc_version", SysFiles.firstLine(Path.of("/proc/version")).orElse(""));
        for (String ns : NAMESPACES) {
            m.put("ns_" + ns + "_dev_ino", devIno(ns));
        }
        m.put("tcp_rmem", sysctl("net/ipv4/tcp_rmem"));
        m.put("tcp_wmem", sysctl("net/ipv4/tcp_wmem"));
        m.put("net_interfaces", interfaces());
        m.put("net_inet6", inet6());
        return m;
    }

    /** The same identity read inside, with the keys the host sends. */
    public static Map<String, Object> read() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("boot_id", SysFiles.firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElse(""));
        // uname's release where /proc/sys/kernel/osrelease is missing (gVisor has none)
        m.put("kernel", SysFiles.firstLine(Path.of("/proc/sys/kernel/osrelease")).orElse(System.getProperty("os.version", "")));
        for (String ns : NAMESPACES) {
            m.put("ns_" + ns, InsideFacts.namespaceOf(ns));
        }
        m.putAll(additions());
        return m;
    }

    /**
     * The namespace file's device and inode as "dev:ino" (stat following the link, as
     * {@code stat -L} does), "" where the kernel does not show it (gVisor may not).
     */
    public static String devIno(String ns) {
        try {
            Map<String, Object> a = Files.readAttributes(Path.of("/proc/self/ns/" + ns), "unix:dev,ino");
            return a.get("dev") + ":" + a.get("ino");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return "";
        }
    }

    /** A sysctl's value with its whitespace made single spaces, "" when missing. */
    public static String sysctl(String name) {
        return SysFiles.firstLine(Path.of("/proc/sys", name)).orElse("").trim().replaceAll("\\s+", " ");
    }

    /**
     * The interfaces of the reader's network namespace, from /proc/net/dev (which gVisor and
     * every Linux show, unlike /sys/class/net), sorted.
     */
    public static List<String> interfaces() {
        List<String> out = new ArrayList<>();
        for (String l : SysFiles.lines(Path.of("/proc/net/dev"))) {
            int colon = l.indexOf(':');
            if (colon > 0 && !l.substring(0, colon).contains("|")) {
                out.add(l.substring(0, colon).trim());
            }
        }
        return out.stream().sorted().toList();
    }

    /**
     * "address interface" for each IPv6 address in the namespace (/proc/net/if_inet6), sorted:
     * link-local addresses come from each interface's MAC address, so two namespaces rarely share
     * them by chance.
     */
    public static List<String> inet6() {
        List<String> out = new ArrayList<>();
        for (String l : SysFiles.lines(Path.of("/proc/net/if_inet6"))) {
            String[] f = l.trim().split("\\s+");
            if (f.length >= 6) {
                out.add(f[0] + " " + f[5]);
            }
        }
        return out.stream().sorted().toList();
    }
}
