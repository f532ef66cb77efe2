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
 */
record Table(String where, Map<String, Chain> chains, Optional<Long> created) {

    Table {
        chains = Map.copyOf(chains);
    }

    Table(String where, Map<String, Chain> chains) {
        this(where, chains, Optional.empty());
    }

    Table withCreated(long handle) {
        return new Table(where, chains, Optional.of(handle));
    }

    List<Chain> baseChains() {
        return chains.values().stream().filter(Chain::base).toList();
    }
}
