package dev.port25.firewall.eval;

import java.util.Optional;

/**
 * How this host routes to an address (what {@code ip route get} says), used where a DNAT sends a
 * connection to another address.
 *
 * @param local  the address is one of this host's
 * @param device the outgoing interface, when there is a route
 */
public record Route(boolean local, Optional<String> device) {
}
