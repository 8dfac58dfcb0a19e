package io.isobench.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isobench.BadInputException;
import io.isobench.core.Endpoint;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientSpecTest {

    @Test
    void linkSpeedsUseTcsDecimalUnits() {
        assertThat(ClientSpec.linkBitsPerSecond("10gbit", "x")).isEqualTo(10_000_000_000L);
        assertThat(ClientSpec.linkBitsPerSecond("1Gbit", "x")).isEqualTo(1_000_000_000L);
        assertThat(ClientSpec.linkBitsPerSecond("2.5gbit", "x")).isEqualTo(2_500_000_000L);
        assertThat(ClientSpec.linkBitsPerSecond("100mbit", "x")).isEqualTo(100_000_000L);
        assertThat(new ClientSpec(ClientSpec.Place.NETNS, "none").link()).isNull();
    }

    @Test
    void badLinksNameThePlaceAndTheFix() {
        assertThatThrownBy(() -> ClientSpec.linkBitsPerSecond("10G", "suite.yaml:3:9")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("suite.yaml:3:9").hasMessageContaining("10gbit");
        assertThatThrownBy(() -> ClientSpec.linkBitsPerSecond("10kbit", "--client-link")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> ClientSpec.place("remote", "--client")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("netns").hasMessageContaining("local");
        // a link shapes the namespace's veth: the host's own stack has none
        assertThatThrownBy(() -> new ClientSpec(ClientSpec.Place.LOCAL, "1gbit").validate("--client"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("client=netns");
    }

    @Test
    void autoBecomesNetnsWhereTheHostAllowsItElseLocalWithANote() {
        ClientSpec.Resolved yes = new ClientSpec(ClientSpec.Place.AUTO, "10gbit").resolve(null, "client");
        assertThat(yes.spec()).isEqualTo(new ClientSpec(ClientSpec.Place.NETNS, "10gbit"));
        assertThat(yes.note()).isNull();
        ClientSpec.Resolved no = ClientSpec.DEFAULT.resolve("not root", "client");
        assertThat(no.spec().place()).isEqualTo(ClientSpec.Place.LOCAL);
        assertThat(no.note()).contains("not root").contains("docker-proxy");
        // asked for explicitly, a namespace the host cannot make is an error, not a quiet fallback
        assertThatThrownBy(() -> new ClientSpec(ClientSpec.Place.NETNS, null).resolve("not root", "--client"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("client=local");
        assertThatThrownBy(() -> new ClientSpec(ClientSpec.Place.AUTO, "1gbit").resolve("not root", "client"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not root");
        assertThat(new ClientSpec(ClientSpec.Place.LOCAL, null).resolve(null, "client").note()).contains("docker-proxy");
    }

    @Test
    void onlyServersOnTheHostsStackAreReachedAtTheHostsAddress() {
        assertThat(Reach.listensOnEveryHostAddress(new Endpoint("127.0.0.1", 5, "loopback"))).isTrue();
        assertThat(Reach.listensOnEveryHostAddress(new Endpoint("127.0.0.1", 5, "docker-host"))).isTrue();
        assertThat(Reach.listensOnEveryHostAddress(new Endpoint("127.0.0.1", 5, "docker-proxy"))).isFalse();
        assertThat(Reach.listensOnEveryHostAddress(new Endpoint("127.0.0.1", 5, "slirp hostfwd tcp"))).isFalse();
        assertThat(Reach.loopback("127.0.0.1")).isTrue();
        assertThat(Reach.loopback("172.17.0.2")).isFalse();
    }

    @Test
    void subnetsAvoidTheHostsAddressesAndNamesAreOurs() {
        int[] first = NetnsClient.pickSubnet("isb-abcdefh", Set.of());
        String taken = NetnsClient.PREFIX + "." + first[0] + "." + (first[1] + 1);
        int[] next = NetnsClient.pickSubnet("isb-abcdefh", Set.of(taken, "192.0.2.2"));
        assertThat(next).isNotEqualTo(first);
        assertThat(first[1] % 4).isZero();
        NetnsClient.Names n = NetnsClient.Names.forRun("20261130-134047-9031");
        assertThat(n.namespace()).isEqualTo("isobench-20261130-134047-9031-client");
        assertThat(n.hostDev()).startsWith("isb-").hasSizeLessThanOrEqualTo(15);
        assertThat(n.clientDev()).startsWith("isb-").hasSizeLessThanOrEqualTo(15).isNotEqualTo(n.hostDev());
        assertThat(NetnsClient.Names.forRun("other")).isNotEqualTo(n);
        assertThatThrownBy(() -> HostNet.ours("eth0")).hasMessageContaining("refusing");
        assertThatThrownBy(() -> HostNet.ours("docker0")).hasMessageContaining("refusing");
        assertThat(HostNet.ours(n.hostDev())).isEqualTo(n.hostDev());
    }

    @Test
    void theBucketHoldsAtLeastAMillisecondOfTheLinkAndTwoSegments() {
        long burst10g = Long.parseLong(NetnsClient.tbf(10_000_000_000L).replaceAll(".*burst (\\d+).*", "$1"));
        assertThat(burst10g).isGreaterThanOrEqualTo(10_000_000_000L / 8 / 1000);
        long burst100m = Long.parseLong(NetnsClient.tbf(100_000_000L).replaceAll(".*burst (\\d+).*", "$1"));
        assertThat(burst100m).isGreaterThanOrEqualTo(2 * 65536);
        assertThat(NetnsClient.tbf(1_000_000_000L)).startsWith("tbf rate 1000000000bit");
    }
}
