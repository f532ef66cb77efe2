package dev.port25.firewall.spi;

import dev.port25.firewall.eval.HostFilter;

import java.util.List;

/**
 * What an adapter read from its backend. Each backend has its own record with the parsed
 * ruleset; this is what every backend can say.
 */
public interface FirewallState {

    /** The backend id. */
    String backend();

    /**
     * The rules the agent owns (those carrying {@link FirewallAdapter#MARKER}), each as one line
     * of the backend's own text, in the backend's order.
     */
    List<String> ownedRules();

    /**
     * Every layer of the packet filter as read with this state (on Linux all nft tables, both
     * iptables variants, both families; on Windows every profile and rule of the ActiveStore), for
     * the verdict of what a connection meets; see {@link HostFilter}.
     */
    HostFilter packetFilter();
}
