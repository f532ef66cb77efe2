package dev.port25.firewall.windows;

import dev.port25.firewall.eval.Decision;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.Packet;
import dev.port25.firewall.eval.RuleRef;
import dev.port25.firewall.eval.Verdict;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.spi.Applier;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.port25.firewall.eval.Exposure.Level.CLOSED;
import static dev.port25.firewall.eval.Exposure.Level.OPEN;
import static dev.port25.firewall.eval.Exposure.Level.RESTRICTED;
import static dev.port25.firewall.eval.Exposure.Level.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Windows Defender Firewall's evaluation over states written by hand (no Windows here; see
 * src/test/resources/windows/README.md): block beats allow, a profile off, local rules
 * disallowed, inbound rules disallowed, the complement an ALLOW_FROM is written as, and the
 * conditions only the host knows, which give UNKNOWN naming the rule.
 */
class WindowsFilterHandWrittenTest {

    private static Exposure v4(WindowsState s) {
        return s.packetFilter().exposure(IpFamily.IPV4, 25);
    }

    private static Exposure v6(WindowsState s) {
        return s.packetFilter().exposure(IpFamily.IPV6, 25);
    }

    private static List<String> texts(Exposure e) {
        return e.decidedBy().stream().map(RuleRef::toString).toList();
    }

    @Test
    void anAllowRuleOpensThePortOnBothFamiliesAndIsNamedWithItsStore() {
        WindowsState open = WindowsRecordedStates.state("port25-open");
        for (Exposure e : List.of(v4(open), v6(open))) {
            assertThat(e.level()).as(e.toString()).isEqualTo(OPEN);
            assertThat(texts(e)).containsExactly("windows ActiveStore from PersistentStore: "
                    + "{6F5B5A1C-0C2B-4E8E-9C3A-5D0B9E2A7F11} \"SMTP Server (TCP-In)\": Allow inbound TCP 25 from Any "
                    + "profile Any");
        }
        // the Group Policy RDP rule allows 3389 from 10/8 only; a UDP rule never matches TCP
        Exposure rdp = open.packetFilter().exposure(IpFamily.IPV4, 3389);
        assertThat(rdp.level()).isEqualTo(UNKNOWN); // its program and service are the listener's, not known here
        assertThat(rdp.notes()).anyMatch(n -> n.contains("RemoteDesktop-UserMode-In-TCP")
                && n.contains("the listening program is %SystemRoot%\\system32\\svchost.exe")
                && n.contains("CONTOSO\\Servers Baseline"));
        assertThat(open.packetFilter().exposure(IpFamily.IPV4, 68).level()).isEqualTo(CLOSED);
    }

    @Test
    void aBlockRuleBeatsEveryAllowRule() {
        WindowsState closed = WindowsRecordedStates.state("port25-closed");
        for (Exposure e : List.of(v4(closed), v6(closed))) {
            assertThat(e.level()).isEqualTo(CLOSED);
            assertThat(texts(e)).containsExactly("windows ActiveStore from PersistentStore: port25-agent-in-tcp-25 "
                    + "\"port25-agent: block inbound TCP 25\": Block inbound TCP 25 from Any profile Any");
        }
        WindowsState foreign = WindowsRecordedStates.state("foreign-rule");
        assertThat(v4(foreign).level()).isEqualTo(CLOSED);
        assertThat(texts(v4(foreign))).hasSize(1).allMatch(t -> t.contains("\"Block SMTP\""));
    }

    @Test
    void loopbackIsNeverFilteredByTheRules() {
        WindowsState closed = WindowsRecordedStates.state("port25-closed");
        for (String local : List.of("127.0.0.1", "127.3.2.1", "::1")) {
            Decision d = closed.packetFilter().decide(new Packet(IpAddresses.parse(local), Optional.empty(), 25));
            assertThat(d.verdict()).as(local).isEqualTo(Verdict.ACCEPT);
            assertThat(d.decidedBy()).map(RuleRef::toString).contains("windows: loopback: firewall rules do not apply to it");
        }
        assertThat(closed.packetFilter().decide(new Packet(IpAddresses.parse("198.18.0.9"), Optional.empty(), 25))
                .verdict()).isEqualTo(Verdict.DROP);
    }

    @Test
    void aProfileWithTheFirewallOffOrAnExcludedInterfaceLetsEverythingIn() {
        WindowsState off = new HandWrittenPolicy().profile("Public", "enabled", 0).rule("port25-agent-in-tcp-25")
                .and().state();
        assertThat(v4(off).level()).isEqualTo(OPEN);
        assertThat(texts(v4(off))).containsExactly("windows profile Public: the firewall is off in this profile "
                + "(Enabled False)");
        // the firewall off in a profile no connection is in changes nothing
        WindowsState otherOff = new HandWrittenPolicy().profile("Domain", "enabled", 0).rule("block").and().state();
        assertThat(v4(otherOff).level()).isEqualTo(CLOSED);

        WindowsState excluded = new HandWrittenPolicy().disabledInterface("Public", "Ethernet").rule("block").and()
                .state();
        assertThat(v6(excluded).level()).isEqualTo(OPEN);
        assertThat(texts(v6(excluded))).containsExactly("windows profile Public: interface Ethernet is excluded from "
                + "the firewall (DisabledInterfaceAliases)");
    }

    @Test
    void groupPolicyThatDisallowsLocalRulesVoidsTheAgentsRule() {
        WindowsState s = new HandWrittenPolicy().profile("Public", "allowLocalFirewallRules", 0)
                .rule("port25-agent-in-tcp-25").group("port25-agent").and()
                .rule("GPO SMTP").allow().gpo("CONTOSO\\Mail").and().state();
        Exposure e = v4(s);
        assertThat(e.level()).isEqualTo(OPEN);
        assertThat(texts(e)).containsExactly("windows ActiveStore from CONTOSO\\Mail: GPO SMTP: Allow inbound TCP 25 "
                + "from Any profile Any");
        assertThat(e.notes()).contains("ignored: rule port25-agent-in-tcp-25 (port25-agent-in-tcp-25, from "
                + "PersistentStore): Group Policy disallows local rules in the Public profile "
                + "(AllowLocalFirewallRules False)");
        // what enforce's apply then reports: the port is not closed, and why
        List<String> unmet = Applier.unmet(Desired.of(25, new Inbound.Closed()), s.packetFilter());
        assertThat(unmet).hasSize(2).allMatch(l -> l.contains("wanted CLOSED, all layers give OPEN")
                && l.contains("decided by windows ActiveStore from CONTOSO\\Mail: GPO SMTP")
                && l.contains("AllowLocalFirewallRules False"));
        // a local allow is voided the same way: the default decides
        WindowsState localAllow = new HandWrittenPolicy().profile("Public", "allowLocalFirewallRules", 0)
                .rule("smtp").allow().and().state();
        assertThat(v4(localAllow).level()).isEqualTo(CLOSED);
        assertThat(texts(v4(localAllow))).containsExactly("windows profile Public: default inbound action Block");
    }

    @Test
    void shieldsUpIgnoresInboundAllowRules() {
        WindowsState s = new HandWrittenPolicy().profile("Public", "allowInboundRules", 0).rule("smtp").allow().and()
                .state();
        assertThat(v4(s).level()).isEqualTo(CLOSED);
        assertThat(v4(s).notes()).anyMatch(n -> n.contains("AllowInboundRules False"));
        WindowsState defaultAllow = new HandWrittenPolicy().profile("Public", "defaultInboundAction", 2).state();
        assertThat(v6(defaultAllow).level()).isEqualTo(OPEN);
        assertThat(texts(v6(defaultAllow))).containsExactly("windows profile Public: default inbound action Allow");
    }

    @Test
    void allowFromIsOneBlockOverTheComplementAndLeavesExactlyTheAllowedNetworksIn() {
        Desired desired = Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("198.18.0.0/15"),
                Cidr.parse("fd00::/8"))));
        OwnedRules.Want want = OwnedRules.wanted(desired).get("port25-agent-in-tcp-25");
        assertThat(want.remote()).containsExactly("0.0.0.0-198.17.255.255", "198.20.0.0-255.255.255.255",
                "::-fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        OwnedRules.Want allow = OwnedRules.wanted(desired).get("port25-agent-in-tcp-25-allow");
        assertThat(allow.remote()).containsExactly("198.18.0.0/15", "fd00::/8");
        // the state after both are written, on a host whose default blocks and with an MTA's allow for everyone
        WindowsState s = new HandWrittenPolicy().rule(want.name()).group("port25-agent")
                .remote(want.remote().toArray(String[]::new)).and()
                .rule(allow.name()).group("port25-agent").allow().remote(allow.remote().toArray(String[]::new)).and()
                .state();
        assertThat(v4(s).level()).isEqualTo(RESTRICTED);
        assertThat(v4(s).allowedFrom()).containsExactly(Cidr.parse("198.18.0.0/15"));
        assertThat(v6(s).allowedFrom()).containsExactly(Cidr.parse("fd00::/8"));
        assertThat(Applier.unmet(desired, s.packetFilter())).isEmpty();

        Decision in = s.packetFilter().decide(new Packet(IpAddresses.parse("198.19.0.7"), Optional.empty(), 25));
        assertThat(in.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(in.decidedBy().orElseThrow().text()).startsWith("port25-agent-in-tcp-25-allow: Allow inbound");
        // an MTA's own allow for everyone does not widen it: the block beats it
        WindowsState withMta = new HandWrittenPolicy().rule("smtp").allow().and().rule(want.name())
                .group("port25-agent").remote(want.remote().toArray(String[]::new)).and().state();
        assertThat(v4(withMta).allowedFrom()).containsExactly(Cidr.parse("198.18.0.0/15"));
        Decision out = s.packetFilter().decide(new Packet(IpAddresses.parse("203.0.113.9"), Optional.empty(), 25));
        assertThat(out.verdict()).isEqualTo(Verdict.DROP);
        assertThat(out.decidedBy().orElseThrow().text()).startsWith("port25-agent-in-tcp-25: Block inbound");
        // a family with no allowed network is closed whole
        assertThat(OwnedRules.wanted(Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("10.1.2.3/32")))))
                .get("port25-agent-in-tcp-25").remote()).containsExactly("0.0.0.0-10.1.2.2",
                "10.1.2.4-255.255.255.255", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    }

    @Test
    void addressKeywordsProgramsAndServicesThatWouldDecideGiveUnknownNamingTheRule() {
        WindowsState keyword = new HandWrittenPolicy().rule("smtp").allow().and().rule("lan-only").remote("LocalSubnet")
                .and().state();
        assertThat(v4(keyword).level()).isEqualTo(UNKNOWN);
        assertThat(v4(keyword).notes()).anyMatch(n -> n.contains("rule lan-only") && n.contains("LocalSubnet"));
        // a keyword limited to IPv6 leaves IPv4 decided
        WindowsState six = new HandWrittenPolicy().rule("smtp").allow().and().rule("v6-lan").remote("LocalSubnet6")
                .and().state();
        assertThat(v4(six).level()).isEqualTo(OPEN);
        assertThat(v6(six).level()).isEqualTo(UNKNOWN);

        // a block over dynamic keyword addresses (their addresses are not read) is no block from Any
        for (WindowsState dynamic : List.of(
                new HandWrittenPolicy().rule("smtp").allow().and().rule("blocklist").dynamicKeywords(
                        "{01234567-89ab-cdef-0123-456789abcdef}").and().state(),
                new HandWrittenPolicy().rule("smtp").allow().and().rule("blocklist").ruleDynamicKeywords(
                        "{01234567-89ab-cdef-0123-456789abcdef}", "").and().state())) {
            for (Exposure e : List.of(v4(dynamic), v6(dynamic))) {
                assertThat(e.level()).as(e.toString()).isEqualTo(UNKNOWN);
                assertThat(e.notes()).anyMatch(n -> n.contains("rule blocklist")
                        && n.contains("DynamicKeyword {01234567-89ab-cdef-0123-456789abcdef} (a dynamic keyword address"));
            }
        }
        WindowsState empty = new HandWrittenPolicy().rule("smtp").allow().and().rule("blocklist").dynamicKeywords()
                .ruleDynamicKeywords("", "NotAKeywordId").and().state();
        assertThat(v4(empty).level()).as("no keyword id named: the rule's own addresses (Any) decide").isEqualTo(CLOSED);

        WindowsState program = new HandWrittenPolicy().rule("mta").allow().program("C:\\Mail\\smtpd.exe").and().state();
        assertThat(v4(program).level()).isEqualTo(UNKNOWN);
        assertThat(v4(program).notes()).anyMatch(n -> n.contains("rule mta")
                && n.contains("the listening program is C:\\Mail\\smtpd.exe"));
        WindowsState service = new HandWrittenPolicy().rule("smtp").allow().and().rule("svc").service("SMTPSVC").and()
                .state();
        assertThat(v4(service).level()).isEqualTo(UNKNOWN);
        assertThat(v4(service).notes()).anyMatch(n -> n.contains("the listening service is SMTPSVC"));
        // a program-limited block cannot open anything: with no allow, the default still closes
        WindowsState blockOnly = new HandWrittenPolicy().rule("svc").service("SMTPSVC").and().state();
        assertThat(v4(blockOnly).level()).isEqualTo(CLOSED);
        // a local address, an interface type: the same
        assertThat(v4(new HandWrittenPolicy().rule("smtp").allow().local("192.0.2.10").and().state()).level())
                .isEqualTo(UNKNOWN);
        assertThat(v4(new HandWrittenPolicy().rule("smtp").allow().interfaceType("Wireless").and().state()).level())
                .isEqualTo(UNKNOWN);
    }

    @Test
    void rulesThatDoNotApplyAreLeftOut() {
        WindowsState s = new HandWrittenPolicy()
                .rule("disabled-allow").allow().disabled().and()
                .rule("udp-allow").allow().protocol("UDP").and()
                .rule("other-port").allow().localPort("587").and()
                .rule("private-only").allow().profiles(2).and()
                .rule("ipsec-only").allow().authentication("Required").and()
                .rule("bypass").bypass().and()
                .rule("rpc").allow().localPort("RPC").and()
                .rule("other-interface").allow().interfaceAlias("Wi-Fi").and()
                .rule("outbound-allow").allow().outbound().and().state();
        Exposure e = v4(s);
        assertThat(e.level()).as(e.toString()).isEqualTo(CLOSED);
        assertThat(texts(e)).containsExactly("windows profile Public: default inbound action Block");
        assertThat(e.notes()).anyMatch(n -> n.contains("ipsec-only") && n.contains("IPsec-authenticated peers only"));
        // a range and a protocol number match
        assertThat(v4(new HandWrittenPolicy().rule("range").allow().protocol("6").localPort("20-30").and().state())
                .level()).isEqualTo(OPEN);
        // a dynamic port keyword may be any port above 1023
        assertThat(new HandWrittenPolicy().rule("rpc").allow().localPort("RPC").and().state().packetFilter()
                .exposure(IpFamily.IPV4, 49152).level()).isEqualTo(UNKNOWN);
    }

    @Test
    void aRuleWindowsDoesNotEnforceOrWhoseFiltersWereNotAllReadDecidesNothingForSure() {
        WindowsState categoryOff = new HandWrittenPolicy().rule("smtp").allow().and()
                .rule("block").enforcement("CategoryOff").and().state();
        assertThat(v4(categoryOff).level()).isEqualTo(UNKNOWN);
        assertThat(v4(categoryOff).notes()).anyMatch(n -> n.contains("rule block")
                && n.contains("Windows enforces it (its EnforcementStatus is CategoryOff)"));
        // a block that lost its port filter is no block of every port
        WindowsState noPorts = new HandWrittenPolicy().rule("smtp").allow().and().rule("block").without("portFilters")
                .and().state();
        assertThat(v4(noPorts).level()).isEqualTo(UNKNOWN);
        assertThat(v4(noPorts).notes()).anyMatch(n -> n.contains("its port filter was not read"));
        WindowsState twice = new HandWrittenPolicy().rule("smtp").allow().and().rule("block").twice("addressFilters")
                .and().state();
        assertThat(v4(twice).notes()).anyMatch(n -> n.contains("2 address filters share its InstanceID"));
        assertThat(v4(twice).level()).isEqualTo(UNKNOWN);
    }

    @Test
    void rulesFromIntuneOrAnUnknownOriginAreNeverLocal() {
        WindowsState s = new HandWrittenPolicy().profile("Public", "allowLocalFirewallRules", 0)
                .rule("mdm-block").source(6, "MDM").and().rule("host-block").source(9, "").and().state();
        assertThat(s.policy().rules()).extracting(WindowsPolicy.FwRule::source)
                .containsExactly(WindowsPolicy.Source.MDM, WindowsPolicy.Source.OTHER);
        assertThat(v4(s).level()).isEqualTo(CLOSED);
        assertThat(texts(v4(s))).containsExactly("windows ActiveStore from MDM: mdm-block: Block inbound TCP 25 from Any "
                + "profile Any");
    }

    @Test
    void excludedInterfacesMakeAVerdictWithoutTheConnectionsUnknown() {
        WindowsState s = new HandWrittenPolicy().connections().disabledInterface("Public", "Ethernet 2").rule("block")
                .and().state();
        assertThat(v4(s).level()).isEqualTo(UNKNOWN);
        assertThat(v4(s).notes()).anyMatch(n -> n.contains("excludes Ethernet 2"));
    }

    @Test
    void eachProfileInUseIsJudgedAndTheyAreShownWhenTheyDisagree() {
        WindowsState s = new HandWrittenPolicy().connections("Ethernet", 0, "Wi-Fi", 1)
                .rule("smtp-private").allow().profiles(2).and().state();
        Exposure e = v4(s);
        assertThat(e.level()).isEqualTo(OPEN); // some network lets everyone in
        assertThat(e.byInterface()).isEqualTo(Map.of("Ethernet (Public)", CLOSED, "Wi-Fi (Private)", OPEN));
        Decision d = s.packetFilter().decide(new Packet(IpAddresses.parse("203.0.113.9"), Optional.empty(), 25));
        assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(d.notes().get(0)).contains("Ethernet (Public) DROP", "Wi-Fi (Private) ACCEPT");
        Decision onWifi = s.packetFilter().decide(new Packet(IpAddresses.parse("203.0.113.9"), Optional.of("Wi-Fi"),
                25));
        assertThat(onWifi.verdict()).isEqualTo(Verdict.ACCEPT);
        // no connection read: every profile could be the one
        WindowsState none = new HandWrittenPolicy().connections().rule("smtp-private").allow().profiles(2).and().state();
        assertThat(v4(none).byInterface()).containsOnlyKeys("(Domain profile)", "(Private profile)", "(Public profile)");
    }

    @Test
    void aPartNotReadMakesEveryAcceptUnknown() {
        WindowsState s = new HandWrittenPolicy().error("network connection profiles: access denied").rule("smtp")
                .allow().and().state();
        assertThat(s.packetFilter().unread()).containsExactly("network connection profiles: access denied");
        assertThat(v4(s).level()).isEqualTo(UNKNOWN);
        assertThat(v4(s).notes()).contains("not read: network connection profiles: access denied");
        // a block is a block whatever was not read
        WindowsState blocked = new HandWrittenPolicy().error("x").rule("block").and().state();
        assertThat(v4(blocked).level()).isEqualTo(CLOSED);
    }

    @Test
    void egressIsBlockedExceptTheRelays() {
        Desired desired = new Desired(Map.of()).withOutbound(25, new Outbound.BlockedExcept(
                List.of(Cidr.parse("192.0.2.25/32"))));
        OwnedRules.Want want = OwnedRules.wanted(desired).get("port25-agent-out-tcp-25");
        assertThat(want.inbound()).isFalse();
        WindowsState s = new HandWrittenPolicy().rule(want.name()).group("port25-agent").outbound()
                .remote(want.remote().toArray(String[]::new)).and().state();
        Exposure v4 = s.packetFilter().egress(IpFamily.IPV4, 25);
        assertThat(v4.level()).isEqualTo(RESTRICTED);
        assertThat(v4.allowedFrom()).containsExactly(Cidr.parse("192.0.2.25/32"));
        assertThat(s.packetFilter().egress(IpFamily.IPV6, 25).level()).isEqualTo(CLOSED);
        assertThat(Applier.unmet(desired, s.packetFilter())).isEmpty();
        // without it, the default outbound action lets everything out
        assertThat(new HandWrittenPolicy().state().packetFilter().egress(IpFamily.IPV4, 25).level()).isEqualTo(OPEN);
    }

    @Test
    void whatWasReadIsListedByStore() {
        assertThat(WindowsRecordedStates.state("port25-open").packetFilter().tableNames()).containsExactly(
                "windows ActiveStore profiles Domain, Private, Public",
                "windows ActiveStore rules from PersistentStore (2)",
                "windows ActiveStore rules from CONTOSO\\Servers Baseline (1)");
        assertThat(WindowsRecordedStates.state("port25-open").packetFilter().publishedTo(25)).isEmpty();
    }
}
