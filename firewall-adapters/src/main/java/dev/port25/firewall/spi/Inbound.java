package dev.port25.firewall.spi;

import dev.port25.firewall.net.Cidr;

import java.util.List;

/** What new inbound connections to a port should meet, on IPv4 and IPv6 alike. */
public sealed interface Inbound permits Inbound.Open, Inbound.Closed, Inbound.AllowFrom {

    /** Our blocks removed. Foreign rules that still block are reported by the state, not touched. */
    record Open() implements Inbound {
    }

    /** Blocked (dropped) from everywhere, IPv4 and IPv6. */
    record Closed() implements Inbound {
    }

    /**
     * Accepted only from these networks, dropped from everywhere else. A family without a listed
     * network is closed on that family.
     */
    record AllowFrom(List<Cidr> networks) implements Inbound {
        public AllowFrom {
            networks = List.copyOf(networks);
            if (networks.isEmpty()) {
                throw new IllegalArgumentException("ALLOW_FROM needs at least one network; use CLOSED for none");
            }
        }
    }
}
