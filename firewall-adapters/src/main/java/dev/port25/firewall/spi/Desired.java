package dev.port25.firewall.spi;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The desired state of each TCP port the agent manages, IPv4 and IPv6 together: what new
 * inbound connections to it meet, and what new outbound connections from this host to it meet.
 * Ports not named in a map are not managed in that direction: the agent's rules for them are
 * removed.
 *
 * @param tcpInbound  port to desired inbound state, in port order
 * @param tcpOutbound port to desired outbound (egress) state, in port order
 */
public record Desired(Map<Integer, Inbound> tcpInbound, Map<Integer, Outbound> tcpOutbound) {

    public Desired {
        tcpInbound = ports(tcpInbound, "tcpInbound");
        tcpOutbound = ports(tcpOutbound, "tcpOutbound");
    }

    /** Inbound only; no egress rules. */
    public Desired(Map<Integer, Inbound> tcpInbound) {
        this(tcpInbound, Map.of());
    }

    /** One port in one inbound state. */
    public static Desired of(int port, Inbound inbound) {
        return new Desired(Map.of(port, inbound));
    }

    /** This desired state with {@code port}'s outbound state set. */
    public Desired withOutbound(int port, Outbound outbound) {
        Map<Integer, Outbound> out = new TreeMap<>(tcpOutbound);
        out.put(port, outbound);
        return new Desired(tcpInbound, out);
    }

    private static <V> Map<Integer, V> ports(Map<Integer, V> map, String name) {
        Objects.requireNonNull(map, name);
        for (int port : map.keySet()) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }
}
