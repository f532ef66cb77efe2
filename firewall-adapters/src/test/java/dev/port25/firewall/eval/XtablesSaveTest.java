package dev.port25.firewall.eval;

import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The one parser of {@code iptables-save} / {@code ip6tables-save}, on dumps recorded from
 * iptables 1.8.9 (each case's {@code source.txt} says how it was made).
 */
class XtablesSaveTest {

    private static XtablesSave recorded(String path) {
        return XtablesSave.parse(Fixtures.text(path).lines().toList());
    }

    @Test
    void everyTableOfAFullDumpInOrderWithPoliciesAndRulePositions() {
        XtablesSave save = recorded("/eval/docker-user-drop/iptables-nft-save.txt");
        assertThat(save.tables()).extracting(XtablesSave.Table::name).startsWith("filter", "nat");
        assertThat(save.tables()).allMatch(XtablesSave.Table::committed);
        XtablesSave.Table filter = save.table("filter");
        assertThat(filter.chains()).containsEntry("FORWARD", "DROP").containsEntry("INPUT", "ACCEPT")
                .containsEntry("DOCKER-USER", "-");
        assertThat(filter.chains().keySet()).startsWith("INPUT", "FORWARD", "OUTPUT", "DOCKER");
        assertThat(filter.rules()).filteredOn(r -> r.chain().equals("DOCKER-USER"))
                .extracting(XtablesSave.Rule::position, XtablesSave.Rule::spec)
                .containsExactly(tuple(1, "-p tcp -m tcp --dport 25 -j DROP"),
                        tuple(2, "-j RETURN"));
        assertThat(save.table("nat").rules()).last().satisfies(r -> {
            assertThat(r.chain()).isEqualTo("DOCKER");
            assertThat(r.target()).contains("DNAT");
            assertThat(r.comment()).isEmpty();
        });
    }

    @Test
    void theAgentsChainAndItsCommentsInAFilterDump() {
        XtablesSave.Table filter = recorded("/iptables/port25-closed/nft-ipv4.save").table("filter");
        assertThat(filter.chains()).containsEntry("PORT25-AGENT", "-");
        assertThat(filter.rules()).first().satisfies(r -> {
            assertThat(r.chain()).isEqualTo("INPUT");
            assertThat(r.comment()).contains("port25-agent");
            assertThat(r.target()).contains("PORT25-AGENT");
        });
        assertThat(filter.rules()).filteredOn(r -> r.chain().equals("PORT25-AGENT"))
                .extracting(r -> r.comment().orElseThrow())
                .containsExactly("port25-agent tcp/25 loopback #958ad301686a", "port25-agent tcp/25 drop #958ad301686a");
    }

    /** Written by hand: a dump cut short, which no tool prints whole. */
    @Test
    void countersAreDroppedAndACutDumpIsNotCommitted() {
        XtablesSave save = XtablesSave.parse(List.of("*filter", ":INPUT ACCEPT [4:240]", "[4:240] -A INPUT -j X",
                "*nat", ":PREROUTING ACCEPT [0:0]"));
        assertThat(save.tables()).extracting(XtablesSave.Table::name, XtablesSave.Table::committed)
                .containsExactly(tuple("filter", false),
                        tuple("nat", false));
        assertThat(save.table("filter").rules()).singleElement().extracting(XtablesSave.Rule::spec).isEqualTo("-j X");
        assertThat(save.table("raw").chains()).isEmpty();
    }
}
