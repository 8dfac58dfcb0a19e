package io.isobench.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Typed keys read what {@link Params} resolved, and leave the wire form as the specs make it. */
class ParamKeyTest {

    enum Mode { READ_ONLY, READ_WRITE }

    static final HostFacts HOST = HostFacts.of(4, 16L << 30, 32L << 20);

    static final ParamKey<Integer> N = ParamKey.integer("n", "order").defaultFrom(h -> h.cpus() * 100, "100 per CPU").range(10, 10_000).build();
    static final ParamKey<Long> SIZE = ParamKey.size("size", "bytes").defaultValue(1L << 20).build();
    static final ParamKey<Duration> DURATION = ParamKey.duration("duration", "how long").defaultValue("2s").build();
    static final ParamKey<Mode> MODE = ParamKey.choice("mode", Mode.class, "how").defaultValue(Mode.READ_ONLY).build();
    static final ParamKey<List<Integer>> CLIENTS = ParamKey.integers("clients", "sweep").defaultValue(List.of(1, 2)).min(1).build();
    static final ParamKey<Boolean> DIRECT = ParamKey.flag("direct", "O_DIRECT").defaultValue(true).build();
    static final List<ParamSpec> SPECS = ParamKey.specs(N, SIZE, DURATION, MODE, CLIENTS, DIRECT);

    @Test
    void valuesAreReadAsTheKeysType() {
        Params p = Params.resolve(SPECS, Map.of("size", "64K", "duration", "500ms", "clients", "1,8,32", "mode", "read_write"), HOST,
                "workload 'x'", "--param");
        int n = p.get(N);
        assertThat(n).isEqualTo(400);
        assertThat(p.get(SIZE)).isEqualTo(65536L);
        assertThat(p.get(DURATION)).isEqualTo(Duration.ofMillis(500));
        assertThat(p.get(MODE)).isEqualTo(Mode.READ_WRITE);
        assertThat(p.get(CLIENTS)).containsExactly(1, 8, 32);
        assertThat(p.get(DIRECT)).isTrue();
        // the same values the getters by name see, so the keys change nothing a reader of the wire sees
        assertThat(p.getMillis("duration")).isEqualTo(500);
        assertThat(p.getString("mode")).isEqualTo("read_write");
    }

    @Test
    void aReplacedValueIsStoredAsTheSpecStoresIt() {
        Params p = Params.resolve(SPECS, Map.of(), HOST, "workload 'x'", "--param");
        Params q = p.with(DURATION, Duration.ofSeconds(3)).with(MODE, Mode.READ_WRITE).with(N, 20);
        assertThat(q.toWire(SPECS)).containsEntry("duration", "3000ms").containsEntry("mode", "read_write").containsEntry("n", 20);
        assertThat(Params.fromWire(SPECS, q.toWire(SPECS))).isEqualTo(q);
    }

    @Test
    void anEnumChoiceListsItsConstantsAsWords() {
        assertThat(MODE.spec().choices()).containsExactly("read_only", "read_write");
        assertThat(MODE.spec().defaultDescription()).isEqualTo("read_only");
        assertThatThrownBy(() -> Params.resolve(SPECS, Map.of("mode", "read_wirte"), HOST, "workload 'x'", "--param"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("read_only, read_write");
    }

    @Test
    void textIsParsedAsTheTypeOrRefusedNamingTheSettingAndTheFix() {
        assertThat(MODE.parse("read_write", "vm setting")).isEqualTo(Mode.READ_WRITE);
        assertThat(SIZE.parse("2M", "vm setting")).isEqualTo(2L << 20);
        assertThat(MODE.parse(null, "vm setting")).isEqualTo(Mode.READ_ONLY);
        assertThatThrownBy(() -> MODE.parse("write", "vm setting")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("vm setting mode='write' is not one of read_only, read_write")
                .hasMessageEndingWith(": write e.g. mode=read_only");
        assertThatThrownBy(() -> SIZE.parse("lots", "docker setting")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("docker setting size='lots' is not a size");
    }
}
