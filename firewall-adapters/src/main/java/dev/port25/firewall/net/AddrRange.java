package dev.port25.firewall.net;


import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** An inclusive range of addresses of one family, as unsigned numbers. */
public record AddrRange(IpFamily family, BigInteger lo, BigInteger hi) {

    public static AddrRange of(Cidr c) {
        IpFamily f = c.ipv6() ? IpFamily.IPV6 : IpFamily.IPV4;
        BigInteger lo = number(c.network());
        BigInteger size = BigInteger.ONE.shiftLeft(f.bits() - c.prefix());
        return new AddrRange(f, lo, lo.add(size).subtract(BigInteger.ONE));
    }

    public static AddrRange all(IpFamily f) {
        return new AddrRange(f, BigInteger.ZERO, max(f));
    }

    public static BigInteger max(IpFamily f) {
        return BigInteger.ONE.shiftLeft(f.bits()).subtract(BigInteger.ONE);
    }

    public static BigInteger number(InetAddress a) {
        return new BigInteger(1, a.getAddress());
    }

    public static InetAddress address(IpFamily f, BigInteger n) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[f.bits() / 8];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        return IpAddresses.of(out);
    }

    public boolean contains(IpFamily f, BigInteger n) {
        return family == f && lo.compareTo(n) <= 0 && n.compareTo(hi) <= 0;
    }

    /** The fewest CIDRs that cover exactly this range. */
    public List<Cidr> cidrs() {
        List<Cidr> out = new ArrayList<>();
        BigInteger start = lo;
        while (start.compareTo(hi) <= 0) {
            int size = start.signum() == 0 ? family.bits() : start.getLowestSetBit();
            size = Math.min(size, family.bits());
            while (size > 0 && start.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(hi) > 0) {
                size--;
            }
            out.add(new Cidr(address(family, start), family.bits() - size));
            start = start.add(BigInteger.ONE.shiftLeft(size));
        }
        return out;
    }
}
