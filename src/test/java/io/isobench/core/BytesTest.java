package io.isobench.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BytesTest {

    @Test
    void binaryUnitsWithAtMostThreeSignificantDigits() {
        assertThat(Bytes.human(0)).isEqualTo("0 B");
        assertThat(Bytes.human(1023)).isEqualTo("1023 B");
        assertThat(Bytes.human(1024)).isEqualTo("1.0 KiB");
        assertThat(Bytes.human(3L << 20)).isEqualTo("3.0 MiB");
        assertThat(Bytes.human(1536L << 20)).isEqualTo("1.5 GiB");
        assertThat(Bytes.human(120L << 30)).isEqualTo("120 GiB");
        assertThat(Bytes.human((1L << 40) * 2048)).isEqualTo("2.0 PiB");
    }
}
