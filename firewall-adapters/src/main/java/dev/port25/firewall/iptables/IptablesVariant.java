package dev.port25.firewall.iptables;

import java.util.Locale;

/**
 * The two iptables implementations that can be installed side by side; each keeps its own rules,
 * and neither's tools show the other's (iptables-nft prints only a warning line).
 */
enum IptablesVariant {
    /** iptables-nft: rules live in nf_tables tables named filter, nat, ... */
    NFT,
    /** iptables-legacy: the x_tables kernel interface. */
    LEGACY;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "iptables-nft", "ip6tables-legacy-save", ...: the variant's own tool, never the alternative. */
    String tool(boolean ipv6, String suffix) {
        return (ipv6 ? "ip6tables-" : "iptables-") + label() + suffix;
    }
}
