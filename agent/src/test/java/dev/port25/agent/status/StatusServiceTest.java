package dev.port25.agent.status;

import dev.port25.agent.cli.ExitCodes;
import dev.port25.agent.inventory.Addresses;
import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.policy.Verdict;
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
        return new Listener(protocol, family, Addresses.of(raw), 25,
                Optional.of(family == Family.IPV6 && !address.equals("::")), Optional.empty(),
                OptionalInt.of(0), OptionalLong.of(inode), List.of(owners),
                owners.length == 0 ? Optional.of("owner not visible: test") : Optional.empty());
    }

    static Inventory inventory(Listener... listeners) {
        return new Inventory(InventorySource.NETLINK, Set.of(25), List.of(listeners), List.of());
    }

    @Test
    void nothingListeningIsOk() {
        StatusReport r = StatusService.evaluate(inventory());
        assertThat(r.verdict()).isEqualTo(Verdict.OK);
        assertThat(r.reasons()).containsExactly("nothing listens on port 25");
    }

    @Test
    void loopbackOnlyIsOk() throws Exception {
        StatusReport r = StatusService.evaluate(inventory(tcp("127.0.0.1", 1), tcp("::1", 2),
                listener(Protocol.UDP, "127.0.0.1", 3)));
        assertThat(r.verdict()).isEqualTo(Verdict.OK);
        assertThat(r.reasons()).containsExactly("every listener on port 25 is loopback-only");
    }

    @Test
    void tcpBeyondLoopbackIsCriticalWithTheListenerNamed() throws Exception {
        StatusReport r = StatusService.evaluate(inventory(tcp("127.0.0.1", 1), tcp("198.18.0.1", 2)));
        assertThat(r.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(r.reasons()).containsExactly(
                "tcp 198.18.0.1:25 accepts connections from beyond this host (ADDRESS reserved, over ipv4)");
    }

    @Test
    void dualStackWildcardIsCriticalOverBothFamilies() throws Exception {
        StatusReport r = StatusService.evaluate(inventory(tcp("::", 1)));
        assertThat(r.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(r.reasons().get(0)).contains("WILDCARD, over ipv4 and ipv6");
    }

    @Test
    void udpBeyondLoopbackIsAWarningAndTcpStillWins() throws Exception {
        assertThat(StatusService.evaluate(inventory(listener(Protocol.UDP, "0.0.0.0", 1))).verdict())
                .isEqualTo(Verdict.WARNING);
        StatusReport both = StatusService.evaluate(inventory(listener(Protocol.UDP, "0.0.0.0", 1), tcp("10.0.0.1", 2)));
        assertThat(both.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(both.reasons()).hasSize(2);
        assertThat(both.reasons().get(0)).startsWith("tcp 10.0.0.1:25");
    }

    @ParameterizedTest
    @CsvSource({"OK, 0", "WARNING, 1", "CRITICAL, 2", "UNKNOWN, 3"})
    void exitCodesFollowTheMonitoringPluginConvention(Verdict verdict, int code) {
        assertThat(ExitCodes.of(verdict)).isEqualTo(code);
    }
}
