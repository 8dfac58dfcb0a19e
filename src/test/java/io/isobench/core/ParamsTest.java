package io.isobench.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {

    static final HostFacts HOST = HostFacts.of(4, 16L << 30, 32L << 20);

    static final List<ParamSpec> SPECS = List.of(
            ParamSpec.of("n", ParamType.INT, "order").defaultFrom(h -> h.cpus() * 100, "100 per CPU").range(10, 10_000).build(),
            ParamSpec.of("size", ParamType.SIZE, "bytes").defaultValue(1L << 20).build(),
            ParamSpec.of("duration", ParamType.DURATION, "how long").defaultValue("2s").build(),
            ParamSpec.of("mode", ParamType.CHOICE, "how").defaultValue("read").choices("read", "write").build(),
            ParamSpec.of("clients", ParamType.INT, "sweep").defaultValue(List.of(1, 2)).list().min(1).build(),
            ParamSpec.of("direct", ParamType.BOOL, "O_DIRECT").defaultValue(true).build());

    @Test
    void defaultsComeFromTheHostAndValuesAreTyped() {
        Params p = Params.resolve(SPECS, Map.of("size", "64K", "duration", "500ms", "clients", "1,8,32"), HOST, "workload 'x'", "--param");
        assertThat(p.getInt("n")).isEqualTo(400);
        assertThat(p.getBytes("size")).isEqualTo(65536);
        assertThat(p.getMillis("duration")).isEqualTo(500);
        assertThat(p.getString("mode")).isEqualTo("read");
        assertThat(p.getIntList("clients")).containsExactly(1, 8, 32);
        assertThat(p.getBool("direct")).isTrue();
    }

    @Test
    void sizesAndDurationsParseAsPeopleWriteThem() {
        assertThat(ParamType.SIZE.parse("4096")).isEqualTo(4096L);
        assertThat(ParamType.SIZE.parse("16M")).isEqualTo(16L << 20);
        assertThat(ParamType.SIZE.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(ParamType.SIZE.parse("1.5k")).isEqualTo(1536L);
        assertThat(ParamType.DURATION.parse("10s")).isEqualTo(10_000L);
        assertThat(ParamType.DURATION.parse("2m")).isEqualTo(120_000L);
        assertThat(ParamType.DURATION.parse("3")).isEqualTo(3_000L);
        assertThat(ParamType.DURATION.coerce(3)).isEqualTo(3_000L);
        assertThat(ParamType.INT.parse("1_000")).isEqualTo(1000);
    }

    @Test
    void theWireFormRoundTrips() {
        Params p = Params.resolve(SPECS, Map.of("duration", "1.5s"), HOST, "workload 'x'", "--param");
        Map<String, Object> wire = p.toWire(SPECS);
        assertThat(wire.get("duration")).isEqualTo("1500ms");
        assertThat(Params.fromWire(SPECS, wire)).isEqualTo(p);
    }

    @Test
    void anUnknownParameterIsNamedWithWhereAndASuggestion() {
        assertThatThrownBy(() -> Params.resolve(SPECS, Map.of("sise", "1"), HOST, "workload 'x'", "suite.yaml:4:7"))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("suite.yaml:4:7").hasMessageContaining("no parameter 'sise'")
                .hasMessageContaining("did you mean 'size'").hasMessageContaining("isobench list workloads");
    }

    @Test
    void aWrongTypeIsNamed() {
        assertThatThrownBy(() -> Params.resolve(SPECS, Map.of("n", "many"), HOST, "workload 'x'", "--param"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("'n' must be a integer, not 'many'");
        assertThatThrownBy(() -> Params.resolve(SPECS, Map.of("size", "lots"), HOST, "workload 'x'", "--param"))
                .hasMessageContaining("'size' must be a size such as");
        assertThatThrownBy(() -> Params.resolve(SPECS, Map.of("direct", "maybe"), HOST, "workload 'x'", "--param"))
                .hasMessageContaining("'direct' must be a true or false");
        assertThatThrownBy(() -> Params.resolve(SPECS, Map.of("mode", "raed"), HOST, "workload 'x'", "--param"))
                .hasMessageContaining("must be one of read, write").hasMessageContaining("did you mean 'read'");
        assertThatThrownBy(() -> Params.resolve(SPECS, Map.of("n", List.of(1, 2)), HOST, "workload 'x'", "--param"))
                .hasMessageContaining("takes one value here");
    }

    @Test
    void outOfRangeValuesAreRejectedWithTheRange() {
        assertThatThrownBy(() -> Params.resolve(SPECS, Map.of("n", "5"), HOST, "workload 'x'", "--param"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("out of range: allowed 10 to 10000");
        assertThatThrownBy(() -> Params.resolve(SPECS, Map.of("clients", "1,0"), HOST, "workload 'x'", "--param"))
                .hasMessageContaining("allowed at least 1");
    }
}
