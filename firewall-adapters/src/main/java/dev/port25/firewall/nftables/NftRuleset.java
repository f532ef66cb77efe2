package dev.port25.firewall.nftables;

import java.util.List;
import java.util.Optional;

/**
 * An nftables ruleset as {@code nft -j list ruleset} prints it: every table, chain and rule of
 * every family, including other tools' (firewalld, iptables-nft, docker). Rule expressions are
 * kept as their JSON text for the evaluation of the whole ruleset.
 */
record NftRuleset(Optional<String> version, List<Table> tables, List<Chain> chains, List<Rule> rules) {

    NftRuleset {
        tables = List.copyOf(tables);
        chains = List.copyOf(chains);
        rules = List.copyOf(rules);
    }

    record Table(String family, String name) {
    }

    /** A chain; {@code hook}, {@code priority} and {@code policy} are empty for a regular chain. */
    record Chain(String family, String table, String name, Optional<String> type, Optional<String> hook,
                 Optional<Integer> priority, Optional<String> policy) {
    }

    record Rule(String family, String table, String chain, long handle, Optional<String> comment, String exprJson) {
    }

    boolean hasTable(String family, String name) {
        return tables.stream().anyMatch(t -> t.family().equals(family) && t.name().equals(name));
    }
}
