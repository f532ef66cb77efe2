package dev.port25.firewall.spi;

import dev.port25.firewall.net.Cidr;

import java.util.List;

/** What new outbound connections from this host to a port should meet, on IPv4 and IPv6 alike. */
public sealed interface Outbound permits Outbound.Open, Outbound.BlockedExcept {

    /** The agent's egress rules for the port removed. */
    record Open() implements Outbound {
    }

    /**
     * Blocked towards every destination except {@code relays} (the smarthosts a host that must not
     * send mail directly hands its mail to). Loopback destinations always stay reachable: local
     * submission to 127.0.0.1:25 or [::1]:25 is not egress. A family with no relay is blocked
     * towards everything beyond loopback.
     */
    record BlockedExcept(List<Cidr> relays) implements Outbound {
        public BlockedExcept {
            relays = List.copyOf(relays);
        }
    }
}
