package io.isobench.workload.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.host.HostFacts;
import io.isobench.core.Params;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SysbenchRandomTest {

    private static final HostFacts HOST = HostFacts.of(2, 8L << 30, 0);

    @Test
    void idsStayInsideTheTableForBothDistributions() {
        for (boolean special : new boolean[] {true, false}) {
            SysbenchRandom r = new SysbenchRandom(1, special);
            for (int i = 0; i < 200_000; i++) {
                assertThat(r.id(1, 1000)).isBetween(1, 1000);
            }
            assertThat(r.id(5, 5)).isEqualTo(5);
        }
    }

    @Test
    void specialPutsThreeQuartersOfTheDrawsInTheCentralOnePercent() {
        SysbenchRandom r = new SysbenchRandom(7, true);
        int n = 100_000;
        int hot = 0;
        for (int i = 0; i < n; i++) {
            int id = r.id(1, 1_000_000);
            if (id >= 495_000 && id <= 505_001) {
                hot++;
            }
        }
        // 75% land in the band by construction, plus the gaussian part's share of the centre
        assertThat(hot / (double) n).isBetween(0.74, 0.80);
        SysbenchRandom u = new SysbenchRandom(7, false);
        int uniformHot = 0;
        for (int i = 0; i < n; i++) {
            int id = u.id(1, 1_000_000);
            if (id >= 495_000 && id <= 505_001) {
                uniformHot++;
            }
        }
        assertThat(uniformHot / (double) n).isLessThan(0.02);
    }

    @Test
    void valuesHaveSysbenchsShape() {
        SysbenchRandom r = new SysbenchRandom(3, true);
        String c = r.digits(SysbenchRandom.C_TEMPLATE);
        String pad = r.digits(SysbenchRandom.PAD_TEMPLATE);
        assertThat(c).hasSize(119).matches("([0-9]{11}-){9}[0-9]{11}");
        assertThat(pad).hasSize(59).matches("([0-9]{11}-){4}[0-9]{11}");
        char[] again = c.toCharArray();
        r.fillDigits(again);
        assertThat(new String(again)).matches("([0-9]{11}-){9}[0-9]{11}").isNotEqualTo(c);
    }

    @Test
    void defaultsScaleWithTheHostAndBadInputNamesTheFix() {
        MysqlWorkload w = new MysqlWorkload();
        Params small = Params.resolve(w.params(), Map.of(), HostFacts.of(1, 1L << 30, 0), "workload 'mysql'", "test");
        Params big = Params.resolve(w.params(), Map.of(), HostFacts.of(64, 256L << 30, 0), "workload 'mysql'", "test");
        assertThat(small.getInt("table_size")).isLessThan(big.getInt("table_size"));
        assertThat(big.getInt("table_size")).isEqualTo(2_000_000);
        assertThat(big.getBytes("buffer_pool")).isEqualTo(3L << 30);
        assertThat(small.getBytes("buffer_pool")).isLessThanOrEqualTo(256L << 20);
        Params tooBig = Params.resolve(w.params(), Map.of("buffer_pool", "7G"), HOST, "workload 'mysql'", "test");
        assertThatThrownBy(() -> w.validate(tooBig, HOST)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("buffer_pool=7168M").hasMessageContaining("smaller buffer_pool");
        Params badOpt = Params.resolve(w.params(), Map.of("config", "innodb_log_file_size=1G"), HOST, "workload 'mysql'", "test");
        assertThatThrownBy(() -> w.validate(badOpt, HOST)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("--name=value");
        assertThatThrownBy(() -> Params.resolve(w.params(), Map.of("mode", "write_only"), HOST, "workload 'mysql'", "test"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("mode");
    }
}
