package dev.port25.agent.inventory;

import dev.port25.firewall.net.IpAddresses;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One socket listening on a watched port: a TCP socket in LISTEN, or a bound, unconnected UDP
 * socket (what {@code ss -l} lists).
 *
 * @param protocol      tcp or udp
 * @param family        the socket's address family; an IPv6 socket bound to a v4-mapped address is IPV6
 * @param address       the bound address, 4 or 16 bytes
 * @param port          the local port
 * @param v6only        {@code IPV6_V6ONLY} of an IPv6 socket; always {@code false} for IPv4; empty
 *                      when the inventory source cannot tell
 * @param boundInterface the device from {@code SO_BINDTODEVICE}, empty when not bound to one
 * @param uid           the uid that created the socket; empty when the source does not report it
 * @param inode         the socket's inode; empty when the source does not report it
 * @param owners        every process holding the socket, sorted by pid
 * @param ownersUnknown why some or all owners could not be seen (permissions, a gap of the
 *                      source); empty when {@code owners} is known to be complete
 * @param container     the container its owners run in (the first owner in one); empty for a
 *                      process of the host, or when no owner is known
 */
public record Listener(Protocol protocol, Family family, InetAddress address, int port,
                       Optional<Boolean> v6only, Optional<String> boundInterface,
                       OptionalInt uid, OptionalLong inode,
                       List<Owner> owners, Optional<String> ownersUnknown, Optional<Container> container) {

    /** A listener whose owners run on the host, in no container. */
    public Listener(Protocol protocol, Family family, InetAddress address, int port,
                    Optional<Boolean> v6only, Optional<String> boundInterface,
                    OptionalInt uid, OptionalLong inode,
                    List<Owner> owners, Optional<String> ownersUnknown) {
        this(protocol, family, address, port, v6only, boundInterface, uid, inode, owners, ownersUnknown,
                Optional.empty());
    }

    public Listener {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(v6only, "v6only");
        Objects.requireNonNull(boundInterface, "boundInterface");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(inode, "inode");
        Objects.requireNonNull(ownersUnknown, "ownersUnknown");
        Objects.requireNonNull(container, "container");
        owners = List.copyOf(owners);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The address as {@code ss -n} prints it, without brackets: "0.0.0.0", "::", "::ffff:127.0.0.1". */
    public String addressText() {
        return IpAddresses.text(address);
    }

    /** LOOPBACK, WILDCARD or ADDRESS. */
    public Scope scope() {
        return Addresses.scope(address);
    }

    /** The class of the bound address. */
    public AddressClass addressClass() {
        return Addresses.classify(address);
    }

    /**
     * The address families from which a peer can reach this socket. An IPv6 socket bound to
     * {@code ::} with {@code IPV6_V6ONLY} off also accepts IPv4; when the flag is unknown the
     * worst case (both) is assumed. A socket bound to a v4-mapped address accepts IPv4 only.
     */
    public Set<Family> reachableOver() {
        if (family == Family.IPV4 || IpAddresses.isV4Mapped(address)) {
            return EnumSet.of(Family.IPV4);
        }
        if (address.isAnyLocalAddress() && !v6only.orElse(false)) {
            return EnumSet.of(Family.IPV4, Family.IPV6);
        }
        return EnumSet.of(Family.IPV6);
    }

    /** "tcp 0.0.0.0:25", "udp [::1]:25": the socket as {@code ss -n} would name it. */
    public String endpoint() {
        String text = addressText();
        String host = family == Family.IPV6 ? "[" + text + "]" : text;
        return protocol.label() + " " + host + (boundInterface.isPresent() ? "%" + boundInterface.get() : "") + ":" + port;
    }
}
