package io.isobench.workload.isolation;

import io.isobench.workload.isolation.KernelIdentity.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which network stack serves the environment's sockets, and whether they live in the host's
 * network namespace, told from evidence read inside, never from the environment's name.
 *
 * <ul>
 *   <li>On the host's kernel (native, runc) the host kernel's stack serves; the namespace is the
 *       host's when the nsfs device and inode are.</li>
 *   <li>Under gVisor, the Sentry either runs its own stack (netstack) or, in runsc's host-network
 *       passthrough, hands sockets to the host kernel. The TCP buffer sysctls tell them apart:
 *       passthrough shows the host kernel's values (a new namespace copies them from the initial
 *       one), netstack its own defaults (4096 1048576 4194304 here, against the host's 4096 131072
 *       ...). In passthrough the namespace is the host's when the interfaces and their IPv6
 *       addresses (MAC-derived) are the host's.</li>
 *   <li>In a VM the guest kernel's stack serves, in a namespace of its own kernel.</li>
 * </ul>
 *
 * @param stack         the verdict, e.g. "host kernel, own namespace"
 * @param hostNamespace the host_network_namespace verdict: true, false, {@link KernelIdentity#OWN} or "unknown"
 * @param evidence      what the verdicts rest on
 */
record NetworkStack(String stack, Object hostNamespace, String evidence) {

    static final String HOST_KERNEL = "host kernel";
    static final String PASSTHROUGH = "host kernel via gVisor";
    static final String NETSTACK = "gVisor netstack";
    static final String GUEST_KERNEL = "guest kernel";
    static final String HOSTS_NAMESPACE = ", host's namespace";
    static final String OWN_NAMESPACE = ", own namespace";
    static final String LOOPBACK_ONLY = " (loopback only)";

    /**
     * @param kernel the kernel that answers inside
     * @param inside {@link Identity#read()} inside
     * @param host   the host's identity
     */
    static NetworkStack of(KernelIdentity kernel, Map<String, Object> inside, Map<String, Object> host) {
        List<String> ifaces = nonLoopback(inside.get("net_interfaces"));
        String loopbackOnly = ifaces.isEmpty() ? LOOPBACK_ONLY : "";
        String seen = "interfaces " + String.join(" ", strings(inside.get("net_interfaces")));
        String rmem = KernelIdentity.str(inside, "tcp_rmem");
        String wmem = KernelIdentity.str(inside, "tcp_wmem");
        String hostRmem = KernelIdentity.str(host, "tcp_rmem");
        String hostWmem = KernelIdentity.str(host, "tcp_wmem");
        String sysctls = "tcp_rmem " + rmem + ", tcp_wmem " + wmem + " (host " + hostRmem + ", " + hostWmem + ")";
        return switch (kernel.kind()) {
            case HOST, UNKNOWN -> {
                Object shared = kernel.namespace("net", inside, host);
                String ns = KernelIdentity.namespaceEvidence("net", inside, host);
                String stack = kernel.kind() == Kind.UNKNOWN ? KernelIdentity.UNKNOWN
                        : HOST_KERNEL + (Boolean.TRUE.equals(shared) ? HOSTS_NAMESPACE : OWN_NAMESPACE) + loopbackOnly;
                yield new NetworkStack(stack, shared, (kernel.kind() == Kind.HOST ? "the host kernel's stack: " : "")
                        + ns + "; " + seen + "; " + kernel.brief());
            }
            case GVISOR -> {
                if (rmem.isEmpty() || hostRmem.isEmpty()) {
                    yield new NetworkStack("gVisor, stack " + KernelIdentity.UNKNOWN, KernelIdentity.UNKNOWN,
                            "no TCP buffer sysctls to compare: " + sysctls + "; " + seen + "; " + kernel.brief());
                }
                if (!(rmem.equals(hostRmem) && wmem.equals(hostWmem))) {
                    yield new NetworkStack(NETSTACK + loopbackOnly, KernelIdentity.OWN, "gVisor's own network stack: " + sysctls
                            + " differ from the host kernel's; " + seen + "; " + kernel.brief());
                }
                Object shared = passthroughNamespace(inside, host);
                String which = Boolean.TRUE.equals(shared) ? HOSTS_NAMESPACE : OWN_NAMESPACE;
                yield new NetworkStack(PASSTHROUGH + which + loopbackOnly, shared,
                        "gVisor's host-network passthrough: " + sysctls + " are the host kernel's; " + seen + " vs host's "
                                + String.join(" ", strings(host.get("net_interfaces"))) + ", IPv6 " + addressesEvidence(inside, host)
                                + "; " + kernel.brief());
            }
            case GUEST -> new NetworkStack(GUEST_KERNEL + loopbackOnly, KernelIdentity.OWN,
                    "the guest kernel's own stack (what carries its packets on the host is the VM's network device); "
                            + seen + "; " + kernel.brief());
        };
    }

    /**
     * In passthrough the Sentry lists the interfaces of the host namespace its sockets live in.
     * They are the host's namespace when the non-loopback interfaces and their IPv6 addresses are
     * the host's; with no IPv6 address on either side the names alone decide, and say so.
     */
    private static Object passthroughNamespace(Map<String, Object> inside, Map<String, Object> host) {
        List<String> in = nonLoopback(inside.get("net_interfaces"));
        List<String> out = nonLoopback(host.get("net_interfaces"));
        if (in.isEmpty() && out.isEmpty()) {
            return KernelIdentity.UNKNOWN;
        }
        return in.equals(out) && Objects.equals(nonLoopback(inside.get("net_inet6")), nonLoopback(host.get("net_inet6")));
    }

    private static String addressesEvidence(Map<String, Object> inside, Map<String, Object> host) {
        List<String> in = nonLoopback(inside.get("net_inet6"));
        List<String> out = nonLoopback(host.get("net_inet6"));
        if (in.isEmpty() && out.isEmpty()) {
            return "none on either side (interface names alone decide)";
        }
        return in.equals(out) ? "addresses equal the host's" : String.join(", ", in) + " vs host's " + String.join(", ", out);
    }

    /** The entries (interface names, or "address interface") that are not the loopback's. */
    private static List<String> nonLoopback(Object list) {
        return strings(list).stream().filter(s -> !s.equals("lo") && !s.endsWith(" lo")).sorted().toList();
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }
}
