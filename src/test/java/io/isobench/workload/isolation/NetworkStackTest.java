package io.isobench.workload.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.workload.isolation.KernelIdentity.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which network stack serves, from evidence as each environment shows it. The gVisor values are
 * what runsc (2022-12, Debian 12) showed on this machine: with --network=none its netstack's own
 * TCP buffer defaults and only lo; with --network=host the host kernel's sysctls and the
 * interfaces of the namespace it runs in. runsc with its own netstack and an interface cannot
 * run here, so that case is built from the same evidence.
 */
class NetworkStackTest {

    static final String HOST_RMEM = "4096 131072 33554432";
    static final String HOST_WMEM = "4096 16384 4194304";
    static final String NETSTACK_MEM = "4096 1048576 4194304";

    static final KernelIdentity HOST = kernel(Kind.HOST, "the host's kernel: boot id b = host's");
    static final KernelIdentity GVISOR = kernel(Kind.GVISOR, "own kernel, gVisor's Sentry");
    static final KernelIdentity GUEST = kernel(Kind.GUEST, "own kernel, a guest's");

    static KernelIdentity kernel(Kind kind, String evidence) {
        return new KernelIdentity(kind, evidence, evidence);
    }

    static Map<String, Object> host() {
        Map<String, Object> m = new HashMap<>();
        m.put("ns_net", "net:[4026531833]");
        m.put("ns_net_dev_ino", "4:4026531833");
        m.put("tcp_rmem", HOST_RMEM);
        m.put("tcp_wmem", HOST_WMEM);
        m.put("net_interfaces", List.of("docker0", "eth0", "lo"));
        m.put("net_inet6", List.of("00000000000000000000000000000001 lo", "fe8000000000000000fc00fffe000001 eth0"));
        return m;
    }

    /** A container's namespace on the host's kernel: its own veth as eth0. */
    static Map<String, Object> container() {
        Map<String, Object> m = new HashMap<>(host());
        m.put("ns_net", "net:[4026532333]");
        m.put("ns_net_dev_ino", "4:4026532333");
        m.put("net_interfaces", List.of("eth0", "lo"));
        m.put("net_inet6", List.of("00000000000000000000000000000001 lo", "fe80000000000000004202fffeac1100020 eth0"));
        return m;
    }

    @Test
    void onTheHostsKernelTheNamespaceIdentityDecides() {
        NetworkStack nativeStack = NetworkStack.of(HOST, host(), host());
        assertThat(nativeStack.stack()).isEqualTo("host kernel, host's namespace");
        assertThat(nativeStack.hostNamespace()).isEqualTo(true);
        assertThat(nativeStack.evidence()).contains("dev 4, ino 4026531833");

        NetworkStack bridge = NetworkStack.of(HOST, container(), host());
        assertThat(bridge.stack()).isEqualTo("host kernel, own namespace");
        assertThat(bridge.hostNamespace()).isEqualTo(false);

        Map<String, Object> none = container();
        none.put("net_interfaces", List.of("lo"));
        assertThat(NetworkStack.of(HOST, none, host()).stack()).isEqualTo("host kernel, own namespace (loopback only)");
    }

    @Test
    void gvisorsOwnStackShowsItsOwnTcpDefaults() {
        Map<String, Object> noNetwork = new HashMap<>();
        noNetwork.put("ns_net", "net:[110]");
        noNetwork.put("tcp_rmem", NETSTACK_MEM);
        noNetwork.put("tcp_wmem", NETSTACK_MEM);
        noNetwork.put("net_interfaces", List.of("lo"));
        NetworkStack s = NetworkStack.of(GVISOR, noNetwork, host());
        assertThat(s.stack()).isEqualTo("gVisor netstack (loopback only)");
        assertThat(s.hostNamespace()).isEqualTo(KernelIdentity.OWN);
        assertThat(s.evidence()).contains(NETSTACK_MEM).contains(HOST_RMEM);

        Map<String, Object> sandboxNetwork = new HashMap<>(noNetwork);
        sandboxNetwork.put("net_interfaces", List.of("eth0", "lo"));
        assertThat(NetworkStack.of(GVISOR, sandboxNetwork, host()).stack()).isEqualTo("gVisor netstack");
    }

    @Test
    void gvisorsPassthroughShowsTheHostKernelsSysctlsAndItsNamespacesInterfaces() {
        // runsc --network=host in a container's namespace (Docker's bridge)
        Map<String, Object> bridged = container();
        bridged.put("ns_net", "net:[110]");
        bridged.remove("ns_net_dev_ino");
        NetworkStack s = NetworkStack.of(GVISOR, bridged, host());
        assertThat(s.stack()).isEqualTo("host kernel via gVisor, own namespace");
        assertThat(s.hostNamespace()).isEqualTo(false);
        assertThat(s.evidence()).contains("passthrough").contains("are the host kernel's");

        // runsc --network=host with docker --network=host: the host's own interfaces and addresses
        Map<String, Object> hostNetwork = new HashMap<>(host());
        hostNetwork.put("ns_net", "net:[110]");
        hostNetwork.remove("ns_net_dev_ino");
        NetworkStack h = NetworkStack.of(GVISOR, hostNetwork, host());
        assertThat(h.stack()).isEqualTo("host kernel via gVisor, host's namespace");
        assertThat(h.hostNamespace()).isEqualTo(true);

        // the same interface names with other addresses are another namespace
        Map<String, Object> sameNames = new HashMap<>(hostNetwork);
        sameNames.put("net_inet6", List.of("fe80000000000000004202fffeac1100020 eth0"));
        assertThat(NetworkStack.of(GVISOR, sameNames, host()).hostNamespace()).isEqualTo(false);
    }

    @Test
    void aGuestKernelServesItsOwnStack() {
        Map<String, Object> vm = new HashMap<>(host());
        vm.put("net_interfaces", List.of("eth0", "lo"));
        vm.put("tcp_rmem", "4096 131072 6291456");
        NetworkStack s = NetworkStack.of(GUEST, vm, host());
        assertThat(s.stack()).isEqualTo("guest kernel");
        // the guest's initial network namespace has its kernel's fixed number, as the host's has
        assertThat(s.hostNamespace()).isEqualTo(KernelIdentity.OWN);
        assertThat(s.evidence()).contains("own kernel, a guest's");
    }

    @Test
    void gvisorWithoutSysctlsToCompareSaysSo() {
        Map<String, Object> bare = new HashMap<>();
        bare.put("net_interfaces", List.of("lo"));
        NetworkStack s = NetworkStack.of(GVISOR, bare, host());
        assertThat(s.stack()).isEqualTo("gVisor, stack unknown");
        assertThat(s.hostNamespace()).isEqualTo(KernelIdentity.UNKNOWN);
    }
}
