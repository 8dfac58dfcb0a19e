package io.isobench.client;

import io.isobench.core.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host commands the client namespace needs (ip, tc, iptables), each run with a bounded wait
 * and a message naming the command on failure. Every call that names a device checks first that
 * the device is one of isobench's ({@link #OURS}): the host's own interfaces are only ever read.
 */
final class HostNet {

    /** Devices and namespaces isobench creates start with one of these. */
    static final Pattern OURS = Pattern.compile("(isb-|isobench)[A-Za-z0-9_.-]*");
    private static final Pattern INET = Pattern.compile("inet (\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)/");

    private HostNet() {
    }

    /** Throws unless {@code name} is a device or namespace of isobench's. */
    static String ours(String name) {
        if (name == null || !OURS.matcher(name).matches()) {
            throw new IllegalArgumentException("refusing to touch '" + name + "': not a device or namespace isobench created");
        }
        return name;
    }

    /** Runs a command; its output, or an IOException with the command and what it said. */
    static String run(List<String> cmd) throws IOException, InterruptedException {
        // to its end even when Ctrl-C interrupts meanwhile: a namespace or link is then made or not, never half
        return ChildProcess.run(cmd, 30);
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        return run(List.of(cmd));
    }

    /** Whether a command succeeds (for checks such as "does this rule exist"). */
    static boolean succeeds(String... cmd) throws InterruptedException {
        try {
            run(cmd);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean linkExists(String dev) throws InterruptedException {
        return succeeds("ip", "link", "show", "dev", ours(dev));
    }

    static boolean netnsExists(String ns) throws IOException, InterruptedException {
        for (String line : run("ip", "netns", "list").split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (name.equals(ns)) {
                return true;
            }
        }
        return false;
    }

    /** The namespaces of isobench's that exist now (of runs going on, or left behind by killed ones). */
    static List<String> ourNamespaces() throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (String line : run("ip", "netns", "list").split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (name.startsWith("isobench")) {
                out.add(name);
            }
        }
        return out;
    }

    /** The IPv4 addresses configured on this host. */
    static Set<String> hostAddresses() throws IOException, InterruptedException {
        Set<String> out = new TreeSet<>();
        Matcher m = INET.matcher(run("ip", "-4", "-o", "addr", "show"));
        while (m.find()) {
            out.add(m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4));
        }
        return out;
    }

    /** The device the host routes {@code address} through ({@code ip route get}), or null. */
    static String routeDevice(String address) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("\\bdev (\\S+)").matcher(run("ip", "-4", "route", "get", address));
        return m.find() ? m.group(1) : null;
    }

    /** Whether the kernel forwards packets that arrive on {@code dev}. */
    static boolean forwards(String dev) {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv4/conf", dev, "forwarding")).trim().equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    /** Turns forwarding on for one of isobench's own devices (never a device of the host's). */
    static void forwardOn(String dev) throws IOException {
        Files.writeString(Path.of("/proc/sys/net/ipv4/conf", ours(dev), "forwarding"), "1");
    }

    /** Whether an executable of that name is on the PATH. */
    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
