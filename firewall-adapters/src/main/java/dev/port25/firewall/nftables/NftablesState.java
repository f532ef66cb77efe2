package dev.port25.firewall.nftables;

import dev.port25.firewall.eval.NftRuleset;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.spi.FirewallState;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole nftables ruleset, and the agent's own part of it: the table {@code inet port25_agent}.
 *
 * @param ruleset      every table, chain and rule, other tools' included
 * @param packetFilter every layer, this ruleset's included
 */
record NftablesState(NftRuleset ruleset, PacketFilter packetFilter) implements FirewallState {

    @Override
    public String backend() {
        return NftablesAdapter.ID;
    }

    /**
     * The own table as lines: one per base chain ({@code chain input hook input priority -10
     * policy accept}), then one per rule, by its comment. Empty when the table does not exist.
     */
    @Override
    public List<String> ownedRules() {
        List<String> lines = new ArrayList<>();
        for (NftRuleset.Chain c : ruleset.chains()) {
            if (own(c.family(), c.table())) {
                lines.add(NftablesScript.chainLine(c.name(), c.hook().orElse("-"), c.priority().orElse(0),
                        c.policy().orElse("-")));
            }
        }
        for (NftRuleset.Rule r : ruleset.rules()) {
            if (own(r.family(), r.table())) {
                lines.add(r.chain() + ": " + r.comment().orElse("(rule " + r.handle() + " without comment)"));
            }
        }
        return lines;
    }

    boolean ownTableExists() {
        return ruleset.hasTable(NftablesScript.FAMILY, NftablesScript.TABLE);
    }

    private static boolean own(String family, String table) {
        return NftablesScript.FAMILY.equals(family) && NftablesScript.TABLE.equals(table);
    }
}
