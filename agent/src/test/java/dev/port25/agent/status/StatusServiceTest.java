package dev.port25.agent.status;

import dev.port25.agent.cli.ExitCodes;
import dev.port25.agent.facts.Facts;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.policy.Evaluator;
import dev.port25.agent.policy.EvaluatorTest;
import dev.port25.agent.policy.Verdict;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import dev.port25.firewall.net.IpAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class StatusServiceTest {

    static Listener tcp(String address, long inode, Owner... owners) throws Exception {
        return listener(Protocol.TCP, address, inode, owners);
    }

    static Listener listener(Protocol protocol, String address, long inode, Owner... owners) throws Exception {
        byte[] raw = InetAddress.getByName(address).getAddress();
        Family family = address.contains(":") ? Family.IPV6 : Family.IPV4;
        return new Listener(protocol, family, IpAddresses.of(raw), 25,
                Optional.of(family == Family.IPV6 && !address.equals("::")), Optional.empty(),
                OptionalInt.of(0), OptionalLong.of(inode), List.of(owners),
                owners.length == 0 ? Optional.of("owner not visible: test") : Optional.empty());
    }

    static Inventory inventory(Listener... listeners) {
        return new Inventory(InventorySource.NETLINK, Set.of(25), List.of(listeners), List.of());
    }

    static StatusReport status(String firewallCase, Listener... listeners) throws Exception {
        Facts facts = new Facts("host1", RoleResolver.resolve(Settings.defaults(), "host1"), Settings.defaults(),
                Facts.Result.of(inventory(listeners)), firewallCase == null
                ? Facts.Result.failed("nft: Operation not permitted") : EvaluatorTest.recorded(firewallCase, List.of(25)),
                Optional.empty());
        return StatusService.report(facts, Evaluator.evaluate(facts), "built-in defaults");
    }

    @Test
    void nothingListeningBehindAClosedFirewallIsOk() throws Exception {
        StatusReport r = status("legacy-drop-under-nft-accept");
        assertThat(r.verdict()).isEqualTo(Verdict.OK);
        assertThat(r.reasons()).containsExactly("nothing listens on port 25");
        assertThat(r.role().role()).isEqualTo(Role.NONE);
    }

    @Test
    void loopbackOnlyOnANoneHostIsOkAndAnOpenFirewallIsOnlyNoted() throws Exception {
        StatusReport r = status("no-rules", tcp("127.0.0.1", 1), tcp("::1", 2), listener(Protocol.UDP, "127.0.0.1", 3));
        assertThat(r.verdict()).isEqualTo(Verdict.OK);
        assertThat(r.reasons()).containsExactly("every listener on port 25 is loopback-only",
                "inbound 25 over ipv4 is OPEN (P25-003)", "inbound 25 over ipv6 is OPEN (P25-003)");
    }

    @Test
    void tcpBeyondLoopbackThatTheFirewallLetsInIsCriticalWithTheListenerNamed() throws Exception {
        StatusReport r = status("no-rules", tcp("127.0.0.1", 1), tcp("198.18.0.1", 2));
        assertThat(r.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(r.reasons().get(0)).isEqualTo("tcp 198.18.0.1:25 (owner unknown) is reachable: inbound 25 is ipv4 OPEN "
                + "(P25-001)");
    }

    @Test
    void aWildcardListenerTheFirewallVerifiablyBlocksOnBothFamiliesIsAWarning() throws Exception {
        StatusReport r = status("legacy-drop-under-nft-accept", tcp("::", 1));
        assertThat(r.verdict()).isEqualTo(Verdict.WARNING);
        assertThat(r.reasons()).containsExactly("tcp [::]:25 (owner unknown) listens beyond loopback; the firewall blocks "
                + "inbound 25 on ipv4 and ipv6 (P25-001)");
        assertThat(status("iptables-nft-ipv4-only-drop", tcp("::", 1)).verdict()).as("IPv6 still open")
                .isEqualTo(Verdict.CRITICAL);
    }

    @Test
    void anUnreadableFirewallIsNeverOk() throws Exception {
        assertThat(status(null).verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(status(null, tcp("127.0.0.1", 1)).verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(status(null, tcp("0.0.0.0", 1)).verdict()).as("not verifiably blocked").isEqualTo(Verdict.CRITICAL);
    }

    @Test
    void udpBeyondLoopbackIsAWarningAndTcpStillWins() throws Exception {
        assertThat(status("legacy-drop-under-nft-accept", listener(Protocol.UDP, "0.0.0.0", 1)).verdict())
                .isEqualTo(Verdict.WARNING);
        StatusReport both = status("no-rules", listener(Protocol.UDP, "0.0.0.0", 1), tcp("10.0.0.1", 2));
        assertThat(both.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(both.reasons().get(0)).startsWith("tcp 10.0.0.1:25");
    }

    @ParameterizedTest
    @CsvSource({"OK, 0", "WARNING, 1", "CRITICAL, 2", "UNKNOWN, 3"})
    void exitCodesFollowTheMonitoringPluginConvention(Verdict verdict, int code) {
        assertThat(ExitCodes.of(verdict)).isEqualTo(code);
    }
}
