package dev.port25.firewall.eval;

import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one parser of {@code nft -j list ruleset}, on output recorded from nftables 1.0.6 (each
 * case's {@code source.txt} says how it was made).
 */
class NftJsonTest {

    private static NftRuleset recorded(String path) {
        return NftJson.parse(Fixtures.text(path));
    }

    @Test
    void tablesHandlesAndObjectsComeFromOnePass() {
        NftRuleset r = recorded("/eval/iptables-nft-reject-made-after-nft-drop/nft-ruleset.json");
        assertThat(r.version()).contains("1.0.6");
        assertThat(r.tables()).containsExactly(new NftRuleset.Table("inet", "admin", 1),
                new NftRuleset.Table("ip", "filter", 2), new NftRuleset.Table("ip6", "filter", 3));
        assertThat(r.table("ip6", "filter")).map(NftRuleset.Table::handle).contains(3L);
        assertThat(r.table("ip", "nat")).isEmpty();
        assertThat(r.objects("ip", "filter")).containsExactly("chain INPUT");
        assertThat(r.objects("inet", "admin")).containsExactly("chain in");
        assertThat(r.objects("ip", "nat")).isEmpty();
        assertThat(r.chains()).hasSize(3).first().isEqualTo(new NftRuleset.Chain("inet", "admin", "in",
                Optional.of("filter"), Optional.of("input"), Optional.of(0), Optional.of("accept"), Optional.empty(), 1));
        assertThat(r.rules()).extracting(NftRuleset.Rule::table).containsExactly("admin", "filter", "filter");
        assertThat(r.rules().get(1).exprJson()).contains("\"xt\"", "REJECT");
        assertThat(r.sets()).isEmpty();
    }

    @Test
    void baseChainsOfOtherToolsKeepTypeHookPriorityAndPolicy() {
        NftRuleset r = recorded("/eval/firewalld-rich-reject-beside-smtp/nft-ruleset.json");
        assertThat(r.chains()).hasSize(75);
        assertThat(r.chains()).filteredOn(c -> c.name().equals("nat_PREROUTING")).singleElement()
                .satisfies(c -> {
                    assertThat(c.type()).contains("nat");
                    assertThat(c.hook()).contains("prerouting");
                    assertThat(c.priority()).contains(-90);
                    assertThat(c.handle()).isEqualTo(6);
                });
        assertThat(r.chains()).filteredOn(c -> c.hook().isEmpty()).allSatisfy(c -> {
            assertThat(c.priority()).isEmpty();
            assertThat(c.policy()).isEmpty();
        }).isNotEmpty();
        assertThat(r.objects("inet", "firewalld")).hasSize(75).allMatch(o -> o.startsWith("chain "));
    }

    @Test
    void ruleCommentsAndHandles() {
        NftRuleset r = recorded("/nftables/port25-closed/ruleset.json");
        assertThat(r.hasTable("inet", "port25_agent")).isTrue();
        assertThat(r.rules()).first().satisfies(rule -> {
            assertThat(rule.handle()).isEqualTo(3);
            assertThat(rule.comment()).contains("port25-agent tcp/25 drop #1b0310171fe6");
            assertThat(rule.expr().isArray()).isTrue();
        });
    }

    @Test
    void notARulesetIsAnError() {
        assertThatThrownBy(() -> NftJson.parse("Error: Could not process rule"))
                .hasMessageStartingWith("nft -j output is not JSON");
        assertThatThrownBy(() -> NftJson.parse("{\"nftables\": {}}")).hasMessageContaining("no \"nftables\" array");
    }
}
