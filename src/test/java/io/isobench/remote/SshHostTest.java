package io.isobench.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import org.junit.jupiter.api.Test;

class SshHostTest {

    @Test
    void userAddressAndPortAreRead() {
        SshHost h = SshHost.parse("bench@192.0.2.10:2222", "--host");
        assertThat(h.user()).isEqualTo("bench");
        assertThat(h.address()).isEqualTo("192.0.2.10");
        assertThat(h.port()).isEqualTo(2222);
        assertThat(h.name()).isEqualTo("192.0.2.10:2222");
        assertThat(h.knownHostsName()).isEqualTo("[192.0.2.10]:2222");
        assertThat(h.target()).isEqualTo("bench@192.0.2.10:2222");
    }

    @Test
    void defaultsAreTheLocalUserAndPort22() {
        SshHost h = SshHost.parse("box.example", "--host");
        assertThat(h.user()).isEqualTo(System.getProperty("user.name"));
        assertThat(h.port()).isEqualTo(22);
        assertThat(h.knownHostsName()).isEqualTo("box.example");
    }

    @Test
    void ipv6InBracketsAndTheSshUrlForm() {
        SshHost h = SshHost.parse("ssh://root@[2001:db8::2]:22/", "client");
        assertThat(h.address()).isEqualTo("2001:db8::2");
        assertThat(h.target()).isEqualTo("root@[2001:db8::2]");
    }

    @Test
    void badSpecsNameWhereAndTheForm() {
        assertThatThrownBy(() -> SshHost.parse("root@@x", "suite.yaml:4:7")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("suite.yaml:4:7").hasMessageContaining("user@address[:port]");
        assertThatThrownBy(() -> SshHost.parse("root@x:70000", "--host")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> SshHost.parse("root@x;rm", "--host")).isInstanceOf(BadInputException.class);
    }
}
