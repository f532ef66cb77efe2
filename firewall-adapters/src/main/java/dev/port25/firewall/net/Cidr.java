package dev.port25.firewall.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR form, normalized (host bits cleared). Parsing never resolves
 * names: only address literals are accepted.
 *
 * @param network the network address, host bits zero
 * @param prefix  the prefix length, 0-32 or 0-128
 */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix /" + prefix + " out of range for " + network.getHostAddress());
        }
    }

    /** Parses "198.18.0.0/15", "fd00::/8", or a bare address (a /32 or /128). */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.isEmpty() || !(addr.contains(":") || addr.chars().allMatch(c -> c == '.' || Character.isDigit(c)))
                || (!addr.contains(":") && addr.split("\\.", -1).length != 4)) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: '" + text + "'");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(addr); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: '" + text + "'", e);
        }
        byte[] raw = a.getAddress();
        if (addr.contains(":") && raw.length == 4) {
            // Java turns an IPv4-mapped IPv6 literal (::ffff:0.0.0.0) into IPv4; it is an IPv6 network
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            raw = mapped;
        }
        int prefix;
        try {
            prefix = slash < 0 ? raw.length * 8 : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'", e);
        }
        if (prefix < 0 || prefix > raw.length * 8) {
            throw new IllegalArgumentException("prefix /" + prefix + " out of range in '" + text + "'");
        }
        for (int i = 0; i < raw.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            raw[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return new Cidr(raw.length == 16 ? Inet6Address.getByAddress(null, raw, -1)
                    : InetAddress.getByAddress(raw), prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True for an IPv6 network. */
    public boolean ipv6() {
        return network.getAddress().length == 16;
    }

    /** "198.18.0.0/15", "fd00:0:0:0:0:0:0:0/8": Java's address text, which every firewall tool accepts. */
    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
