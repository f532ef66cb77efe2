package dev.port25.firewall.firewalld;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parser and plans over state recorded from firewalld 1.3.3 (see each case's source.txt). */
class FirewalldCasesTest {

    private final FirewalldRecordedStates recorded = new FirewalldRecordedStates();
    private final FirewalldAdapter adapter = (FirewalldAdapter) recorded.adapter();

    private static List<String> argv(Plan p) {
        return p.changes().stream().flatMap(c -> c.commands().stream()).map(c -> String.join(" ", c.argv())).toList();
    }

    @Test
    void withoutBoundInterfacesOnlyTheDefaultZoneApplies() throws Exception {
        FirewalldState s = recorded.load("port25-open");
        assertThat(s.defaultZone()).isEqualTo("public");
        assertThat(s.runtime()).containsKeys("block", "drop", "public", "trusted");
        assertThat(s.zonesInUse()).containsExactly("public");
        assertThat(argv(adapter.plan(s, Desired.of(25, new Inbound.Closed())))).containsExactly(
                // both families in one call per configuration, the runtime's first: it is what closes the port
                "firewall-cmd --zone=public --add-rich-rule=rule priority=\"-25024\" family=\"ipv4\" port port=\"25\" protocol=\"tcp\" drop"
                        + " --add-rich-rule=rule priority=\"-25024\" family=\"ipv6\" port port=\"25\" protocol=\"tcp\" drop",
                "firewall-cmd --permanent --zone=public --add-rich-rule=rule priority=\"-25024\" family=\"ipv4\" port port=\"25\" protocol=\"tcp\" drop"
                        + " --add-rich-rule=rule priority=\"-25024\" family=\"ipv6\" port port=\"25\" protocol=\"tcp\" drop");
    }

    /**
     * firewalld copies a packaged zone into /etc/firewalld/zones on its first permanent change
     * (the agent's rule) and keeps that copy when the rule goes. When the reader says the copy,
     * without the agent's rules, is the packaged zone, undo loads the zone's defaults again (found
     * by EnforceFuzzIT); while the agent's rules stay, or without that verdict, it does not.
     */
    @Test
    void undoLoadsThePackagedZoneAgainWhenItsCopyHeldNothingButTheAgentsRules() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json
                .readTree(FirewalldRecordedStates.read("port25-closed/state.json"));
        ((ObjectNode) root.path("permanent").path("public")).put("packagedCopy", true);
        FirewalldZones.Config c = FirewalldZones.parse(json.writeValueAsString(root));
        FirewalldState copied = new FirewalldState(true, c.defaultZone(), c.runtime(), c.permanent(), c.direct(),
                c.directPermanent(), Fixtures.LAYERS_NOT_RECORDED,
                    FirewalldRecordedStates.NFT_NOT_RECORDED);
        assertThat(c.permanent().get("public").packagedCopy()).isTrue();
        assertThat(c.runtime().get("public").packagedCopy()).isFalse();
        List<String> undo = argv(adapter.plan(copied, Desired.of(25, new Inbound.Open())));
        assertThat(undo).hasSize(3);
        assertThat(undo.get(1)).startsWith("firewall-cmd --permanent --zone=public --remove-rich-rule=");
        assertThat(undo.get(2)).isEqualTo("firewall-cmd --permanent --load-zone-defaults=public");
        assertThat(argv(adapter.plan(recorded.load("port25-closed"), Desired.of(25, new Inbound.Open()))))
                .as("no verdict that the copy is the packaged zone").noneMatch(a -> a.contains("load-zone-defaults"));
        assertThat(argv(adapter.plan(copied, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("fd00::/8")))))))
                .as("the agent's rules stay in the zone").noneMatch(a -> a.contains("load-zone-defaults"));
    }

    @Test
    void runtimeDriftIsRepairedInTheRuntimeOnly() throws Exception {
        Plan p = adapter.plan(recorded.load("drifted"), Desired.of(25, new Inbound.Closed()));
        assertThat(argv(p)).containsExactly(
                "firewall-cmd --zone=public --add-rich-rule=rule priority=\"-25024\" family=\"ipv4\" port port=\"25\" protocol=\"tcp\" drop");
    }

    @Test
    void allowFromAddsAllowsBeforeTheDropByPriorityAndKeepsTheDrop() throws Exception {
        Plan p = adapter.plan(recorded.load("port25-closed"), Desired.of(25,
                new Inbound.AllowFrom(List.of(Cidr.parse("fd00::/8")))));
        assertThat(argv(p)).hasSize(2).allMatch(a -> a.contains("--add-rich-rule=rule priority=\"-25025\" family=\"ipv6\" "
                + "source address=\"fd00::/8\" port port=\"25\" protocol=\"tcp\" accept"));
    }

    @Test
    void theSameRuleSpelledAnotherWayIsStillOurs() {
        assertThat(FirewalldRich.parse("rule priority=\"-25025\" family=\"ipv6\" source address=\"fd00::/8\" "
                + "port port=\"25\" protocol=\"tcp\" accept")).contains(new FirewalldRich.Rule(-25025, "ipv6",
                Optional.of(Cidr.parse("fd00:0:0:0:0:0:0:0/8")), 25, "accept"));
        assertThat(FirewalldRich.parse("rule family=\"ipv4\" port port=\"25\" protocol=\"tcp\" reject")).isEmpty();
    }

    @Test
    void boundZonesApplyBesideTheDefault() throws Exception {
        FirewalldZones.Config c = FirewalldZones.parse("""
                {"default": "work",
                 "runtime": {"internal": {"interfaces": ["eth1", "eth2"], "sources": [],
                                          "rich": ["rule family=\\"ipv4\\" source address=\\"10.0.0.0/8\\" accept"]},
                             "public": {"interfaces": [], "sources": ["198.18.0.0/15"], "rich": []},
                             "work": {"interfaces": [], "sources": [], "rich": []}},
                 "permanent": {},
                 "direct": [["ipv4", "filter", "OUTPUT", "-25024", "-p", "tcp", "-m", "comment", "--comment", "a b", "-j", "DROP"]],
                 "permanentDirect": []}
                """);
        Map<String, FirewalldZones.Zone> zones = c.runtime();
        assertThat(zones.get("internal").interfaces()).containsExactly("eth1", "eth2");
        assertThat(zones.get("internal").richRules()).containsExactly("rule family=\"ipv4\" source address=\"10.0.0.0/8\" accept");
        assertThat(zones.get("public").sources()).containsExactly("198.18.0.0/15");
        assertThat(c.direct()).containsExactly(List.of("ipv4", "filter", "OUTPUT", "-25024", "-p", "tcp", "-m", "comment",
                "--comment", "a b", "-j", "DROP"));
        FirewalldState s = new FirewalldState(true, c.defaultZone(), zones, zones, List.of(), List.of(),
                Fixtures.LAYERS_NOT_RECORDED,
                    FirewalldRecordedStates.NFT_NOT_RECORDED);
        assertThat(s.zonesInUse()).containsExactly("internal", "public", "work");
    }

    @Test
    void theReaderRunsWithTheInterpreterFirewallCmdNames(@TempDir Path dir)
            throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("firewall-cmd"), "#!/usr/bin/python3 -s\nimport sys\n");
        assertThat(FirewalldZones.readerArgv(dir.resolve("none") + File.pathSeparator + bin))
                .contains(List.of("/usr/bin/python3", "-s", "-"));
        assertThat(FirewalldZones.readerArgv(dir.resolve("none").toString())).isEmpty();
        assertThatThrownBy(() -> FirewalldZones.parse("Traceback (most recent call last):"))
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> FirewalldZones.parse("{}")).hasMessageContaining("no default zone");
    }

    @Test
    void egressIsDirectRulesInOutputRuntimeAndPermanent() throws Exception {
        List<String> argv = argv(adapter.plan(recorded.load("port25-open"), new Desired(Map.of()).withOutbound(25, new Outbound.BlockedExcept(
                List.of(Cidr.parse("fd00:25::2"))))));
        assertThat(argv).hasSize(10).first().isEqualTo(
                "firewall-cmd --direct --add-rule ipv4 filter OUTPUT -25025 -o lo -p tcp --dport 25 -m comment --comment "
                        + "port25-agent egress tcp/25 loopback #789dc07bf13d -j RETURN");
        assertThat(argv).contains("firewall-cmd --permanent --direct --add-rule ipv6 filter OUTPUT -25024 -p tcp --dport 25 "
                + "-m comment --comment port25-agent egress tcp/25 reject #789dc07bf13d -j REJECT --reject-with tcp-reset");
    }
}
