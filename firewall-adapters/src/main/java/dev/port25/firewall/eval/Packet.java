package dev.port25.firewall.eval;

import dev.port25.firewall.net.IpFamily;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A new inbound TCP connection to be judged: its first packet (a SYN) from {@code source} to
 * {@code port} on one of this host's addresses.
 *
 * @param source      the client's address
 * @param inInterface the interface it arrives on, when known (the route back to the source)
 * @param port        the TCP destination port
 */
public record Packet(InetAddress source, Optional<String> inInterface, int port) {

    public Packet {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(inInterface, "inInterface");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public IpFamily family() {
        return IpFamily.ofLength(source.getAddress().length);
    }
}
