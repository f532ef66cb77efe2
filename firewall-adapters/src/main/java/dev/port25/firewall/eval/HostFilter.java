package dev.port25.firewall.eval;

import dev.port25.firewall.net.IpFamily;

import java.util.List;

/**
 * Everything on this host that can accept or drop a new TCP connection, as one backend's state
 * read it, and its verdicts: Linux's netfilter layers ({@link PacketFilter}), or Windows Defender
 * Firewall's profiles and rules. What the agent judges a port by, whatever the platform.
 */
public interface HostFilter {

    /** Who can connect to {@code port} over {@code family}, from any source, as every layer says. */
    Exposure exposure(IpFamily family, int port);

    /**
     * Which destinations this host can open a new TCP connection to on {@code port} over
     * {@code family}; {@link Exposure#allowedFrom()} lists destinations.
     */
    Exposure egress(IpFamily family, int port);

    /** What happens to the new inbound TCP connection described by {@code packet}. */
    Decision decide(Packet packet);

    /**
     * The ways in to {@code port} elsewhere (a container) that a translation of this host opens
     * from its own ports, each with who can open them; empty when the host translates none there.
     */
    List<PacketFilter.Published> publishedTo(int port);

    /**
     * The ports of this host a translation sends on to {@code target} (a container's address and
     * port), each with who can open them; empty when none leads there.
     */
    List<PacketFilter.Published> publishedTo(PacketFilter.Target target);

    /** The layers that could not be read, each with why; their rules are not in any verdict. */
    List<String> unread();

    /** What was read, one entry per table or store, in the order it is evaluated. */
    List<String> tableNames();
}
