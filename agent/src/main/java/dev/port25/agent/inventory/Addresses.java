package dev.port25.agent.inventory;

import dev.port25.firewall.net.IpAddresses;

import java.net.InetAddress;

/**
 * The class and scope of a bound address, after the IANA special-purpose registries. Bytes,
 * literals and text are {@link IpAddresses}' (RFC 5952 text, which is what {@code ss -n} prints).
 */
public final class Addresses {

    private Addresses() {
    }

    /** LOOPBACK, WILDCARD or ADDRESS for a bound address. */
    public static Scope scope(InetAddress address) {
        return switch (classify(address)) {
            case UNSPECIFIED -> Scope.WILDCARD;
            case LOOPBACK -> Scope.LOOPBACK;
            default -> Scope.ADDRESS;
        };
    }

    /** The class of an address after the IANA special-purpose registries. */
    public static AddressClass classify(InetAddress address) {
        InetAddress a = IpAddresses.unmapped(address);
        byte[] b = a.getAddress();
        return b.length == 4 ? classifyV4(b) : classifyV6(b);
    }

    private static AddressClass classifyV4(byte[] b) {
        int x = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (x == 0) {
            return AddressClass.UNSPECIFIED;
        }
        if (in(x, 0x7f000000, 8)) {
            return AddressClass.LOOPBACK;
        }
        if (in(x, 0xa9fe0000, 16)) {
            return AddressClass.LINK_LOCAL;
        }
        if (in(x, 0x0a000000, 8) || in(x, 0xac100000, 12) || in(x, 0xc0a80000, 16)) {
            return AddressClass.PRIVATE;
        }
        if (in(x, 0x64400000, 10)) {
            return AddressClass.SHARED;
        }
        if (in(x, 0x00000000, 8)          // "this network"
                || in(x, 0xc0000000, 24)  // IETF protocol assignments
                || in(x, 0xc0000200, 24)  // TEST-NET-1
                || in(x, 0xc6120000, 15)  // benchmarking
                || in(x, 0xc6336400, 24)  // TEST-NET-2
                || in(x, 0xcb007100, 24)  // TEST-NET-3
                || in(x, 0xe0000000, 4)   // multicast
                || in(x, 0xf0000000, 4)) { // reserved, limited broadcast
            return AddressClass.RESERVED;
        }
        return AddressClass.PUBLIC;
    }

    private static boolean in(int address, int network, int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (address & mask) == (network & mask);
    }

    private static AddressClass classifyV6(byte[] b) {
        boolean allZero = true;
        for (int i = 0; i < 15; i++) {
            allZero &= b[i] == 0;
        }
        if (allZero && b[15] == 0) {
            return AddressClass.UNSPECIFIED;
        }
        if (allZero && b[15] == 1) {
            return AddressClass.LOOPBACK;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return AddressClass.LINK_LOCAL;
        }
        if ((first & 0xfe) == 0xfc) {
            return AddressClass.PRIVATE;
        }
        if (first == 0x20 && second == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return AddressClass.RESERVED; // documentation 2001:db8::/32
        }
        if ((first & 0xe0) == 0x20) {
            return AddressClass.PUBLIC; // global unicast 2000::/3
        }
        return AddressClass.RESERVED; // multicast ff00::/8, v4-compatible, and unassigned space
    }
}
