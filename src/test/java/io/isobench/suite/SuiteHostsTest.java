package io.isobench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.client.ClientSpec;
import io.isobench.remote.SshHost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A suite's hosts: list and client=ssh://, read with line and column in every error, and written back for run.json. */
class SuiteHostsTest {

    private static final String BODY = "workloads: [hash]\nenvironments: [native]\n";

    @Test
    void hostsAsTextAndAsMappings() {
        Suite s = SuiteLoader.parse("hosts:\n  - root@192.0.2.10\n  - {name: b, address: 192.0.2.11, user: bench, port: 2222, key: /k/id}\n"
                + BODY, "f.yaml");
        assertThat(s.hosts()).extracting(SshHost::name).containsExactly("192.0.2.10", "b");
        SshHost b = s.hosts().get(1);
        assertThat(b.user()).isEqualTo("bench");
        assertThat(b.port()).isEqualTo(2222);
        assertThat(b.keyFile()).isEqualTo(Path.of("/k/id"));
        // run.json keeps them, and reads them back the same (a resumed fleet run)
        Suite again = SuiteLoader.fromMap(SuiteLoader.toMap(s), "run.json");
        assertThat(again.hosts()).extracting(SshHost::target).containsExactly("root@192.0.2.10", "bench@192.0.2.11:2222");
        assertThat(again.hosts().get(1).keyFile()).isEqualTo(Path.of("/k/id"));
        // the suite a host runs has no hosts of its own
        assertThat(SuiteLoader.toMap(s.withHosts(java.util.List.of()))).doesNotContainKey("hosts");
    }

    @Test
    void badHostsAreNamedWithTheirPlace() {
        assertThatThrownBy(() -> SuiteLoader.parse("hosts:\n  - {address: 192.0.2.1, prot: 22}\n" + BODY, "f.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("f.yaml:2:").hasMessageContaining("prot")
                .hasMessageContaining("port");
        assertThatThrownBy(() -> SuiteLoader.parse("hosts:\n  - {user: x}\n" + BODY, "f.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("f.yaml:2:").hasMessageContaining("address");
        assertThatThrownBy(() -> SuiteLoader.parse("hosts:\n  - a@b\n  - c@b\n" + BODY, "f.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("named twice");
        assertThatThrownBy(() -> SuiteLoader.parse("hosts: root@a\n" + BODY, "f.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("f.yaml:1:").hasMessageContaining("must be a list");
        assertThatThrownBy(() -> SuiteLoader.parse("hosts:\n  - 'root@a b'\n" + BODY, "f.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("f.yaml:2:");
    }

    @Test
    void theClientOnASecondMachine() {
        Suite s = SuiteLoader.parse("client: ssh://root@192.0.2.20:2200\n" + BODY, "f.yaml");
        assertThat(s.client().place()).isEqualTo(ClientSpec.Place.SSH);
        assertThat(s.client().host().address()).isEqualTo("192.0.2.20");
        assertThat(s.client().host().port()).isEqualTo(2200);
        assertThat(SuiteLoader.fromMap(SuiteLoader.toMap(s), "run.json").client().sshUrl()).isEqualTo("ssh://root@192.0.2.20:2200");
        assertThat(s.client().resolve(null, "client").spec()).isEqualTo(s.client());
        assertThatThrownBy(() -> SuiteLoader.parse("client: {place: 'ssh://root@b', link: 1gbit}\n" + BODY, "f.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("link");
    }
}
