package dev.port25.agent.inventory;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Address text and classification. Text follows glibc {@code inet_ntop}, which is what {@code ss -n}
 * prints: IPv6 with the longest run of two or more zero groups compressed, and embedded IPv4 for
 * v4-mapped ({@code ::ffff:a.b.c.d}) and v4-compatible ({@code ::a.b.c.d}) addresses.
 * {@link InetAddress} does neither (it prints {@code 0:0:0:0:0:0:0:1} and turns v4-mapped bytes
 * into an {@link Inet4Address}), so raw bytes are kept in {@link Inet6Address} form here.
 */
public final class Addresses {

    private Addresses() {
    }

    /** An address of exactly 4 or 16 bytes, keeping a v4-mapped IPv6 address as IPv6. */
    public static InetAddress of(byte[] raw) {
        try {
            if (raw.length == 16) {
                return Inet6Address.getByAddress(null, raw, -1);
            }
            if (raw.length == 4) {
                return InetAddress.getByAddress(raw);
            }
        } catch (UnknownHostException e) {
            // only thrown for a wrong length, handled below
        }
        throw new IllegalArgumentException("address must have 4 or 16 bytes, has " + raw.length);
    }

    /** The address as {@code ss -n} prints it, without brackets or zone. */
    public static String toText(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? v4Text(b, 0) : v6Text(b);
    }

    private static String v4Text(byte[] b, int off) {
        return (b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff);
    }

    private static String v6Text(byte[] b) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // Longest run of zero words, first one on a tie, only if at least two long (glibc inet_ntop6).
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                sb.append(v4Text(b, 12));
                return sb.toString();
            }
            sb.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }

    /** True for an IPv6 address in ::ffff:0:0/96. */
    public static boolean isV4Mapped(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    /** The IPv4 address a v4-mapped address carries, or the address itself. */
    public static InetAddress unmapped(InetAddress address) {
        return isV4Mapped(address) ? of(Arrays.copyOfRange(address.getAddress(), 12, 16)) : address;
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
        InetAddress a = unmapped(address);
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
