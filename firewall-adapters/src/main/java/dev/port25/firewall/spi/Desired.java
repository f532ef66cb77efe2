package dev.port25.firewall.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The desired inbound state of each TCP port the agent manages, IPv4 and IPv6 together. Ports not
 * named are not managed: the agent's rules for them are removed.
 *
 * @param tcpInbound port to desired state, in port order
 */
public record Desired(Map<Integer, Inbound> tcpInbound) {

    public Desired {
        Objects.requireNonNull(tcpInbound, "tcpInbound");
        for (int port : tcpInbound.keySet()) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }
        tcpInbound = java.util.Collections.unmodifiableMap(new TreeMap<>(tcpInbound));
    }

    /** One port in one state. */
    public static Desired of(int port, Inbound inbound) {
        return new Desired(Map.of(port, inbound));
    }
}
