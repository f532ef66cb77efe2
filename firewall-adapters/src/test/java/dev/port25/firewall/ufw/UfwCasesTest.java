package dev.port25.firewall.ufw;

import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.iptables.PublishedChain;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Plans over state recorded from ufw 0.36.2 in namespaces (see each case's source.txt). */
class UfwCasesTest {

    private final UfwRecordedStates recorded = new UfwRecordedStates();
    private final UfwAdapter adapter = (UfwAdapter) recorded.adapter();

    private static List<String> argv(Plan p) {
        return p.changes().stream().flatMap(c -> c.commands().stream()).map(c -> String.join(" ", c.argv())).toList();
    }

    @Test
    void closedPrependsOneRuleForBothFamilies() throws Exception {
        Plan p = adapter.plan(recorded.load("port25-open"), Desired.of(25, new Inbound.Closed()));
        assertThat(argv(p)).containsExactly(
                "ufw prepend deny in proto tcp from any port 1:65535 to any port 25 comment port25-agent tcp/25 drop #a8c40bee1a29");
    }

    @Test
    void recordedClosedStateReadsBackWithPositionsAndComments() throws Exception {
        UfwState s = recorded.load("port25-closed");
        assertThat(s.active()).isTrue();
        assertThat(s.ipv6Enabled()).isTrue();
        assertThat(s.ownedRules()).containsExactly(
                "ipv4#1 # port25-agent tcp/25 drop #a8c40bee1a29", "ipv6#1 # port25-agent tcp/25 drop #a8c40bee1a29");
        assertThat(argv(adapter.plan(s, Desired.of(25, new Inbound.Open()))))
                .as("highest number first, so the next number is still right")
                .containsExactly("ufw --force delete 2", "ufw --force delete 1");
    }

    @Test
    void allowFromPrependsInReverseSoTheAllowsEndUpAboveTheDeny() throws Exception {
        Plan p = adapter.plan(recorded.load("port25-open"), Desired.of(25, new Inbound.AllowFrom(
                List.of(Cidr.parse("198.18.0.0/15"), Cidr.parse("fd00::/8")))));
        List<String> argv = argv(p);
        assertThat(argv).hasSize(3);
        assertThat(argv.get(0)).startsWith("ufw prepend deny in proto tcp from any port 1:65535 to any port 25 comment ");
        assertThat(argv.get(1)).startsWith("ufw prepend allow in proto tcp from fd00::/8 port 1:65535 to any port 25 ");
        assertThat(argv.get(2)).startsWith("ufw prepend allow in proto tcp from 198.18.0.0/15 port 1:65535 to any port 25 ");
    }

    @Test
    void withoutIpv6InUfwOnlyIpv4RulesAreWanted() throws Exception {
        UfwState noV6 = UfwAdapter.stateOf(UfwRecordedStates.read("port25-closed/status.txt"), "IPV6=no\n",
                UfwRecordedStates.read("port25-closed/user.rules"), UfwRecordedStates.read("port25-closed/user6.rules"),
                Fixtures.LAYERS_NOT_RECORDED, PublishedChain.none(Fixtures.LAYERS_NOT_RECORDED));
        assertThat(noV6.ipv6Enabled()).isFalse();
        assertThat(noV6.ownedRules()).containsExactly("ipv4#1 # port25-agent tcp/25 drop #a8c40bee1a29");
        assertThat(adapter.plan(noV6, Desired.of(25, new Inbound.Closed())).isEmpty()).isTrue();
        Plan allowV6 = adapter.plan(noV6, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("fd00::/8")))));
        assertThat(argv(allowV6)).noneMatch(a -> a.contains("fd00"));
    }

    @Test
    void foreignIdenticalRuleIsNeverDeletedByText() throws Exception {
        UfwState s = recorded.load("foreign-rule");
        assertThat(s.ownedRules()).isEmpty();
        assertThat(s.rules()).hasSize(2);
        assertThat(argv(adapter.plan(s, Desired.of(25, new Inbound.Open())))).isEmpty();
        assertThat(argv(adapter.plan(s, Desired.of(25, new Inbound.Closed())))).noneMatch(a -> a.contains("delete"));
    }

    @Test
    void egressPrependsTheRelayAllowAboveTheOutboundReject() throws Exception {
        Plan p = adapter.plan(recorded.load("port25-open"), new Desired(Map.of()).withOutbound(25, new Outbound.BlockedExcept(
                List.of(Cidr.parse("fd00:25::2")))));
        assertThat(argv(p)).containsExactly(
                "ufw prepend reject out proto tcp from any port 1:65535 to any port 25 comment port25-agent egress tcp/25 reject #9ab795297a74",
                "ufw prepend allow out proto tcp from any port 1:65535 to fd00:25::2/128 port 25 comment port25-agent egress tcp/25 relay fd00:25::2/128 #9ab795297a74");
    }
}
