package io.isobench.workload.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.workload.isolation.KernelIdentity.Kind;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Whose kernel answers, from evidence as each environment shows it (values seen on this kind of
 * machine: the host's 6.18 kernel, Debian's cloud kernel in a VM, gVisor's Sentry without a boot
 * id), and what that means for comparing a namespace with the host's.
 */
class KernelIdentityTest {

    static final String HOST_VERSION = "Linux version 6.18.44-fc-v782 (builder) #1 SMP";
    static final String GUEST_VERSION = "Linux version 6.1.0-57-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1";
    static final String GVISOR_DMESG = "[    0.000000] Starting gVisor...\n[    0.222000] Singleplexing /dev/ptmx...\n";

    /** dmesg must not be run where the boot id already settles it (natively it reads the host's whole log). */
    static final Supplier<String> NOT_READ = () -> {
        throw new AssertionError("dmesg read although the boot id settles it");
    };

    static Map<String, Object> host() {
        Map<String, Object> m = new HashMap<>();
        m.put("boot_id", "ac705bee-86a5-450b-857a-c345fe16f4bb");
        m.put("kernel", "6.18.44-fc-v782");
        m.put("proc_version", HOST_VERSION);
        m.put("ns_pid", "pid:[4026531836]");
        m.put("ns_pid_dev_ino", "4:4026531836");
        m.put("ns_net", "net:[4026531833]");
        m.put("ns_net_dev_ino", "4:4026531833");
        return m;
    }

    static Map<String, Object> guest() {
        Map<String, Object> m = new HashMap<>();
        m.put("boot_id", "185f65fd-04a7-4d3e-8772-62b9dec173cf");
        m.put("kernel", "6.1.0-57-cloud-amd64");
        m.put("proc_version", GUEST_VERSION);
        m.put("machine", "QEMU Standard PC (i440FX + PIIX, 1996)");
        // the guest's initial namespaces carry the same fixed numbers as the host's
        m.put("ns_pid", "pid:[4026531836]");
        m.put("ns_pid_dev_ino", "4:4026531836");
        return m;
    }

    static Map<String, Object> gvisor() {
        Map<String, Object> m = new HashMap<>();
        m.put("boot_id", ""); // runsc 2022-12 shows no /proc/sys/kernel/random/boot_id
        m.put("kernel", "4.4.0");
        m.put("proc_version", KernelIdentity.GVISOR_VERSION);
        m.put("ns_net", "net:[110]");
        return m;
    }

    @Test
    void theSameBootIdIsTheHostsKernel() {
        Map<String, Object> inside = new HashMap<>(host());
        KernelIdentity k = KernelIdentity.of(inside, host(), NOT_READ);
        assertThat(k.kind()).isEqualTo(Kind.HOST);
        assertThat(k.evidence()).contains("ac705bee-86a5-450b-857a-c345fe16f4bb = host's").contains("6.18.44-fc-v782");
    }

    @Test
    void anotherBootIdWithoutGvisorsSignatureIsAGuestKernelAndTheEvidenceNamesBothSides() {
        KernelIdentity k = KernelIdentity.of(guest(), host(), () -> "[    0.000000] Linux version 6.1.0-57-cloud-amd64\n");
        assertThat(k.kind()).isEqualTo(Kind.GUEST);
        assertThat(k.kind().own()).isTrue();
        assertThat(k.evidence()).contains("185f65fd-04a7-4d3e-8772-62b9dec173cf").contains("ac705bee-86a5-450b-857a-c345fe16f4bb")
                .contains("6.1.0-57-cloud-amd64").contains("6.18.44-fc-v782").contains("QEMU Standard PC");
    }

    @Test
    void gvisorIsToldByItsBootMessagesOrItsFixedVersionText() {
        KernelIdentity byDmesg = KernelIdentity.of(gvisor(), host(), () -> GVISOR_DMESG);
        assertThat(byDmesg.kind()).isEqualTo(Kind.GVISOR);
        assertThat(byDmesg.evidence()).contains("Starting gVisor").contains("boot id (none) vs host's ac705bee").contains(HOST_VERSION);

        // dmesg refused or missing: the version text alone still names it
        KernelIdentity byVersion = KernelIdentity.of(gvisor(), host(), () -> "");
        assertThat(byVersion.kind()).isEqualTo(Kind.GVISOR);
        assertThat(byVersion.evidence()).contains(KernelIdentity.GVISOR_VERSION);

        // a gVisor that has a boot id of its own is still another kernel, and still gVisor
        Map<String, Object> withBoot = gvisor();
        withBoot.put("boot_id", "0d3c1e4f-0000-4000-8000-000000000001");
        assertThat(KernelIdentity.of(withBoot, host(), () -> GVISOR_DMESG).kind()).isEqualTo(Kind.GVISOR);
    }

    @Test
    void noBootIdAndTheHostsVersionTextCannotBeSettled() {
        Map<String, Object> masked = new HashMap<>(host());
        masked.put("boot_id", "");
        KernelIdentity k = KernelIdentity.of(masked, host(), () -> "");
        assertThat(k.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(k.evidence()).contains("cannot tell");
    }

    @Test
    void aNamespaceIsTheHostsOnlyOnTheHostsKernelWithTheSameDeviceAndInode() {
        KernelIdentity hostKernel = new KernelIdentity(Kind.HOST, "same", "same");
        KernelIdentity guestKernel = new KernelIdentity(Kind.GUEST, "guest", "guest");
        KernelIdentity gvisorKernel = new KernelIdentity(Kind.GVISOR, "gvisor", "gvisor");
        KernelIdentity unknownKernel = new KernelIdentity(Kind.UNKNOWN, "?", "?");

        // the VM case measured here: identical text and numbers, another kernel
        assertThat(guestKernel.namespace("pid", guest(), host())).isEqualTo(KernelIdentity.OWN);
        assertThat(gvisorKernel.namespace("net", gvisor(), host())).isEqualTo(KernelIdentity.OWN);

        assertThat(hostKernel.namespace("pid", host(), host())).isEqualTo(true);
        Map<String, Object> container = new HashMap<>(host());
        container.put("ns_pid", "pid:[4026532332]");
        container.put("ns_pid_dev_ino", "4:4026532332");
        assertThat(hostKernel.namespace("pid", container, host())).isEqualTo(false);
        // the same pid:[N] text on another nsfs device is another namespace
        Map<String, Object> otherDevice = new HashMap<>(host());
        otherDevice.put("ns_pid_dev_ino", "5:4026531836");
        assertThat(hostKernel.namespace("pid", otherDevice, host())).isEqualTo(false);

        // unknown kernel: different identities still prove another namespace, equal ones nothing
        assertThat(unknownKernel.namespace("pid", container, host())).isEqualTo(false);
        assertThat(unknownKernel.namespace("pid", host(), host())).isEqualTo(KernelIdentity.UNKNOWN);
        // a side that shows no namespace settles nothing
        assertThat(hostKernel.namespace("mnt", host(), host())).isEqualTo(KernelIdentity.UNKNOWN);

        assertThat(KernelIdentity.namespaceEvidence("pid", container, host()))
                .isEqualTo("pid pid:[4026532332] (dev 4, ino 4026532332) vs host pid:[4026531836] (dev 4, ino 4026531836)");
    }
}
