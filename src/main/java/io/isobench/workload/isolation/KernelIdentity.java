package io.isobench.workload.isolation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which kernel answers the environment's system calls, told from evidence read inside and the
 * host's identity: the host's own kernel (the same boot id), gVisor's Sentry (its fixed release
 * and version text, its boot messages), or another kernel (a VM's guest). Every kernel-local
 * identifier (a namespace's inode, a PID, a uid map) means "the host's" only in the first case.
 *
 * @param kind     which kernel
 * @param evidence what was compared, both sides
 */
record KernelIdentity(Kind kind, String evidence) {

    /** The verdict of a sharing question where the environment runs a kernel of its own. */
    static final String OWN = "own kernel: not shared";

    /** A verdict the evidence cannot settle. */
    static final String UNKNOWN = "unknown";

    /** gVisor's /proc/version: the Sentry presents this fixed Linux 4.4.0 whatever the host runs. */
    static final String GVISOR_VERSION = "Linux version 4.4.0 #1 SMP Sun Jan 10 15:06:54 PST 2016";

    enum Kind {
        /** the host's own kernel */
        HOST,
        /** gVisor's Sentry, a kernel in user space on the host */
        GVISOR,
        /** another Linux kernel: a VM's guest */
        GUEST,
        /** the evidence does not tell */
        UNKNOWN;

        /** A kernel of the environment's own: none of its kernel-local identifiers can be the host's. */
        boolean own() {
            return this == GVISOR || this == GUEST;
        }
    }

    /**
     * Compares the inside's identity with the host's. The boot id decides when both sides have
     * one; without one inside (gVisor shows none) a different kernel version text still proves
     * another kernel. Whether another kernel is gVisor comes from its signature: the first kernel
     * messages ({@code dmesg}, read only then, through {@code dmesgHead}) or its fixed version text.
     *
     * @param inside    {@link Identity#read()} inside, plus {@code machine} (DMI vendor and product)
     * @param host      the host's identity as the runner sent it
     * @param dmesgHead the first kernel messages inside, "" when unreadable
     */
    static KernelIdentity of(Map<String, Object> inside, Map<String, Object> host, Supplier<String> dmesgHead) {
        String boot = str(inside, "boot_id");
        String hostBoot = str(host, "boot_id");
        String release = str(inside, "kernel");
        String hostRelease = str(host, "kernel");
        String version = str(inside, "proc_version");
        String hostVersion = str(host, "proc_version");
        String releases = "release " + orNone(release) + " (host " + orNone(hostRelease) + ")";
        String boots = "boot id " + orNone(boot) + (boot.equals(hostBoot) ? " = host's" : " vs host's " + orNone(hostBoot));
        if (!boot.isEmpty() && !hostBoot.isEmpty()) {
            if (boot.equals(hostBoot)) {
                return new KernelIdentity(Kind.HOST, "the host's kernel: " + boots + ", " + releases);
            }
        } else if (!version.isEmpty() && !hostVersion.isEmpty() && !version.equals(hostVersion)) {
            boots = "no boot id " + (boot.isEmpty() ? "inside" : "from the host") + "; kernel version '" + version + "' vs host's '"
                    + hostVersion + "'";
        } else {
            return new KernelIdentity(Kind.UNKNOWN, "cannot tell whose kernel answers: " + boots + ", " + releases
                    + ", version '" + orNone(version) + "'" + (version.equals(hostVersion) ? " = host's" : ""));
        }
        // another kernel: gVisor's Sentry or a guest's
        String dmesg = dmesgHead.get();
        String gvisorLine = dmesg.lines().filter(l -> l.contains("Starting gVisor")).findFirst().map(String::strip).orElse("");
        List<String> signature = new ArrayList<>();
        if (!gvisorLine.isEmpty()) {
            signature.add("dmesg '" + gvisorLine + "'");
        }
        if (version.equals(GVISOR_VERSION)) {
            signature.add("gVisor's fixed version text '" + version + "'");
        }
        if (!signature.isEmpty()) {
            return new KernelIdentity(Kind.GVISOR, "own kernel, gVisor's Sentry: " + String.join(", ", signature) + "; "
                    + boots + ", " + releases);
        }
        String machine = str(inside, "machine");
        return new KernelIdentity(Kind.GUEST, "own kernel, a guest's: " + boots + ", " + releases
                + (machine.isEmpty() ? "" : ", machine " + machine));
    }

    /**
     * Whether a namespace is the host's: only on the host's kernel and with the same nsfs device
     * and inode. Another kernel's namespaces are its own whatever their numbers; different
     * identities on an unknown kernel still prove another namespace, equal ones prove nothing.
     */
    Object namespace(String ns, Map<String, Object> inside, Map<String, Object> host) {
        if (kind.own()) {
            return OWN;
        }
        String in = str(inside, "ns_" + ns + "_dev_ino");
        String out = str(host, "ns_" + ns + "_dev_ino");
        if (in.isEmpty() || out.isEmpty()) {
            return UNKNOWN;
        }
        if (!in.equals(out)) {
            return false;
        }
        return kind == Kind.HOST ? true : UNKNOWN;
    }

    /** "pid pid:[N] (dev D, ino I) vs host ..." for a namespace verdict's evidence. */
    static String namespaceEvidence(String ns, Map<String, Object> inside, Map<String, Object> host) {
        return ns + " " + describe(inside, ns) + " vs host " + describe(host, ns);
    }

    private static String describe(Map<String, Object> m, String ns) {
        String name = str(m, "ns_" + ns);
        String[] devIno = str(m, "ns_" + ns + "_dev_ino").split(":");
        return (name.isEmpty() ? "(not shown)" : name) + (devIno.length == 2 ? " (dev " + devIno[0] + ", ino " + devIno[1] + ")" : "");
    }

    static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : String.valueOf(v).trim();
    }

    private static String orNone(String s) {
        return s.isEmpty() ? "(none)" : s;
    }
}
