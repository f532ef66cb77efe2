package dev.port25.agent.inventory;

/**
 * What kind of address a listener is bound to, after the IANA special-purpose address
 * registries (RFC 6890 and successors).
 */
public enum AddressClass {
    /** 127.0.0.0/8, ::1. */
    LOOPBACK,
    /** 169.254.0.0/16, fe80::/10. */
    LINK_LOCAL,
    /** RFC 1918 (10/8, 172.16/12, 192.168/16) and IPv6 unique local fc00::/7. */
    PRIVATE,
    /** 100.64.0.0/10, carrier-grade NAT shared space (RFC 6598). */
    SHARED,
    /**
     * Other special-purpose space that is not globally reachable: "this network" 0/8,
     * IETF protocol assignments, documentation, benchmarking 198.18/15, multicast, reserved.
     */
    RESERVED,
    /** Everything else: globally routable. */
    PUBLIC,
    /** The unspecified address (0.0.0.0, ::): every address of the host. */
    UNSPECIFIED
}
