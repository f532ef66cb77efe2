package dev.port25.firewall.eval;

import java.util.Objects;

/**
 * One rule (or chain policy) and where it lives.
 *
 * @param where the layer, table and chain: {@code "iptables-legacy ipv4 filter INPUT #3"},
 *              {@code "nftables inet firewalld filter_IN_public_deny"}
 * @param text  the rule as its tool prints it
 */
public record RuleRef(String where, String text) {

    public RuleRef {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return where + ": " + text;
    }
}
