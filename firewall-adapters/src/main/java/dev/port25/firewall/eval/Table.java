package dev.port25.firewall.eval;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One table of one layer.
 *
 * @param where   the layer and table, as rule references show it ({@code "nftables inet firewalld"})
 * @param chains  by name
 * @param created the table's handle in nf_tables (handles count up in a namespace, so a higher one
 *                was made later); empty for an iptables-legacy table, whose age no dump shows
 * @param objects what nf_tables holds in the table besides rules, as the nft ruleset shows it
 *                ("chain INPUT", "set blocklist"); empty when nft was not read or for a legacy table
 */
record Table(String where, Map<String, Chain> chains, Optional<Long> created, List<String> objects) {

    Table {
        chains = Map.copyOf(chains);
        objects = List.copyOf(objects);
    }

    Table(String where, Map<String, Chain> chains) {
        this(where, chains, Optional.empty(), List.of());
    }

    /** This table (of iptables-nft) as nf_tables holds it: its handle and its objects. */
    Table inNfTables(long handle, List<String> nfObjects) {
        return new Table(where, chains, Optional.of(handle), nfObjects);
    }

    List<Chain> baseChains() {
        return chains.values().stream().filter(Chain::base).toList();
    }
}
