package dev.port25.firewall.net;

import java.net.InetAddress;
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
            throw new IllegalArgumentException("prefix /" + prefix + " out of range for " + IpAddresses.text(network));
        }
    }

    /** Parses "198.18.0.0/15", "fd00::/8", or a bare address (a /32 or /128); host bits are cleared. */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        byte[] raw;
        try {
            raw = IpAddresses.parse(slash < 0 ? t : t.substring(0, slash)).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: '" + text + "'", e);
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
        return new Cidr(IpAddresses.of(raw), prefix);
    }

    /** True for an IPv6 network. */
    public boolean ipv6() {
        return network.getAddress().length == 16;
    }

    /** "198.18.0.0/15", "fd00::/8": RFC 5952 text, which every firewall tool accepts. */
    @Override
    public String toString() {
        return IpAddresses.text(network) + "/" + prefix;
    }
}
