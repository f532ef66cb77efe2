package dev.port25.firewall.net;

import java.util.Locale;

/** The two address families a verdict is given for. */
public enum IpFamily {
    IPV4(32), IPV6(128);

    private final int bits;

    IpFamily(int bits) {
        this.bits = bits;
    }

    /** Address length in bits. */
    public int bits() {
        return bits;
    }

    /** "ipv4" / "ipv6". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The family of an address of {@code bytes} length. */
    public static IpFamily ofLength(int bytes) {
        return bytes == 16 ? IPV6 : IPV4;
    }
}
