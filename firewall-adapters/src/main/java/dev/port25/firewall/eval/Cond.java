package dev.port25.firewall.eval;

import dev.port25.firewall.net.AddrRange;
import dev.port25.firewall.net.IpFamily;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One match of a rule, judged against a {@link Flow}. */
sealed interface Cond {

    Tri test(Flow f);

    /** Why this match cannot be decided, when {@link #test} says UNKNOWN. */
    default String undecidable() {
        return "a match the agent cannot decide";
    }

    /** The destination ranges this match looks at, for the egress analysis. */
    default List<AddrRange> destinationRanges() {
        return List.of();
    }

    /** The source ranges this match looks at, for the exposure analysis. */
    default List<AddrRange> sourceRanges() {
        return List.of();
    }

    /** Source address in one of the ranges (all of one family; another family never matches). */
    record Source(IpFamily family, List<AddrRange> ranges, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            if (f.family != family) {
                return Tri.FALSE;
            }
            if (f.source.isEmpty()) {
                return Tri.UNKNOWN;
            }
            boolean in = ranges.stream().anyMatch(r -> r.contains(f.family, f.source.get()));
            return Tri.of(in != negate);
        }

        @Override
        public String undecidable() {
            return "it matches on the source address, which is the local address the route picks";
        }

        @Override
        public List<AddrRange> sourceRanges() {
            return ranges;
        }
    }

    /** Destination address in one of the ranges; unknown until a DNAT fixes the destination. */
    record Destination(IpFamily family, List<AddrRange> ranges, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            if (f.family != family) {
                return Tri.FALSE;
            }
            if (f.destination.isEmpty()) {
                return Tri.UNKNOWN;
            }
            boolean in = ranges.stream().anyMatch(r -> r.contains(f.family, f.destination.get()));
            return Tri.of(in != negate);
        }

        @Override
        public String undecidable() {
            return "it matches on the destination address, which depends on the address the client connects to";
        }

        @Override
        public List<AddrRange> destinationRanges() {
            return ranges;
        }
    }

    /** Destination port in one of the inclusive ranges {@code {lo, hi}}. */
    record DestinationPort(List<int[]> ranges, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            boolean in = ranges.stream().anyMatch(r -> r[0] <= f.port && f.port <= r[1]);
            return Tri.of(in != negate);
        }
    }

    /**
     * The connection's original destination port, before any DNAT ({@code ct original proto-dst},
     * {@code -m conntrack --ctorigdstport}): the port the client connected to.
     */
    record OriginalDestinationPort(List<int[]> ranges, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            boolean in = ranges.stream().anyMatch(r -> r[0] <= f.originalPort && f.originalPort <= r[1]);
            return Tri.of(in != negate);
        }
    }

    /**
     * The client's source port: unknown (any port a client binds), except that a TCP connection
     * never comes from port 0, so a match of all of 1-65535 always holds.
     */
    record SourcePort(List<int[]> ranges, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            boolean all = ranges.stream().anyMatch(r -> r[0] <= 1 && r[1] >= 65535);
            return all ? Tri.of(!negate) : Tri.UNKNOWN;
        }

        @Override
        public String undecidable() {
            return "it matches on the client's source port";
        }
    }

    /** Layer 4 protocol by name or number; the flow is TCP. */
    record Protocol(Set<String> names, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            boolean tcp = names.contains("tcp") || names.contains("6");
            return Tri.of(tcp != negate);
        }
    }

    /** The family itself ({@code meta nfproto}, or implied by an ip/ip6 header match). */
    record Family(IpFamily family, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            return Tri.of((f.family == family) != negate);
        }
    }

    /**
     * Input or output interface name; names may end in a wildcard ({@code eth+} for iptables,
     * {@code eth*} for nft).
     */
    record Interface(boolean input, List<String> names, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            Optional<String> iface = input ? f.inInterface : f.outInterface;
            if (iface.isEmpty()) {
                // not known: an inbound connection from another host does not arrive on lo
                if (input && names.size() == 1 && names.get(0).equals("lo")) {
                    return Tri.of(negate);
                }
                return Tri.UNKNOWN;
            }
            boolean in = names.stream().anyMatch(n -> matches(n, iface.get()));
            return Tri.of(in != negate);
        }

        @Override
        public String undecidable() {
            return "it matches on the " + (input ? "input" : "output") + " interface, which is not known here";
        }

        private static boolean matches(String pattern, String name) {
            if (pattern.endsWith("+") || pattern.endsWith("*")) {
                return name.startsWith(pattern.substring(0, pattern.length() - 1));
            }
            return pattern.equals(name);
        }
    }

    /** Conntrack state, lower case ("new", "established", "related", "invalid", "untracked"). */
    record ConntrackState(Set<String> states, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            // iptables' virtual state "dnat": the connection's destination was translated (its
            // "snat" is not modelled: no rule the evaluation walks translates the source first)
            boolean in = states.contains(f.untracked ? "untracked" : f.established ? "established" : "new")
                    || f.dnated && states.contains("dnat");
            return Tri.of(in != negate);
        }
    }

    /**
     * A match on TCP flags: whether it holds for the connection's first packet (SYN alone) and for
     * the packets after it (ACK alone: the handshake's last one and the client's data).
     */
    record TcpFlags(boolean syn, boolean ack) implements Cond {
        @Override
        public Tri test(Flow f) {
            return Tri.of(f.established ? ack : syn);
        }
    }

    /**
     * Conntrack status bits, lower case ("dnat", "snat", "confirmed", ...). A SYN's connection is
     * not yet confirmed and has seen no reply; the packets after it belong to a confirmed, assured
     * connection that has seen the reply.
     */
    record ConntrackStatus(Set<String> bits, boolean negate) implements Cond {
        @Override
        public Tri test(Flow f) {
            boolean in = f.dnated && bits.contains("dnat") || f.established && !f.untracked
                    && (bits.contains("confirmed") || bits.contains("seen-reply") || bits.contains("seen_reply")
                    || bits.contains("assured"));
            return Tri.of(in != negate);
        }
    }

    /** Whether the destination is one of this host's addresses (addrtype LOCAL, fib daddr type local). */
    record DestinationLocal(boolean local) implements Cond {
        @Override
        public Tri test(Flow f) {
            return Tri.of(f.destinationLocal == local);
        }
    }

    /** A fact known from the situation alone (a SYN of a new unicast connection), with what it is. */
    record Fixed(Tri value, String what) implements Cond {
        @Override
        public Tri test(Flow f) {
            return value;
        }

        @Override
        public String undecidable() {
            return what;
        }
    }
}
