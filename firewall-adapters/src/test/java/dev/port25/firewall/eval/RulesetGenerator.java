package dev.port25.firewall.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Random but valid packet-filter configurations, from a grammar over what administrators and
 * managers write: native nft tables (inet, ip, ip6; input and prerouting base chains at several
 * priorities; policies; regular chains reached by jump and goto, with return; named interval
 * sets; verdict maps; meta nfproto and l4proto; source and destination address prefixes, ranges,
 * sets and negations;
 * interface names and wildcards; ct state, the SYN's and the later packets'; TCP flags; counters;
 * every reject form), and iptables-nft and iptables-legacy rules side by side for both families
 * (user chains, RETURN, the REJECT types, multiport, iprange, conntrack states, TCP flags, comments). The addresses are the fuzz lab's own, so that rules
 * match some of its peers' sources and not others.
 */
final class RulesetGenerator {

    /** The sources the peer connects from; the server is 198.18.25.1 and fd00:25::1. */
    static final List<String> SOURCES4 = List.of("198.18.25.2", "198.18.25.3", "198.18.25.66", "198.18.25.130");
    static final List<String> SOURCES6 = List.of("fd00:25::2", "fd00:25::3", "fd00:25::66", "fd00:25::82");

    private static final List<String> PREFIXES4 = List.of("198.18.25.0/24", "198.18.25.0/30", "198.18.25.64/26",
            "198.18.25.128/25", "198.18.25.2", "198.18.25.3", "198.18.0.0/15", "10.0.0.0/8", "198.18.25.66");
    private static final List<String> PREFIXES6 = List.of("fd00:25::/64", "fd00:25::/126", "fd00:25::40/122",
            "fd00:25::80/121", "fd00:25::2", "fd00:25::3", "fd00::/8", "2001:db8::/32", "fd00:25::66");
    private static final List<String> RANGES4 = List.of("198.18.25.3-198.18.25.70", "198.18.25.1-198.18.25.2",
            "198.18.25.100-198.18.25.200");
    private static final List<String> RANGES6 = List.of("fd00:25::3-fd00:25::70", "fd00:25::1-fd00:25::2",
            "fd00:25::80-fd00:25::ff");

    /**
     * One configuration: an {@code nft -f} script and {@code *-restore} scripts for the filter
     * table of each iptables variant and family (empty: that layer has no table).
     */
    record Ruleset(String nft, String nft4, String nft6, String legacy4, String legacy6) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            section(b, "nft -f", nft);
            section(b, "iptables-nft-restore", nft4);
            section(b, "ip6tables-nft-restore", nft6);
            section(b, "iptables-legacy-restore", legacy4);
            section(b, "ip6tables-legacy-restore", legacy6);
            return b.toString();
        }

        private static void section(StringBuilder b, String tool, String script) {
            if (!script.isEmpty()) {
                b.append("## ").append(tool).append('\n').append(script);
            }
        }
    }

    private final Random random;

    RulesetGenerator(long seed) {
        this.random = new Random(seed);
    }

    Ruleset next() {
        StringBuilder nft = new StringBuilder();
        int tables = pick(new int[] {0, 1, 1, 1, 2});
        for (int t = 0; t < tables; t++) {
            nft.append(nftTable("t" + t, one("inet", "inet", "ip", "ip6")));
        }
        return new Ruleset(nft.toString(), chance(0.45) ? xtables(false, false) : "",
                chance(0.45) ? xtables(true, false) : "", chance(0.3) ? xtables(false, true) : "",
                chance(0.3) ? xtables(true, true) : "");
    }

    private String nftTable(String name, String family) {
        boolean v4 = !family.equals("ip6");
        boolean v6 = !family.equals("ip");
        StringBuilder b = new StringBuilder("table " + family + " " + name + " {\n");
        boolean sets = chance(0.4);
        if (sets && v4) {
            b.append("  set s4 { type ipv4_addr; flags interval; auto-merge; elements = { ").append(some(PREFIXES4, 1, 3))
                    .append(" } }\n");
        }
        if (sets && v6) {
            b.append("  set s6 { type ipv6_addr; flags interval; auto-merge; elements = { ").append(some(PREFIXES6, 1, 3))
                    .append(" } }\n");
        }
        boolean user = chance(0.5);
        if (user) {
            b.append("  chain u0 {\n");
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                b.append("    ").append(nftRule(family, sets, true, false, true)).append('\n');
            }
            b.append("  }\n");
        }
        for (int c = 0, n = 1 + random.nextInt(2); c < n; c++) {
            boolean prerouting = chance(0.25);
            b.append("  chain c").append(c).append(" {\n    type filter hook ")
                    .append(prerouting ? "prerouting" : "input").append(" priority ")
                    // prerouting after conntrack (-200), where ct state is known
                    .append(prerouting ? one("-150", "0") : one("-200", "-10", "0", "filter", "10", "100"))
                    .append("; policy ")
                    .append(chance(0.2) ? "drop" : "accept").append(";\n");
            for (int i = 0, r = random.nextInt(5); i < r; i++) {
                b.append("    ").append(nftRule(family, sets, false, user && !prerouting && chance(0.3), !prerouting))
                        .append('\n');
            }
            b.append("  }\n");
        }
        return b.append("}\n").toString();
    }

    /** @param reject whether reject may be used (input and regular chains; not prerouting) */
    private String nftRule(String family, boolean sets, boolean inUserChain, boolean toUserChain, boolean reject) {
        // the family the rule is bound to: nft refuses ip and ip6 matches (or an icmpv6 reject) in one rule
        String bound = switch (family) {
            case "ip" -> "ipv4";
            case "ip6" -> "ipv6";
            default -> one("any", "any", "ipv4", "ipv6");
        };
        boolean v4 = !bound.equals("ipv6");
        boolean v6 = !bound.equals("ipv4");
        if (chance(0.1) && reject) {
            return one("tcp dport vmap { 25 : drop, 22 : accept }", "tcp dport vmap { 25 : accept, 80 : drop }",
                    bound.equals("ipv4") ? "ip saddr vmap { 198.18.25.2 : drop, 198.18.25.66 : accept }"
                            : "tcp dport vmap { 25 : drop }",
                    bound.equals("ipv6") ? "ip6 saddr vmap { fd00:25::3 : drop, fd00:25::82 : accept }"
                            : "tcp dport vmap { 25 : accept }");
        }
        List<String> parts = new ArrayList<>();
        boolean udp = false;
        for (int i = 0, n = random.nextInt(4); i < n; i++) {
            List<Supplier<String>> matches = new ArrayList<>(List.of(
                    () -> one("tcp dport 25", "tcp dport 25", "tcp dport { 22, 25 }", "tcp dport 20-30",
                            "tcp dport != 25", "tcp dport 22", "meta l4proto tcp th dport 25", "tcp dport < 1024"),
                    () -> one("meta l4proto tcp", "meta l4proto udp", "meta l4proto { tcp, udp }"),
                    () -> one("iifname \"p25a\"", "iifname \"lo\"", "iifname \"p25*\"", "iifname != \"lo\"",
                            "iifname \"eth0\""),
                    // the SYN's state and the state of the packets after it
                    () -> one("ct state new", "ct state invalid", "ct state { new, untracked }", "ct state established",
                            "ct state established,related", "ct state != established"),
                    () -> one("tcp flags & (syn | ack) == syn", "tcp flags & (fin | syn | rst | ack) != syn",
                            "tcp flags & (syn | ack) == ack")));
            if (family.equals("inet") && !bound.equals("any")) {
                matches.add(() -> "meta nfproto " + bound);
            }
            if (bound.equals("ipv4")) {
                matches.add(() -> "ip saddr " + (chance(0.2) ? "!= " : "") + address(PREFIXES4, RANGES4, sets, "@s4"));
            }
            // the destination: one of the server's addresses or not; the agent's verdict for a
            // source holds for every local address, so such a rule may leave it undecided
            if (bound.equals("ipv4") && chance(0.3)) {
                matches.add(() -> "ip daddr " + one("198.18.25.1", "!= 198.18.25.1", "10.0.0.0/8", "198.18.25.0/24"));
            }
            if (bound.equals("ipv6") && chance(0.3)) {
                matches.add(() -> "ip6 daddr " + one("fd00:25::1", "!= fd00:25::1", "2001:db8::/32", "fd00:25::/64"));
            }
            if (bound.equals("ipv6")) {
                matches.add(() -> "ip6 saddr " + (chance(0.2) ? "!= " : "") + address(PREFIXES6, RANGES6, sets, "@s6"));
            }
            String m = matches.get(random.nextInt(matches.size())).get();
            if (udp && m.contains("tcp") || m.contains("udp") && String.join(" ", parts).contains("tcp")) {
                continue; // nft refuses udp and tcp matches in one rule
            }
            udp |= m.contains("udp");
            parts.add(m);
        }
        if (chance(0.2)) {
            parts.add("counter");
        }
        List<String> verdicts = new ArrayList<>(List.of("accept", "drop", "drop", "reject"));
        if (!udp) {
            verdicts.add("reject with tcp reset");
        }
        if (family.equals("inet")) {
            verdicts.add("reject with icmpx type port-unreachable");
            verdicts.add("reject with icmpx type admin-prohibited");
        }
        if (v4) {
            verdicts.add("reject with icmp type port-unreachable");
            verdicts.add("reject with icmp type admin-prohibited");
        }
        if (v6) {
            verdicts.add("reject with icmpv6 type admin-prohibited");
            verdicts.add("reject with icmpv6 type port-unreachable");
        }
        if (inUserChain) {
            verdicts.add("return");
        }
        if (!reject) {
            verdicts.removeIf(v -> v.startsWith("reject"));
        }
        if (toUserChain) {
            parts.add(one("jump u0", "goto u0"));
        } else {
            parts.add(verdicts.get(random.nextInt(verdicts.size())));
        }
        return String.join(" ", parts);
    }

    private String address(List<String> prefixes, List<String> ranges, boolean sets, String set) {
        double d = random.nextDouble();
        if (sets && d < 0.25) {
            return set;
        }
        if (d < 0.4) {
            return ranges.get(random.nextInt(ranges.size()));
        }
        if (d < 0.55) {
            return "{ " + some(prefixes, 2, 3) + " }";
        }
        return prefixes.get(random.nextInt(prefixes.size()));
    }

    private String xtables(boolean ipv6, boolean legacy) {
        StringBuilder b = new StringBuilder("*filter\n:INPUT ").append(chance(0.2) ? "DROP" : "ACCEPT")
                .append(" [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        boolean user = chance(0.4);
        List<String> rules = new ArrayList<>();
        if (user) {
            b.append(":U1 - [0:0]\n");
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                rules.add("-A U1 " + xtRule(ipv6, true, false));
            }
        }
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            rules.add("-A INPUT " + xtRule(ipv6, false, user && chance(0.3)));
        }
        rules.forEach(r -> b.append(r).append('\n'));
        return b.append("COMMIT\n").toString();
    }

    private String xtRule(boolean ipv6, boolean inUserChain, boolean toUserChain) {
        List<String> parts = new ArrayList<>();
        List<String> prefixes = ipv6 ? PREFIXES6 : PREFIXES4;
        if (chance(0.45)) {
            parts.add((chance(0.2) ? "! " : "") + "-s " + prefixes.get(random.nextInt(prefixes.size())));
        }
        boolean tcp = chance(0.7);
        if (tcp) {
            parts.add("-p tcp");
            double d = random.nextDouble();
            if (d < 0.45) {
                parts.add("-m tcp " + one("--dport 25", "--dport 25", "! --dport 25", "--dport 20:30", "--dport 22"));
            } else if (d < 0.6) {
                parts.add("-m multiport --dports " + one("22,25", "25,587", "80,443"));
            }
        } else if (chance(0.2)) {
            parts.add("-p udp");
        }
        if (chance(0.08)) {
            parts.add((chance(0.3) ? "! " : "") + "-d " + (ipv6 ? one("fd00:25::1", "fd00:25::/64", "2001:db8::/32")
                    : one("198.18.25.1", "198.18.25.0/24", "10.0.0.0/8")));
        }
        if (chance(0.15)) {
            List<String> ranges = ipv6 ? RANGES6 : RANGES4;
            parts.add("-m iprange --src-range " + ranges.get(random.nextInt(ranges.size())));
        }
        if (chance(0.2)) {
            parts.add(one("-i p25a", "-i lo", "-i p25+", "! -i lo"));
        }
        if (chance(0.2)) {
            parts.add("-m conntrack --ctstate " + one("NEW", "INVALID", "NEW,INVALID", "ESTABLISHED",
                    "RELATED,ESTABLISHED", "NEW,ESTABLISHED"));
        }
        if (tcp && chance(0.12)) {
            parts.add("-m tcp " + one("--syn", "! --syn", "--tcp-flags SYN,ACK ACK", "--tcp-flags FIN,SYN,RST,ACK SYN"));
        }
        if (chance(0.2)) {
            parts.add("-m comment --comment \"" + one("fuzz rule", "admin: smtp", "x") + "\"");
        }
        if (toUserChain) {
            parts.add(one("-j U1", "-g U1"));
            return String.join(" ", parts);
        }
        List<String> targets = new ArrayList<>(List.of("-j ACCEPT", "-j DROP", "-j DROP", "-j REJECT"));
        targets.add(ipv6 ? "-j REJECT --reject-with icmp6-adm-prohibited" : "-j REJECT --reject-with icmp-admin-prohibited");
        targets.add(ipv6 ? "-j REJECT --reject-with icmp6-port-unreachable" : "-j REJECT --reject-with icmp-port-unreachable");
        if (tcp) {
            targets.add("-j REJECT --reject-with tcp-reset");
        }
        if (inUserChain) {
            targets.add("-j RETURN");
        }
        parts.add(targets.get(random.nextInt(targets.size())));
        return String.join(" ", parts);
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private String one(String... options) {
        return options[random.nextInt(options.length)];
    }

    private int pick(int[] options) {
        return options[random.nextInt(options.length)];
    }

    private String some(List<String> pool, int min, int max) {
        List<String> copy = new ArrayList<>(pool);
        Collections.shuffle(copy, random);
        return String.join(", ", copy.subList(0, min + random.nextInt(max - min + 1)));
    }
}
