package dev.port25.firewall.windows;

import dev.port25.firewall.net.AddrRange;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.net.IpFamily;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The address, port and protocol values of a rule's filters, as New-NetFirewallRule takes them
 * and Get-NetFirewall*Filter gives them back: {@code Any}, an address, {@code a.b.c.d/nn} or
 * {@code a.b.c.d/m.m.m.m}, a range {@code a-b} (both families), and keywords (LocalSubnet, DNS,
 * DHCP, WINS, DefaultGateway, Internet, Intranet, IntranetRemoteAccess, PlayToDevice, CaptivePortal;
 * a trailing 4 or 6 limits one to that family) whose addresses only the host's network
 * configuration knows. Ports: {@code Any}, a port, a range, and keywords (RPC, RPCEPMap, IPHTTPSIn,
 * IPHTTPSOut, Teredo, PlayToDiscovery, mDNS...).
 */
final class Tokens {

    /** Ports a keyword stands for when it is one fixed port (the rest are dynamic, all above 1023). */
    private static final java.util.Map<String, Integer> FIXED_PORT_KEYWORDS = java.util.Map.of(
            "rpcepmap", 135, "iphttpsin", 443, "iphttpsout", 443);

    private static final Set<String> ADDRESS_KEYWORDS = Set.of("localsubnet", "dns", "dhcp", "wins", "defaultgateway",
            "internet", "intranet", "intranetremoteaccess", "playtodevice", "captiveportal");

    /** How a dynamic keyword address a rule names is written among its remote addresses. */
    static final String DYNAMIC_KEYWORD = "DynamicKeyword ";

    private Tokens() {
    }

    /** Whether a condition holds: yes, no, or only the host's configuration could say. */
    enum Match { YES, NO, MAYBE }

    /**
     * An address condition, read.
     *
     * @param any        matches every address
     * @param ranges     the addresses it names, both families
     * @param unresolved the values only the host knows the addresses of (keywords), or that could
     *                   not be read, each with the family it limits to (empty for both)
     */
    record Addresses(boolean any, List<AddrRange> ranges, List<Unresolved> unresolved) {
        Addresses {
            ranges = List.copyOf(ranges);
            unresolved = List.copyOf(unresolved);
        }

        /** Whether {@code address} of {@code family} is in it; MAYBE when only a keyword could say. */
        Match matches(IpFamily family, BigInteger address) {
            if (any || ranges.stream().anyMatch(r -> r.contains(family, address))) {
                return Match.YES;
            }
            return unresolved.stream().anyMatch(u -> u.family().map(f -> f == family).orElse(true))
                    ? Match.MAYBE : Match.NO;
        }

        /** The first address of every range, and the one after each range's end: where a match can change. */
        List<BigInteger> boundaries(IpFamily family) {
            List<BigInteger> out = new ArrayList<>();
            for (AddrRange r : ranges) {
                if (r.family() == family) {
                    out.add(r.lo());
                    out.add(r.hi().add(BigInteger.ONE));
                }
            }
            return out;
        }

        /** The values that decide whether a {@code family} address matches and are not known here. */
        List<String> unresolvedFor(IpFamily family) {
            return unresolved.stream().filter(u -> u.family().map(f -> f == family).orElse(true))
                    .map(Unresolved::token).toList();
        }
    }

    /** A value whose addresses are not known here, and the one family it limits to, if any. */
    record Unresolved(String token, Optional<IpFamily> family) {
    }

    /** Reads an address condition's values ("Any" when empty). */
    static Addresses addresses(List<String> values) {
        List<AddrRange> ranges = new ArrayList<>();
        List<Unresolved> unresolved = new ArrayList<>();
        boolean any = values.isEmpty();
        for (String raw : values) {
            String v = raw.strip();
            String lower = v.toLowerCase(Locale.ROOT);
            if (lower.equals("any") || lower.equals("*")) {
                any = true;
                continue;
            }
            if (v.startsWith(DYNAMIC_KEYWORD)) {
                unresolved.add(new Unresolved(v + " (a dynamic keyword address: its addresses were not read)",
                        Optional.empty()));
                continue;
            }
            Optional<IpFamily> only = lower.endsWith("4") ? Optional.of(IpFamily.IPV4)
                    : lower.endsWith("6") ? Optional.of(IpFamily.IPV6) : Optional.empty();
            String bare = only.isPresent() ? lower.substring(0, lower.length() - 1) : lower;
            if (ADDRESS_KEYWORDS.contains(bare) || ADDRESS_KEYWORDS.contains(lower)) {
                unresolved.add(new Unresolved(v, ADDRESS_KEYWORDS.contains(lower) ? Optional.empty() : only));
                continue;
            }
            try {
                ranges.add(range(v));
            } catch (IllegalArgumentException e) {
                unresolved.add(new Unresolved(v + " (not an address this agent can read)", Optional.empty()));
            }
        }
        return new Addresses(any, ranges, unresolved);
    }

    /** "a", "a/nn", "a/m.m.m.m", "a-b". */
    static AddrRange range(String v) {
        int dash = v.indexOf('-');
        if (dash > 0) {
            InetAddress lo = IpAddresses.parse(v.substring(0, dash).strip());
            InetAddress hi = IpAddresses.parse(v.substring(dash + 1).strip());
            IpFamily f = IpFamily.ofLength(lo.getAddress().length);
            if (f != IpFamily.ofLength(hi.getAddress().length)) {
                throw new IllegalArgumentException("a range of two families: " + v);
            }
            BigInteger a = AddrRange.number(lo);
            BigInteger b = AddrRange.number(hi);
            if (a.compareTo(b) > 0) {
                throw new IllegalArgumentException("a range that ends before it starts: " + v);
            }
            return new AddrRange(f, a, b);
        }
        int slash = v.indexOf('/');
        if (slash > 0 && v.indexOf('.', slash) > 0) { // a dotted IPv4 mask
            BigInteger mask = AddrRange.number(IpAddresses.parse(v.substring(slash + 1)));
            int prefix = mask.bitCount();
            BigInteger contiguous = AddrRange.max(IpFamily.IPV4).shiftLeft(32 - prefix).and(AddrRange.max(IpFamily.IPV4));
            if (!mask.equals(contiguous)) {
                throw new IllegalArgumentException("a mask that is not a prefix: " + v);
            }
            return AddrRange.of(Cidr.parse(v.substring(0, slash) + "/" + prefix));
        }
        return AddrRange.of(Cidr.parse(v));
    }

    /** Whether a port condition's values ("Any" when empty) hold {@code port}; MAYBE for a dynamic keyword that may. */
    static Match ports(List<String> values, int port) {
        if (values.isEmpty()) {
            return Match.YES;
        }
        Match out = Match.NO;
        for (String raw : values) {
            String v = raw.strip().toLowerCase(Locale.ROOT);
            if (v.equals("any") || v.equals("*")) {
                return Match.YES;
            }
            int dash = v.indexOf('-');
            try {
                int lo = Integer.parseInt(dash > 0 ? v.substring(0, dash) : v);
                int hi = dash > 0 ? Integer.parseInt(v.substring(dash + 1)) : lo;
                if (lo <= port && port <= hi) {
                    return Match.YES;
                }
            } catch (NumberFormatException e) {
                Integer fixed = FIXED_PORT_KEYWORDS.get(v);
                if (fixed != null ? fixed == port : port > 1023) { // dynamic keywords allot ports above 1023
                    out = Match.MAYBE;
                }
            }
        }
        return out;
    }

    /** Whether a protocol value (TCP, 6, Any, UDP, 17, ICMPv4, ...) covers TCP. */
    static boolean tcp(String protocol) {
        String p = protocol.strip().toLowerCase(Locale.ROOT);
        return p.isEmpty() || p.equals("any") || p.equals("tcp") || p.equals("6");
    }
}
