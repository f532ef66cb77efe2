package dev.port25.firewall.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The one place for IP address bytes, literals and text. {@link InetAddress} gets two things
 * wrong for this agent: it prints IPv6 uncompressed ({@code 0:0:0:0:0:0:0:1}) and it turns
 * v4-mapped bytes ({@code ::ffff:a.b.c.d}) into an {@link Inet4Address}. Here an address of 16
 * bytes stays IPv6, and text is RFC 5952's: lower case, leading zeros dropped, the longest run of
 * two or more zero groups (the first on a tie) as {@code ::}, and the dotted-quad tail for
 * v4-mapped addresses. This is also what glibc {@code inet_ntop} prints (and so {@code ss -n}),
 * which in addition keeps the deprecated v4-compatible form {@code ::a.b.c.d}; so does this.
 */
public final class IpAddresses {

    private IpAddresses() {
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

    /**
     * An IPv4 (dotted quad) or IPv6 literal; never a name lookup. A v4-mapped IPv6 literal stays IPv6.
     *
     * @throws IllegalArgumentException naming the text, when it is not an address literal
     */
    public static InetAddress parse(String literal) {
        boolean v6 = literal.contains(":");
        if (literal.isEmpty() || (!v6 && (!literal.chars().allMatch(c -> c == '.' || Character.isDigit(c))
                || literal.split("\\.", -1).length != 4))) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: '" + literal + "'");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(literal); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: '" + literal + "'", e);
        }
        if (v6 && a.getAddress().length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
            return of(mapped);
        }
        return a;
    }

    /** The address in RFC 5952 text, without brackets or zone. */
    public static String text(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? v4Text(b, 0) : v6Text(b);
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

    private static String v4Text(byte[] b, int off) {
        return (b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff);
    }

    private static String v6Text(byte[] b) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // the longest run of zero words, the first one on a tie, only if at least two long (RFC 5952 4.2)
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
                sb.append(v4Text(b, 12)); // v4-compatible and v4-mapped (RFC 5952 5)
                return sb.toString();
            }
            sb.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }
}
