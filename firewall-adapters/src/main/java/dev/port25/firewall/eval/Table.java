package dev.port25.firewall.eval;

import java.util.List;
import java.util.Map;

/**
 * One table of one layer.
 *
 * @param where  the layer and table, as rule references show it ({@code "nftables inet firewalld"})
 * @param chains by name
 */
record Table(String where, Map<String, Chain> chains) {

    Table {
        chains = Map.copyOf(chains);
    }

    List<Chain> baseChains() {
        return chains.values().stream().filter(Chain::base).toList();
    }
}
