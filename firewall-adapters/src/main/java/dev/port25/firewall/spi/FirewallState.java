package dev.port25.firewall.spi;

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
}
