package io.isobench.env.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.result.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pieces: module dependencies, the cpio writer, subnet choice, QMP answers read back. */
class PartsTest {

    @TempDir
    Path dir;

    private Path modulesDir() throws Exception {
        Files.writeString(dir.resolve("modules.dep"), """
                kernel/drivers/virtio/virtio_ring.ko:
                kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
                kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
                kernel/drivers/virtio/virtio_pci_modern_dev.ko:
                kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
                kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
                kernel/net/core/failover.ko:
                kernel/fs/unrelated.ko:
                """);
        return dir;
    }

    @Test
    void everyModuleLoadsAfterWhatItDependsOnAndNothingUnneededIsCarried() throws Exception {
        List<String> order = Initrd.loadOrder(modulesDir(), List.of("virtio_pci", "virtio_net", "virtio_console"));
        assertThat(order).doesNotContain("kernel/fs/unrelated.ko").doesNotHaveDuplicates();
        assertThat(order).contains("kernel/drivers/virtio/virtio_ring.ko", "kernel/net/core/failover.ko"); // dependencies carried
        assertThat(order.indexOf("kernel/drivers/virtio/virtio_ring.ko")).isLessThan(order.indexOf("kernel/drivers/virtio/virtio.ko"));
        assertThat(order.indexOf("kernel/drivers/virtio/virtio.ko")).isLessThan(order.indexOf("kernel/drivers/virtio/virtio_pci.ko"));
        assertThat(order.indexOf("kernel/net/core/failover.ko")).isLessThan(order.indexOf("kernel/drivers/net/net_failover.ko"));
        assertThat(order.indexOf("kernel/drivers/net/net_failover.ko")).isLessThan(order.indexOf("kernel/drivers/net/virtio_net.ko"));
        assertThat(Disks.moduleName("kernel/drivers/char/hw_random/virtio-rng.ko.xz")).isEqualTo("virtio_rng");
    }

    @Test
    void theCpioArchiveIsNewcWithFourByteAlignment() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Initrd.Cpio cpio = new Initrd.Cpio(bytes);
        cpio.dir("bin");
        cpio.file("init", 0755, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        cpio.trailer();
        byte[] b = bytes.toByteArray();
        assertThat(b.length % 4).isZero();
        String s = new String(b, StandardCharsets.ISO_8859_1);
        assertThat(s).startsWith("070701");
        // second entry: header (110 bytes) + "bin\0" padded to 4 => starts at 112+2=... read its header fields
        int second = s.indexOf("070701", 6);
        assertThat(second % 4).isZero();
        long mode = Long.parseLong(s.substring(second + 14, second + 22), 16);
        long size = Long.parseLong(s.substring(second + 54, second + 62), 16);
        assertThat(mode).isEqualTo(0100755);
        assertThat(size).isEqualTo(10);
        assertThat(s).contains("init\0").contains("#!/bin/sh\n").contains("TRAILER!!!\0");
        // the initrd's /init loads the modules in the given order and hands over to our init
        String init = Initrd.initScript(List.of("a/virtio_ring.ko", "b/virtio.ko"));
        assertThat(init.indexOf("insmod /lib/modules/virtio_ring.ko")).isLessThan(init.indexOf("insmod /lib/modules/virtio.ko"));
        assertThat(init).contains("switch_root /newroot").contains(InitScript.PATH);
    }

    @Test
    void aSubnetIsPickedThatNoHostAddressFallsInto() {
        int[] first = TapNetwork.pickSubnet("isb-abcdef", Set.of());
        assertThat(first[1] % 4).isZero();
        String taken = TapNetwork.PREFIX + "." + first[0] + "." + (first[1] + 1);
        int[] second = TapNetwork.pickSubnet("isb-abcdef", Set.of(taken, "127.0.0.1", "10.0.2.15"));
        assertThat(second).isNotEqualTo(first);
        assertThat(second[1] % 4).isZero();
        assertThat(TapNetwork.baseName("run-1|vm[network=tap]|a1b2c3")).matches("isb-[0-9a-f]{6}").hasSizeLessThanOrEqualTo(14);
        assertThat(TapNetwork.baseName("run-1|x")).isNotEqualTo(TapNetwork.baseName("run-2|x"));
    }

    @Test
    void queryBlockIsReadBackAsFormatCacheModeAndBacking() throws Exception {
        // the shape QEMU 7.2 answers query-block with (abridged)
        JsonNode blocks = Json.mapper().readTree("""
                [{"device":"root","inserted":{"drv":"qcow2","file":"/d/root.qcow2",
                   "cache":{"writeback":true,"direct":true,"no-flush":false},
                   "image":{"format":"qcow2","backing-image":{"format":"raw","filename":"/c/base.raw"}}}},
                 {"device":"data","inserted":{"drv":"raw","file":"/d/data.raw",
                   "cache":{"writeback":false,"direct":false,"no-flush":false},"image":{"format":"raw"}}},
                 {"device":"cd0"}]
                """);
        List<Map<String, Object>> b = VmInstance.blockDevices(blocks);
        assertThat(b).hasSize(2);
        assertThat(b.get(0)).containsEntry("format", "qcow2").containsEntry("cache", "none").containsEntry("backing_format", "raw");
        assertThat(b.get(1)).containsEntry("format", "raw").containsEntry("cache", "writethrough").doesNotContainKey("backing_format");
        assertThat(VmInstance.cacheMode(Json.mapper().readTree("{\"writeback\":true,\"direct\":false,\"no-flush\":false}")))
                .isEqualTo("writeback");
        assertThat(VmInstance.cacheMode(Json.mapper().readTree("{\"writeback\":false,\"direct\":true,\"no-flush\":false}")))
                .isEqualTo("directsync");
        assertThat(VmInstance.cacheMode(Json.mapper().readTree("{\"writeback\":true,\"direct\":false,\"no-flush\":true}")))
                .isEqualTo("unsafe");
    }

    @Test
    void cpuListsAndKernelVersionsParse() {
        assertThat(HostCpus.parseList("0-2,5")).containsExactly(0, 1, 2, 5);
        assertThat(HostCpus.parseList("3")).containsExactly(3);
        assertThat(GuestKernel.compareVersions("6.1.0-56-cloud-amd64", "6.1.0-9-cloud-amd64")).isPositive();
        assertThat(GuestKernel.compareVersions("6.1.0-9-cloud-amd64", "6.10.0-1-cloud-amd64")).isNegative();
    }

    @Test
    void theGuestKernelIsFoundOnlyWithItsModules() throws Exception {
        Path boot = Files.createDirectories(dir.resolve("boot"));
        Path mods = Files.createDirectories(dir.resolve("modules"));
        Files.writeString(boot.resolve("vmlinuz-6.1.0-9-cloud-amd64"), "k");
        Files.writeString(boot.resolve("vmlinuz-6.1.0-10-amd64"), "k");
        Files.writeString(boot.resolve("vmlinuz-6.1.0-11-cloud-amd64"), "k");
        assertThat(GuestKernel.find(boot, mods)).isEmpty();
        Files.createDirectories(mods.resolve("6.1.0-9-cloud-amd64"));
        Files.writeString(mods.resolve("6.1.0-9-cloud-amd64/modules.dep"), "");
        Files.createDirectories(mods.resolve("6.1.0-10-amd64"));
        Files.writeString(mods.resolve("6.1.0-10-amd64/modules.dep"), "");
        // the cloud flavour wins over a newer generic kernel; the newest cloud kernel lacks modules
        assertThat(GuestKernel.find(boot, mods)).get().extracting(GuestKernel::release).isEqualTo("6.1.0-9-cloud-amd64");
    }
}
