package dev.port25.firewall.iptables;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.testing.ForeignRules;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.port25.firewall.testing.PacketLab.converge;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The iptables adapter against real iptables, once with {@code iptables} pointing to the nft
 * variant and once (through the namespace's own {@code /etc/alternatives}) to the legacy one,
 * proven by TCP connections from a peer namespace.
 */
@Tag("netns")
class IptablesNetnsIT {

    private static final Desired CLOSED = Desired.of(25, new Inbound.Closed());

    @BeforeEach
    void prerequisites() {
        Prerequisites.require("ip", "iptables-nft", "iptables-legacy", "ip6tables-legacy", PacketLab.PYTHON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nft", "legacy"})
    void closeRepairAllowFromAndOpenProvenByPackets(String variant) throws Exception {
        try (PacketLab lab = PacketLab.start("ipt-" + variant.charAt(0))) {
            Netns server = lab.server();
            if (variant.equals("legacy")) {
                IptablesLab.useVariant(server, "legacy");
            }
            FirewallAdapter ipt = lab.adapter("iptables");
            assertThat(ipt.detect().active()).as(ipt.detect().detail()).isTrue();
            assertThat(ipt.detect().version().orElseThrow()).endsWith("(" + variant + ")");
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");

            converge(ipt, CLOSED);
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");
            ApplyResult again = ipt.apply(ipt.plan(ipt.state(), CLOSED));
            assertThat(again.ran()).as("applying the same desired state twice runs nothing").isEmpty();
            assertThat(server.ok("iptables-" + variant + "-save").stdout())
                    .contains("-A INPUT -m comment --comment port25-agent -j PORT25-AGENT");

            // Drift: 'iptables -F' flushes INPUT and our chain; a new plan restores both families.
            server.ok("iptables", "-w", "-F");
            server.ok("ip6tables", "-w", "-F");
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");
            assertThat(ipt.plan(ipt.state(), CLOSED).changes()).hasSize(2);
            converge(ipt, CLOSED);
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");

            // An admin rule inserted above our jump (each family): the plan moves our jump back to the top.
            server.ok("iptables", "-w", "-I", "INPUT", "1", "-p", "tcp", "--dport", "26", "-j", "DROP");
            server.ok("ip6tables", "-w", "-I", "INPUT", "1", "-p", "tcp", "--dport", "26", "-j", "DROP");
            CommandRunner inside = CommandRunner.inNetworkNamespace(server.name());
            String foreign = ForeignRules.snapshot("iptables", inside);
            assertThat(foreign).contains("-A INPUT -p tcp -m tcp --dport 26 -j DROP");
            assertThat(ipt.plan(ipt.state(), CLOSED).changes()).hasSize(2);
            converge(ipt, CLOSED);

            // ALLOW_FROM: each family only from its listed networks.
            converge(ipt, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse(PacketLab.PEER6)))));
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=open");

            // OPEN removes our chain and jumps only; the admin's rule stays where it is.
            converge(ipt, Desired.of(25, new Inbound.Open()));
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");
            String saved = server.ok("iptables-" + variant + "-save").stdout();
            assertThat(saved).doesNotContain("PORT25-AGENT").contains("-A INPUT -p tcp -m tcp --dport 26 -j DROP");
            assertThat(ForeignRules.snapshot("iptables", inside)).as("foreign rules byte-identical").isEqualTo(foreign);
        }
    }

    @Test
    void rulesLeftInTheOtherVariantAreRemoved() throws Exception {
        try (PacketLab lab = PacketLab.start("ipt-o")) {
            Netns server = lab.server();
            server.ok("iptables-legacy", "-w", "-N", "PORT25-AGENT");
            server.ok("iptables-legacy", "-w", "-A", "PORT25-AGENT", "-p", "tcp", "--dport", "25", "-j", "DROP");
            server.ok("iptables-legacy", "-w", "-I", "INPUT", "1", "-m", "comment", "--comment", "port25-agent",
                    "-j", "PORT25-AGENT");
            assertThat(lab.probe(PacketLab.SERVER4)).isEqualTo("timeout");
            FirewallAdapter ipt = lab.adapter("iptables");
            assertThat(((IptablesState) ipt.state()).owned(IptablesVariant.LEGACY, false)).isNotEmpty();
            converge(ipt, Desired.of(25, new Inbound.Open()));
            assertThat(server.ok("iptables-legacy-save").stdout()).doesNotContain("PORT25-AGENT");
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nft", "legacy"})
    void egressBlockedExceptTheRelayProvenFromTheServer(String variant) throws Exception {
        try (PacketLab lab = PacketLab.start("ipte")) {
            IptablesLab.useVariant(lab.server(), variant);
            lab.proveEgress(lab.adapter("iptables"));
            if (variant.equals("nft")) {
                // a namespace without tables: iptables-nft made the filter tables for the agent's
                // chains, and they went with the chains (a legacy table cannot be deleted)
                assertThat(lab.server().ok("nft", "list", "ruleset").stdout())
                        .as("no table is left once the agent's chains are removed").isEmpty();
            }
        }
    }
}
