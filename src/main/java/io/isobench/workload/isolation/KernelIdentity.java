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
 * @param brief    which kernel with both sides' boot ids and releases, for other verdicts' evidence
 * @param evidence the brief and what else told the kernels apart (gVisor's signature, the machine)
 */
record KernelIdentity(Kind kind, String brief, String evidence) {

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
        String ids = "boot id " + orNone(boot) + (!boot.isEmpty() && boot.equals(hostBoot) ? " = host's" : " vs host's " + orNone(hostBoot))
                + ", release " + orNone(release) + (release.equals(hostRelease) ? " = host's" : " vs host's " + orNone(hostRelease));
        List<String> details = new ArrayList<>();
        if (!boot.isEmpty() && !hostBoot.isEmpty()) {
            if (boot.equals(hostBoot)) {
                return new KernelIdentity(Kind.HOST, "the host's kernel: " + ids, "the host's kernel: " + ids);
            }
        } else if (!version.isEmpty() && !hostVersion.isEmpty() && !version.equals(hostVersion)) {
            // no boot id to compare (gVisor shows none): the version text still tells kernels apart
            details.add("kernel version '" + version + "' vs host's '" + hostVersion + "'");
        } else {
            String why = "cannot tell whose kernel answers: " + ids + ", version text " + (version.equals(hostVersion) ? "= host's" : "missing");
            return new KernelIdentity(Kind.UNKNOWN, why, why);
        }
        // another kernel: gVisor's Sentry or a guest's
        String gvisorLine = dmesgHead.get().lines().filter(l -> l.contains("Starting gVisor")).findFirst().map(String::strip).orElse("");
        boolean gvisorVersion = version.equals(GVISOR_VERSION);
        if (!gvisorLine.isEmpty() || gvisorVersion) {
            if (!gvisorLine.isEmpty()) {
                details.add(0, "dmesg '" + gvisorLine + "'");
            }
            if (gvisorVersion && details.stream().noneMatch(d -> d.contains(GVISOR_VERSION))) {
                details.add("gVisor's fixed version text '" + GVISOR_VERSION + "'");
            }
            String brief = "own kernel, gVisor's Sentry: " + ids;
            return new KernelIdentity(Kind.GVISOR, brief, brief + "; " + String.join("; ", details));
        }
        String machine = str(inside, "machine");
        if (!machine.isEmpty()) {
            details.add("machine " + machine);
        }
        String brief = "own kernel, a guest's: " + ids;
        return new KernelIdentity(Kind.GUEST, brief, details.isEmpty() ? brief : brief + "; " + String.join("; ", details));
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
