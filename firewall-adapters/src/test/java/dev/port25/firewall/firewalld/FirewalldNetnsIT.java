package dev.port25.firewall.firewalld;

import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallSelector;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.testing.ForeignRules;
import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.port25.firewall.testing.PacketLab.converge;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The firewalld adapter against a real firewalld (nftables backend) on a private D-Bus in the
 * server namespace, proven by TCP connections from a peer namespace.
 */
@Tag("netns")
class FirewalldNetnsIT {

    private static final Desired CLOSED = Desired.of(25, new Inbound.Closed());

    @BeforeEach
    void prerequisites() {
        Prerequisites.require("ip", "firewalld", "firewall-cmd", "dbus-daemon", PacketLab.PYTHON);
    }

    @Test
    void closeSurvivesReloadAllowFromAndOpenProvenByPackets() throws Exception {
        try (PacketLab lab = PacketLab.start("fwd"); FirewalldLab fw = FirewalldLab.start(lab.server())) {
            // The default zone (public) applies; let 25 in there as an admin would on a mail server.
            fw.runner().run("firewall-cmd", "--add-port=25/tcp");
            fw.runner().run("firewall-cmd", "--permanent", "--add-port=25/tcp");
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");
            String foreign = ForeignRules.snapshot("firewalld", fw.runner());
            assertThat(foreign).contains("ports: 25/tcp");

            FirewallSelector.Selection s = new FirewallSelector().select(fw.runner(), Optional.empty());
            assertThat(s.adapter().id()).as("a running firewalld wins selection").isEqualTo("firewalld");
            FirewallAdapter firewalld = s.adapter();

            converge(firewalld, CLOSED);
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");
            ApplyResult again = firewalld.apply(firewalld.plan(firewalld.state(), CLOSED));
            assertThat(again.ran()).as("applying the same desired state twice runs nothing").isEmpty();

            // Runtime and permanent alike: a reload keeps the block.
            assertThat(fw.runner().run("firewall-cmd", "--reload").ok()).isTrue();
            assertThat(firewalld.plan(firewalld.state(), CLOSED).isEmpty()).isTrue();
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");

            // Drift in the runtime only: repaired in the runtime only.
            String rule = "rule priority=\"-25024\" family=\"ipv4\" port port=\"25\" protocol=\"tcp\" drop";
            assertThat(fw.runner().run("firewall-cmd", "--zone=public", "--remove-rich-rule=" + rule).ok()).isTrue();
            assertThat(lab.probe(PacketLab.SERVER4)).isEqualTo("open");
            assertThat(firewalld.plan(firewalld.state(), CLOSED).changes()).singleElement()
                    .satisfies(c -> assertThat(c.commands()).singleElement()
                            .satisfies(cmd -> assertThat(cmd.argv()).doesNotContain("--permanent")));
            converge(firewalld, CLOSED);
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");

            converge(firewalld, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse(PacketLab.PEER6)))));
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=open");

            // OPEN removes only ours: the admin's port 25 stays open in the zone.
            converge(firewalld, Desired.of(25, new Inbound.Open()));
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");
            assertThat(fw.runner().run("firewall-cmd", "--permanent", "--list-ports").stdout()).contains("25/tcp");
            assertThat(firewalld.state().ownedRules()).isEmpty();
            assertThat(ForeignRules.snapshot("firewalld", fw.runner())).as("foreign rules byte-identical")
                    .isEqualTo(foreign);

            // Without the admin's port the zone itself rejects 25: OPEN converges (ours are gone)
            // and names the foreign rule that still keeps it closed.
            converge(firewalld, CLOSED);
            assertThat(fw.runner().run("firewall-cmd", "--remove-port=25/tcp").ok()).isTrue();
            ApplyResult open = firewalld.apply(firewalld.plan(firewalld.state(), Desired.of(25, new Inbound.Open())));
            assertThat(open.converged()).isTrue();
            // Linux reports ICMP host-prohibited as EHOSTUNREACH, ICMPv6 administratively prohibited as EACCES
            assertThat(lab.probeBoth()).isEqualTo("ipv4=unreachable ipv6=denied");
            assertThat(open.unmet()).hasSize(2).allSatisfy(u -> assertThat(u)
                    .contains("wanted OPEN, all layers give CLOSED",
                            "nftables inet firewalld filter_IN_public: reject with icmpx admin-prohibited"));
        }
    }

    @Test
    void egressBlockedExceptTheRelayProvenFromTheServer() throws Exception {
        try (PacketLab lab = PacketLab.start("fwde"); FirewalldLab fw = FirewalldLab.start(lab.server())) {
            FirewallAdapter firewalld = new FirewallSelector().select(fw.runner(), Optional.of("firewalld")).adapter();
            lab.proveEgress(firewalld);
            // The direct rules are in the permanent configuration too: a reload keeps the block.
            converge(firewalld, new Desired(Map.of()).withOutbound(25,
                    new Outbound.BlockedExcept(List.of())));
            assertThat(fw.runner().run("firewall-cmd", "--reload").ok()).isTrue();
            assertThat(lab.probeFromServer(PacketLab.PEER6)).isEqualTo("refused");
            assertThat(firewalld.plan(firewalld.state(), new Desired(Map.of()).withOutbound(25,
                    new Outbound.BlockedExcept(List.of()))).isEmpty()).isTrue();
        }
    }
}
