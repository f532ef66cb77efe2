package dev.port25.firewall.nftables;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.testing.ForeignRules;
import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.port25.firewall.testing.PacketLab.converge;
import static org.assertj.core.api.Assertions.assertThat;

/** The nftables adapter against real nft, proven by TCP connections from a peer namespace. */
@Tag("netns")
class NftablesNetnsIT {

    private static final Desired CLOSED = Desired.of(25, new Inbound.Closed());

    @BeforeEach
    void prerequisites() {
        Prerequisites.require("ip", "nft", PacketLab.PYTHON);
    }

    @Test
    void closeOpenAllowFromAndRepairDriftProvenByPackets() throws Exception {
        try (PacketLab lab = PacketLab.start("nft")) {
            FirewallAdapter nft = lab.adapter("nftables");
            assertThat(nft.detect().active()).as(nft.detect().detail()).isTrue();
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");
            // An admin's table for another port, which must come out of all of this byte-identical.
            lab.server().ok("nft", "add", "table", "inet", "admin");
            lab.server().ok("nft", "add", "chain", "inet", "admin", "input",
                    "{ type filter hook input priority 0; policy accept; }");
            lab.server().ok("nft", "add", "rule", "inet", "admin", "input", "tcp", "dport", "26", "drop");
            CommandRunner inside = CommandRunner.inNetworkNamespace(lab.server().name());
            String foreign = ForeignRules.snapshot("nftables", inside);
            assertThat(foreign).contains("tcp dport 26 drop");

            converge(nft, CLOSED);
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");
            ApplyResult again = nft.apply(nft.plan(nft.state(), CLOSED));
            assertThat(again.ran()).as("applying the same desired state twice runs nothing").isEmpty();

            // Drift: someone empties our chain; the state shows it and a new plan restores it.
            lab.server().ok("nft", "flush", "chain", "inet", "port25_agent", "input");
            assertThat(lab.probe(PacketLab.SERVER4)).isEqualTo("open");
            assertThat(nft.plan(nft.state(), CLOSED).changes()).hasSize(1);
            converge(nft, CLOSED);
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");

            // ALLOW_FROM: each family only from its listed networks; a family with none stays closed.
            converge(nft, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse(PacketLab.PEER6 + "/128")))));
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=open");
            converge(nft, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("198.18.25.0/24")))));
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=timeout");

            // A foreign table is never touched: OPEN removes only ours.
            converge(nft, Desired.of(25, new Inbound.Open()));
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");
            assertThat(lab.server().ok("nft", "list", "ruleset").stdout())
                    .doesNotContain("port25_agent").contains("table inet admin", "tcp dport 26 drop");
            assertThat(ForeignRules.snapshot("nftables", inside)).as("foreign rules byte-identical").isEqualTo(foreign);
        }
    }

    @Test
    void egressBlockedExceptTheRelayProvenFromTheServer() throws Exception {
        try (PacketLab lab = PacketLab.start("nfte")) {
            lab.proveEgress(lab.adapter("nftables"));
        }
    }
}
