package io.isobench.env.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.env.Variant;
import io.isobench.image.Flavor;
import io.isobench.image.ImageCache;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The vm settings: defaults, labels, and combinations that cannot run refused with the fix. */
class VmSettingsTest {

    private static final VmEnvironment ENV = new VmEnvironment(new ImageCache(Path.of("/nonexistent")), Path.of("/var/tmp"), m -> {
    }, InitScript.PATH);

    @Test
    void defaultsAreTheStudysDiskConfigurationUntunedOnTapWhereTheHostAllowsIt() {
        Variant v = Variant.resolve(ENV, Map.of(), "test");
        VmSettings s = VmSettings.of(v);
        assertThat(v.label()).isEqualTo("vm");
        assertThat(s.accel()).isEqualTo(VmSettings.Accel.AUTO);
        assertThat(s.accel().lower()).isEqualTo("auto");
        assertThat(s.cache()).isEqualTo(VmSettings.Cache.NONE);
        assertThat(s.aio()).isEqualTo(VmSettings.Aio.NATIVE);
        assertThat(s.disk()).isEqualTo(VmSettings.Disk.RAW);
        assertThat(s.machine()).isEqualTo(VmSettings.Machine.PC);
        // the study's guest sat on a bridge: tap where this host can make one, slirp elsewhere
        assertThat(s.network().lower()).isEqualTo(VmSettings.tapAllowed() ? "tap" : "user");
        assertThat(s.tuned()).isFalse();
        assertThat(s.image()).isEqualTo(Flavor.FULL);
        assertThat(s.memoryBytes()).isEqualTo(2L << 30);
        assertThat(ENV.defaultVariants()).hasSize(1);
    }

    @Test
    void theLabelNamesWhatDiffersFromTheDefaults() {
        Variant v = Variant.resolve(ENV, Map.of("tuning", "tuned", "image", "small", "memory", "1G"), "test");
        assertThat(v.label()).isEqualTo("vm[image=small,memory=1073741824,tuning=tuned]");
        VmSettings s = VmSettings.of(v);
        assertThat(s.tuned()).isTrue();
        assertThat(s.image()).isEqualTo(Flavor.SMALL);
        assertThat(s.memoryBytes()).isEqualTo(1L << 30);
    }

    @Test
    void nativeAioWithoutDirectIoIsRefusedNamingTheFix() {
        assertThatThrownBy(() -> Variant.resolve(ENV, Map.of("cache", "writeback"), "suite.yaml:3:5"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("aio=native").hasMessageContaining("cache=writeback")
                .hasMessageContaining("cache=none").hasMessageContaining("aio=threads");
        assertThat(VmSettings.of(Variant.resolve(ENV, Map.of("cache", "writeback", "aio", "threads"), "test")).cache())
                .isEqualTo(VmSettings.Cache.WRITEBACK);
    }

    @Test
    void aTunedVmCannotHaveMoreVcpusThanHostCpusToPinTo() {
        VmSettings s = new VmSettings(VmSettings.Accel.AUTO, VmSettings.Disk.RAW, VmSettings.Cache.NONE, VmSettings.Aio.NATIVE, VmSettings.Network.USER, true, 4, 1L << 30, Flavor.SMALL, 1L << 30, VmSettings.Machine.PC);
        assertThatThrownBy(() -> s.validate(2, 8L << 30)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("vcpus=4").hasMessageContaining("vcpus=2");
        s.validate(4, 8L << 30);
        new VmSettings(VmSettings.Accel.AUTO, VmSettings.Disk.RAW, VmSettings.Cache.NONE, VmSettings.Aio.NATIVE, VmSettings.Network.USER, false, 4, 1L << 30, Flavor.SMALL, 1L << 30, VmSettings.Machine.PC).validate(2, 8L << 30);
    }

    @Test
    void moreMemoryThanTheHostHasIsRefused() {
        VmSettings s = new VmSettings(VmSettings.Accel.AUTO, VmSettings.Disk.RAW, VmSettings.Cache.NONE, VmSettings.Aio.NATIVE, VmSettings.Network.USER, false, 1, 16L << 30, Flavor.SMALL, 1L << 30, VmSettings.Machine.PC);
        assertThatThrownBy(() -> s.validate(2, 8L << 30)).isInstanceOf(BadInputException.class).hasMessageContaining("memory=");
    }

    @Test
    void unknownChoicesAndOutOfRangeValuesAreRefused() {
        assertThatThrownBy(() -> Variant.resolve(ENV, Map.of("accel", "hvf"), "test")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("accel");
        assertThatThrownBy(() -> Variant.resolve(ENV, Map.of("vcpus", "0"), "test")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("vcpus");
        assertThatThrownBy(() -> Variant.resolve(ENV, Map.of("memory", "16M"), "test")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("memory");
    }

    @Test
    void aWordOutsideAClosedSetIsRefusedNamingTheSettingAndItsWords() {
        // a variant built without resolving (an old record, a hand-made one) still meets the enums' words
        Variant bad = Variant.of("vm", Map.of("cache", "writebak", "aio", "threads"));
        assertThatThrownBy(() -> VmSettings.of(bad)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("vm setting cache='writebak'")
                .hasMessageContaining("none, writeback, writethrough, directsync, unsafe")
                .hasMessageContaining("did you mean 'writeback'");
        // a setting the record predates takes its default
        assertThat(VmSettings.of(Variant.of("vm", Map.of("aio", "io_uring", "cache", "unsafe"))).aio()).isEqualTo(VmSettings.Aio.IO_URING);
        assertThat(VmSettings.of(Variant.of("vm", Map.of())).machine()).isEqualTo(VmSettings.Machine.PC);
        // the words are QEMU's, as users write them
        assertThat(VmSettings.SPECS.stream().filter(s -> s.name().equals("aio")).findFirst().orElseThrow().choices())
                .containsExactly("native", "threads", "io_uring");
        assertThat(VmSettings.SPECS.stream().filter(s -> s.name().equals("machine")).findFirst().orElseThrow().choices())
                .containsExactly("pc", "q35", "microvm");
    }

    @Test
    void onlyCacheModesThatOpenTheImagesWithODirectCarryTheGuestsDirectIo() {
        for (VmSettings.Cache c : VmSettings.Cache.values()) {
            VmSettings s = VmSettings.of(Variant.resolve(ENV, Map.of("cache", c.lower(), "aio", c.direct() ? "native" : "threads"), "test"));
            boolean direct = c == VmSettings.Cache.NONE || c == VmSettings.Cache.DIRECTSYNC;
            assertThat(s.directIo()).as(c.lower()).isEqualTo(direct);
            assertThat(s.directIoPath()).as(c.lower()).contains("cache=" + c.lower())
                    .contains(direct ? "no host page cache is in between" : "land in the host's page cache");
        }
        assertThat(VmSettings.of(Variant.resolve(ENV, Map.of("cache", "unsafe", "aio", "threads"), "test")).directIoPath())
                .contains("flushes are ignored").contains("write cache=none");
        // the environment explains a difference in the fact where its cache mode makes one, and only there
        assertThat(ENV.shapedFacts(Map.of("cache", "writeback"))).containsKey(io.isobench.env.DirectIoPath.PATH);
        assertThat(ENV.shapedFacts(Map.of())).doesNotContainKey(io.isobench.env.DirectIoPath.PATH);
    }
}
