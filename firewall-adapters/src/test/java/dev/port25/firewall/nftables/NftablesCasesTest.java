package dev.port25.firewall.nftables;

import dev.port25.firewall.eval.NftJson;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parser and plan over {@code nft -j list ruleset} recorded from nftables 1.0.6 in namespaces
 * (one folder per case, each with a source.txt saying how). No nft runs here.
 */
class NftablesCasesTest {

    private static final Desired CLOSED = Desired.of(25, new Inbound.Closed());
    private static final Desired OPEN = Desired.of(25, new Inbound.Open());
    private static final Desired ALLOW = Desired.of(25, new Inbound.AllowFrom(
            List.of(Cidr.parse("198.18.0.2/32"), Cidr.parse("fd00::2/128"))));

    private final NftablesAdapter adapter = new NftablesAdapter(new CommandRunner());

    private static String resource(String path) {
        return Fixtures.text("/nftables/" + path);
    }

    private static NftablesState state(String caseName) {
        return new NftablesState(NftJson.parse(resource(caseName + "/ruleset.json")),
                Fixtures.LAYERS_NOT_RECORDED);
    }

    private static String stdin(Change c) {
        return new String(c.commands().get(0).stdin(), StandardCharsets.UTF_8);
    }

    @Test
    void emptyRulesetOwnsNothingAndClosedCreatesTheTable() {
        NftablesState s = state("port25-open");
        assertThat(s.ruleset().version()).contains("1.0.6");
        assertThat(s.ownedRules()).isEmpty();
        assertThat(adapter.plan(s, OPEN).isEmpty()).isTrue();
        Plan p = adapter.plan(s, CLOSED);
        assertThat(p.changes()).singleElement().isInstanceOf(Change.Add.class);
        Command load = p.changes().get(0).commands().get(0);
        assertThat(load.argv()).containsExactly("nft", "-f", "-");
        assertThat(stdin(p.changes().get(0))).isEqualTo(resource("expected/closed-25.nft"));
    }

    /**
     * firewalld's host: the agent's table holds the forward chain alone (firewalld keeps the
     * inbound rules); the whole table of the nftables backend is replaced by it, and OPEN deletes it.
     */
    @Test
    void publishedTableAloneHoldsOnlyTheForwardChainAndReplacesAWholeTable() {
        Plan created = new Plan("firewalld", ALLOW, PublishedTable.plan(PublishedTable.of(state("port25-open").ruleset(),
                Fixtures.LAYERS_NOT_RECORDED), ALLOW));
        assertThat(created.changes()).singleElement().isInstanceOf(Change.Add.class);
        String script = stdin(created.changes().get(0));
        assertThat(script).contains("chain forward {", "type filter hook forward priority -10; policy accept;",
                "ip saddr { 198.18.0.2/32 } ct status dnat ct direction original tcp dport 25 accept",
                "ip6 saddr { fd00::2/128 } ct status dnat ct direction original meta l4proto tcp ct original proto-dst 25 accept",
                "ct status dnat ct direction original tcp dport 25 drop", "ct status dnat ct direction original meta l4proto tcp ct original proto-dst 25 drop")
                .doesNotContain("chain input", "chain output", "hook input");
        assertThat(script).startsWith("add table inet port25_agent\ndelete table inet port25_agent\n");

        PublishedTable.State whole = PublishedTable.of(state("port25-closed").ruleset(), Fixtures.LAYERS_NOT_RECORDED);
        assertThat(whole.ownedRules()).contains("chain input hook input priority -10 policy accept");
        assertThat(PublishedTable.plan(whole, CLOSED)).singleElement().isInstanceOf(Change.Replace.class)
                .satisfies(c -> assertThat(stdin(c)).doesNotContain("chain input"));
        assertThat(PublishedTable.plan(whole, OPEN)).singleElement().satisfies(c ->
                assertThat(c.commands().get(0).argv()).containsExactly("nft", "delete", "table", "inet", "port25_agent"));

        PublishedTable.State unread = PublishedTable.unread("nft: not installed");
        assertThat(PublishedTable.plan(unread, CLOSED)).isEmpty();
        // -p 25:25 is judged in the host port's own line; -p 2525:25 in its own; egress is not the table's
        List<String> unmet = List.of("IPv4 tcp port 25: wanted CLOSED, all layers give OPEN",
                "IPv4 tcp port 2525 published to 198.18.7.2:25: wanted CLOSED, all layers give OPEN",
                "IPv4 egress to tcp port 25: wanted CLOSED, all layers give OPEN");
        String why = "; the agent's nftables table for published ports was not written: nft: not installed";
        assertThat(PublishedTable.explain(unmet, unread)).containsExactly(unmet.get(0) + why, unmet.get(1) + why,
                unmet.get(2));
        assertThat(PublishedTable.explain(unmet, whole)).isEqualTo(unmet);
        assertThat(unread.ownedRules()).isEmpty();
    }

    @Test
    void closedTableIsReadBackAndTheSamePlanIsEmpty() {
        NftablesState s = state("port25-closed");
        String digest = digestOf(resource("expected/closed-25.nft"));
        // input for the host's own listeners; forward for connections a DNAT sends on (published ports)
        assertThat(s.ownedRules()).containsExactly(
                "chain input hook input priority -10 policy accept",
                "chain forward hook forward priority -10 policy accept",
                "input: port25-agent tcp/25 drop #" + digest,
                "forward: port25-agent published tcp/25 drop #" + digest,
                "forward: port25-agent published tcp/25 drop original #" + digest);
        assertThat(adapter.plan(s, CLOSED).isEmpty()).as("idempotent").isTrue();
        Plan open = adapter.plan(s, OPEN);
        assertThat(open.changes()).singleElement().isInstanceOf(Change.Remove.class);
        assertThat(open.changes().get(0).commands().get(0).argv())
                .containsExactly("nft", "delete", "table", "inet", "port25_agent");
        assertThat(adapter.plan(s, ALLOW).changes()).singleElement().isInstanceOf(Change.Replace.class);
    }

    @Test
    void allowFromTableMatchesItsRendering() {
        NftablesState s = state("port25-allow");
        // two chains; input: allow v4, v6, drop; forward: allow v4, v6 by translated and by original port, drops
        assertThat(s.ownedRules()).hasSize(11);
        assertThat(adapter.plan(s, ALLOW).isEmpty()).isTrue();
        Plan closed = adapter.plan(s, CLOSED);
        assertThat(closed.changes()).singleElement().isInstanceOf(Change.Replace.class);
        assertThat(stdin(closed.changes().get(0))).isEqualTo(resource("expected/closed-25.nft"));
        Plan otherNetworks = adapter.plan(s, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("198.18.0.3")))));
        assertThat(otherNetworks.changes()).as("another network list is another rendering").hasSize(1);
    }

    @Test
    void driftedTableIsRepaired() {
        NftablesState s = state("drifted");
        assertThat(s.ownTableExists()).isTrue();
        // the input chain was flushed; the forward chain's rules are still there
        assertThat(s.ownedRules()).startsWith("chain input hook input priority -10 policy accept",
                "chain forward hook forward priority -10 policy accept").noneMatch(l -> l.startsWith("input:"))
                .anyMatch(l -> l.startsWith("forward:"));
        Plan p = adapter.plan(s, CLOSED);
        assertThat(p.changes()).singleElement().isInstanceOf(Change.Replace.class);
        assertThat(stdin(p.changes().get(0))).isEqualTo(resource("expected/closed-25.nft"));
    }

    @Test
    void foreignRuleIsSeenButNeverOurs() {
        NftablesState s = state("foreign-rule");
        assertThat(s.ownedRules()).isEmpty();
        assertThat(s.ruleset().rules()).singleElement().satisfies(r -> {
            assertThat(r.table()).isEqualTo("filter");
            assertThat(r.exprJson()).contains("\"dport\"", "25", "drop");
        });
        assertThat(adapter.plan(s, OPEN).isEmpty()).as("OPEN never removes a foreign rule").isTrue();
        assertThat(adapter.plan(s, CLOSED).changes()).singleElement().isInstanceOf(Change.Add.class);
    }

    @Test
    void everyPortNotOpenGetsItsRulesAndOpenPortsNone() {
        NftablesScript.Rendered r = NftablesScript.render(new Desired(Map.of(
                25, new Inbound.Closed(), 465, new Inbound.Open(),
                587, new Inbound.AllowFrom(List.of(Cidr.parse("fd00::/8"))))));
        assertThat(r.script()).contains("tcp dport 25 drop", "ip6 saddr { fd00::/8 } tcp dport 587 accept",
                "tcp dport 587 drop", "ct status dnat ct direction original tcp dport 25 drop",
                "ip6 saddr { fd00::/8 } ct status dnat ct direction original tcp dport 587 accept",
                "ip6 saddr { fd00::/8 } ct status dnat ct direction original meta l4proto tcp ct original proto-dst 587 accept")
                .doesNotContain("465").doesNotContain("ip saddr");
        // 2 chains; input: 25 drop, 587 allow and drop; forward: 25's two drops, 587's two allows and two drops
        assertThat(r.expectedLines()).hasSize(11);
    }

    @Test
    void badJsonIsAnErrorNotAnEmptyRuleset() {
        assertThatThrownBy(() -> NftJson.parse("Error: Could not process rule")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NftJson.parse("{}")).hasMessageContaining("no \"nftables\" array");
    }

    private static String digestOf(String script) {
        int i = script.indexOf('#');
        return script.substring(i + 1, i + 13);
    }

    @Test
    void egressIsAnOutputChainInTheOwnTableThatSparesLoopback() {
        NftablesScript.Rendered r = NftablesScript.render(new Desired(Map.of()).withOutbound(25, new Outbound.BlockedExcept(
                List.of(Cidr.parse("fd00:25::2")))));
        assertThat(r.script()).contains("type filter hook output priority -10; policy accept;",
                "ip6 daddr { fd00:25::2/128 } tcp dport 25 accept",
                "oifname != \"lo\" tcp dport 25 reject with tcp reset").doesNotContain("hook input");
        assertThat(r.expectedLines()).first().isEqualTo("chain output hook output priority -10 policy accept");
    }
}
