package dev.port25.firewall.ufw;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.port25.firewall.testing.PacketLab.converge;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ufw adapter against real ufw in a server namespace with its own /etc/ufw and /etc/default,
 * proven by TCP connections from a peer namespace.
 */
@Tag("netns")
class UfwNetnsIT {

    private static final Desired CLOSED = Desired.of(25, new Inbound.Closed());

    @BeforeEach
    void prerequisites() {
        Prerequisites.require("ip", "ufw", "iptables", PacketLab.PYTHON);
    }

    @Test
    void closeAllowFromRepairAndOpenProvenByPackets() throws Exception {
        try (PacketLab lab = PacketLab.start("ufw")) {
            UfwLab.ownUfwConfig(lab.server());
            FirewallAdapter ufw = lab.adapter("ufw");
            assertThat(ufw.detect().active()).as(ufw.detect().detail()).isTrue();
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");

            // An admin rule that allows 25: ours goes above it and wins.
            lab.server().ok("ufw", "allow", "25/tcp");
            lab.server().ok("ufw", "deny", "26/tcp");
            CommandRunner inside = CommandRunner.inNetworkNamespace(lab.server().name());
            String foreign = ForeignRules.snapshot("ufw", inside);
            assertThat(foreign).contains("26/tcp", "DENY IN", "ufw-before-input");
            converge(ufw, CLOSED);
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");
            ApplyResult again = ufw.apply(ufw.plan(ufw.state(), CLOSED));
            assertThat(again.ran()).as("applying the same desired state twice runs nothing").isEmpty();

            // 'ufw reload' rebuilds its chains from the rule files, ours included.
            lab.server().ok("ufw", "reload");
            assertThat(ufw.plan(ufw.state(), CLOSED).isEmpty()).isTrue();
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");

            // ALLOW_FROM: the peer's IPv6 address only.
            converge(ufw, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse(PacketLab.PEER6)))));
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=open");

            // Drift: someone deletes our first rule; the plan puts our rules back on top.
            lab.server().ok("ufw", "--force", "delete", "1");
            assertThat(ufw.plan(ufw.state(), Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse(PacketLab.PEER6)))))
                    .isEmpty()).isFalse();
            converge(ufw, CLOSED);
            assertThat(lab.probeBoth()).isEqualTo("ipv4=timeout ipv6=timeout");

            // OPEN deletes ours by number; the admin's 'allow 25/tcp' is still there and now decides.
            converge(ufw, Desired.of(25, new Inbound.Open()));
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=open");
            String status = lab.server().ok("ufw", "status").stdout();
            assertThat(status).doesNotContain("port25-agent").contains("25/tcp", "ALLOW");
            assertThat(ForeignRules.snapshot("ufw", inside)).as("foreign rules byte-identical").isEqualTo(foreign);
        }
    }

    /** ufw with IPV6=no drops every IPv6 packet whatever its rules say, and detection says so. */
    @Test
    void ipv6DisabledInUfwIsReportedAndDropsIpv6() throws Exception {
        try (PacketLab lab = PacketLab.start("ufw6")) {
            UfwLab.ownInactiveUfwConfig(lab.server());
            Path defaults = lab.server().etcOverlay().resolve("default/ufw");
            Files.writeString(defaults,
                    Files.readString(defaults).replaceAll("(?m)^IPV6=.*$", "IPV6=no"));
            lab.server().ok("ufw", "--force", "enable");
            lab.server().ok("ufw", "default", "allow", "incoming");
            FirewallAdapter ufw = lab.adapter("ufw");
            assertThat(ufw.detect().detail()).contains("IPV6=no", "drops all IPv6");
            Desired both = Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse(PacketLab.PEER4),
                    Cidr.parse(PacketLab.PEER6))));
            ApplyResult r = ufw.apply(ufw.plan(ufw.state(), both));
            assertThat(r.converged()).as("ufw's own rules are as wanted").isTrue();
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=timeout");
            assertThat(r.unmet()).as("the layers show IPv6 closed whatever ufw's rules say").singleElement()
                    .satisfies(u -> assertThat(u).startsWith("ipv6 tcp port 25: wanted RESTRICTED")
                            .contains("all layers give CLOSED", "iptables-nft ipv6 filter INPUT: policy DROP"));
            assertThat(ufw.state().ownedRules()).allMatch(l -> l.startsWith("ipv4#"));
        }
    }

    @Test
    void egressBlockedExceptTheRelayProvenFromTheServer() throws Exception {
        try (PacketLab lab = PacketLab.start("ufwe")) {
            UfwLab.ownUfwConfig(lab.server());
            lab.proveEgress(lab.adapter("ufw"));
        }
    }
}
