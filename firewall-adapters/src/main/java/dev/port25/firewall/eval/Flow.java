package dev.port25.firewall.eval;

import java.math.BigInteger;
import java.util.Optional;

/**
 * The first packet of a new inbound TCP connection as it passes the hooks: a SYN to a local
 * address, whose fields a DNAT may rewrite on the way.
 */
final class Flow {

    final IpFamily family;
    final BigInteger source;
    /** The interface it arrives on; empty when not known (then only "lo" is known not to match). */
    final Optional<String> inInterface;
    int port;
    /** The destination address: unknown (some local address) until a DNAT sets it. */
    Optional<BigInteger> destination = Optional.empty();
    /** Set by a DNAT to an address that is not local: the flow then takes the forward path. */
    Optional<String> outInterface = Optional.empty();
    boolean dnated;
    boolean forwarded;
    boolean untracked;

    Flow(IpFamily family, BigInteger source, Optional<String> inInterface, int port) {
        this.family = family;
        this.source = source;
        this.inInterface = inInterface;
        this.port = port;
    }
}
