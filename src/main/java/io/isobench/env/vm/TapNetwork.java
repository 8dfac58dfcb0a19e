package io.isobench.env.vm;

import io.isobench.core.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tap network path: a bridge and a tap device created for one VM, with the host's address on
 * the bridge and the guest's in a private /30 ({@value #PREFIX}.x.y), so the only traffic on it
 * goes between the host and the VM this run started. Both devices are named after the run
 * ({@code isb-<6 hex>} and {@code isb-<6 hex>t}) and removed when the VM is closed.
 *
 * @param bridge    the bridge's name
 * @param tap       the tap device's name (QEMU opens it with {@code script=no})
 * @param hostIp    the host's address on the bridge
 * @param guestIp   the guest's address
 */
record TapNetwork(String bridge, String tap, String hostIp, String guestIp) {

    static final String PREFIX = "10.213";
    /** The interface alias that names the run a device belongs to. */
    static final String ALIAS = "isobench-run=";
    private static final Pattern INET = Pattern.compile("inet (\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)/");

    /** Device names from a label unique to the instance (run id and variant): at most 15 characters. */
    static String baseName(String label) {
        byte[] h;
        try {
            h = java.security.MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return "isb-" + HexFormat.of().formatHex(h, 0, 3);
    }

    /**
     * The first /30 in {@value #PREFIX}.0.0/16 after a start derived from {@code name} that no
     * address on this host falls into; {@code used} holds the host's IPv4 addresses.
     *
     * @return the subnet's base address's last two octets as {x, y}, y a multiple of 4
     */
    static int[] pickSubnet(String name, Set<String> used) {
        Set<Integer> taken = new TreeSet<>();
        for (String a : used) {
            String[] o = a.split("\\.");
            if (o.length == 4 && (o[0] + "." + o[1]).equals(PREFIX)) {
                taken.add((Integer.parseInt(o[2]) << 8 | Integer.parseInt(o[3])) & ~3);
            }
        }
        int start = (Math.floorMod(name.hashCode(), 1 << 14)) << 2;
        for (int i = 0; i < (1 << 14); i++) {
            int base = (start + (i << 2)) & 0xffff;
            if (base == 0 || taken.contains(base)) {
                continue; // .0.0/30 is left alone: a network address that looks like a mistake
            }
            return new int[] {base >> 8, base & 0xff};
        }
        throw new IllegalStateException("no free /30 left in " + PREFIX + ".0.0/16");
    }

    /**
     * Names and addresses for a new network (a /30 no address of this host is in); nothing is
     * created yet, so the cleanup that {@link #remove()}s it can be registered first.
     */
    static TapNetwork plan(String name) throws IOException, InterruptedException {
        int[] s = pickSubnet(name, hostAddresses());
        return new TapNetwork(name, name + "t", PREFIX + "." + s[0] + "." + (s[1] + 1), PREFIX + "." + s[0] + "." + (s[1] + 2));
    }

    /**
     * Creates the bridge with the host's address and the tap device on it, each labelled with the
     * run in its interface alias ({@value #ALIAS}ID) so {@code doctor} can tell whose it is.
     */
    void create(String runId) throws IOException, InterruptedException {
        ip("link", "add", bridge, "type", "bridge");
        ip("link", "set", "dev", bridge, "alias", ALIAS + runId);
        ip("addr", "add", hostIp + "/30", "dev", bridge);
        ip("link", "set", bridge, "up");
        ip("tuntap", "add", "dev", tap, "mode", "tap");
        ip("link", "set", "dev", tap, "alias", ALIAS + runId);
        ip("link", "set", tap, "master", bridge);
        ip("link", "set", tap, "up");
    }

    /** Removes the tap device and the bridge; devices already gone are fine. */
    void remove() throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (String dev : List.of(tap, bridge)) {
            if (exists(dev)) {
                try {
                    ip("link", "del", dev);
                } catch (IOException e) {
                    failures.add(e.getMessage());
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException(String.join("; ", failures));
        }
    }

    static boolean exists(String dev) throws InterruptedException {
        try {
            ip("link", "show", "dev", dev);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The IPv4 addresses configured on this host. */
    static Set<String> hostAddresses() throws IOException, InterruptedException {
        Set<String> out = new TreeSet<>();
        Matcher m = INET.matcher(ip("-4", "-o", "addr", "show"));
        while (m.find()) {
            out.add(m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4));
        }
        return out;
    }

    static String ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        try {
            return ChildProcess.run(cmd, 30);
        } catch (IOException e) {
            if (e.getMessage().contains("Operation not permitted")) {
                throw new IOException(e.getMessage() + " (network=tap needs root: run as root or use network=user)", e);
            }
            throw e;
        }
    }
}
