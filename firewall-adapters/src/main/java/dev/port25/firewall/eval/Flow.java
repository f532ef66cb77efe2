package dev.port25.firewall.eval;

import dev.port25.firewall.net.IpFamily;

import java.math.BigInteger;
import java.util.Optional;

/**
 * The first packet (a SYN) of a new TCP connection as it passes the hooks, whose fields a DNAT
 * may rewrite on the way: inbound, from a known source to some local address; or outbound, from
 * some local address to a known destination. Inbound, once the SYN is through, the same flow
 * stands for the packets after it ({@link #established}).
 */
final class Flow {

    final IpFamily family;
    /** The source address: known inbound, unknown (some local address) outbound. */
    final Optional<BigInteger> source;
    /** The interface it arrives on; empty when not known (then only "lo" is known not to match); "" outbound. */
    final Optional<String> inInterface;
    int port;
    /** The destination port the client connected to, whatever a DNAT makes of {@link #port}. */
    final int originalPort;
    /** The destination address: unknown inbound (some local address) until a DNAT sets it. */
    Optional<BigInteger> destination;
    /** The interface it leaves by: outbound, and inbound once a DNAT forwards it. */
    Optional<String> outInterface;
    boolean destinationLocal;
    boolean dnated;
    boolean forwarded;
    boolean untracked;
    /** Past prerouting (the routing decision is made): in the input or forward chains. */
    boolean routed;
    /** The packets after the SYN (conntrack state established, TCP flags ACK), translated as the SYN was. */
    boolean established;

    private Flow(IpFamily family, Optional<BigInteger> source, Optional<String> inInterface, int port,
                 Optional<BigInteger> destination, Optional<String> outInterface, boolean destinationLocal) {
        this.family = family;
        this.source = source;
        this.inInterface = inInterface;
        this.port = port;
        this.originalPort = port;
        this.destination = destination;
        this.outInterface = outInterface;
        this.destinationLocal = destinationLocal;
    }

    static Flow inbound(IpFamily family, BigInteger source, Optional<String> inInterface, int port) {
        return new Flow(family, Optional.of(source), inInterface, port, Optional.empty(), Optional.empty(), true);
    }

    static Flow outbound(IpFamily family, BigInteger destination, Optional<String> outInterface, int port) {
        return new Flow(family, Optional.empty(), Optional.of(""), port, Optional.of(destination), outInterface, false);
    }
}
