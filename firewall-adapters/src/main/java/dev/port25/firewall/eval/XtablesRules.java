package dev.port25.firewall.eval;

import dev.port25.firewall.net.AddrRange;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The evaluation's tables from one {@code iptables-save} / {@code ip6tables-save} dump
 * ({@link XtablesSave}, either variant): every table, built-in chains at their hooks and
 * standard priorities, every match the canonical save format prints. A match it does not know becomes an undecidable match that
 * names the option, never a silent "matches" or "does not match". Pure.
 */
final class XtablesRules {

    /** Built-in chain to hook and priority, per table (the kernel's NF_IP_PRI_* values). */
    private static final Map<String, Map<String, Object[]>> BUILTIN = Map.of(
            "raw", Map.of("PREROUTING", hook("prerouting", -300), "OUTPUT", hook("output", -300)),
            "mangle", Map.of("PREROUTING", hook("prerouting", -150), "INPUT", hook("input", -150),
                    "FORWARD", hook("forward", -150), "OUTPUT", hook("output", -150),
                    "POSTROUTING", hook("postrouting", -150)),
            "nat", Map.of("PREROUTING", hook("prerouting", -100), "INPUT", hook("input", 100),
                    "OUTPUT", hook("output", -100), "POSTROUTING", hook("postrouting", 100)),
            "filter", Map.of("INPUT", hook("input", 0), "FORWARD", hook("forward", 0), "OUTPUT", hook("output", 0)),
            "security", Map.of("INPUT", hook("input", 50), "FORWARD", hook("forward", 50),
                    "OUTPUT", hook("output", 50)));

    private static final Set<String> CONTINUE_TARGETS = Set.of("LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "TRACE",
            "TCPMSS", "SNAT", "MASQUERADE", "CLASSIFY", "DSCP", "TOS", "TTL", "HL", "SECMARK", "CONNSECMARK", "AUDIT",
            "CHECKSUM", "NETMAP");

    private XtablesRules() {
    }

    private static Object[] hook(String name, int priority) {
        return new Object[] {name, priority};
    }

    /**
     * @param layer "iptables-nft" or "iptables-legacy"
     * @param save  the dump; a table cut short (no {@code COMMIT}) is left out
     */
    static List<Table> tables(String layer, IpFamily family, XtablesSave save) {
        List<Table> tables = new ArrayList<>();
        for (XtablesSave.Table t : save.tables()) {
            if (t.committed()) {
                tables.add(table(layer + " " + family.label() + " " + t.name(), family, t));
            }
        }
        return tables;
    }

    private static Table table(String where, IpFamily family, XtablesSave.Table t) {
        Map<String, List<XtablesSave.Rule>> specs = new LinkedHashMap<>();
        t.chains().keySet().forEach(c -> specs.put(c, new ArrayList<>()));
        t.rules().forEach(r -> specs.computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r));
        Map<String, Chain> chains = new HashMap<>();
        Map<String, Object[]> builtin = BUILTIN.getOrDefault(t.name(), Map.of());
        for (Map.Entry<String, List<XtablesSave.Rule>> e : specs.entrySet()) {
            String chain = e.getKey();
            List<Rule> rules = new ArrayList<>();
            for (XtablesSave.Rule r : e.getValue()) {
                RuleRef ref = new RuleRef(where + " " + chain + " #" + r.position(), "-A " + chain + " " + r.spec());
                rules.add(rule(family, tokens(r.spec()), ref, specs.keySet()));
            }
            Object[] hook = builtin.get(chain);
            String policy = t.chains().getOrDefault(chain, "-");
            Verdict verdict = policy.equals("DROP") ? Verdict.DROP : Verdict.ACCEPT;
            RuleRef policyRef = new RuleRef(where + " " + chain, "policy " + (hook == null ? "RETURN" : policy));
            chains.put(chain, new Chain(chain, Optional.ofNullable(hook).map(h -> (String) h[0]),
                    hook == null ? 0 : (Integer) hook[1], verdict, List.of(family), Optional.empty(), rules, policyRef, 0,
                    hook != null && t.name().equals("nat")));
        }
        return new Table(where, chains);
    }

    /** Splits a rule spec into words, honouring the double quotes iptables-save puts around comments. */
    static List<String> tokens(String spec) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (quoted && c == '\\' && i + 1 < spec.length()) {
                cur.append(spec.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any || cur.length() > 0) {
                    out.add(cur.toString());
                }
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
            }
        }
        if (any || cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    private static Rule rule(IpFamily family, List<String> t, RuleRef ref, Set<String> chainNames) {
        List<Cond> conds = new ArrayList<>();
        Action action = new Action.Continue();
        boolean negate = false;
        for (int i = 0; i < t.size(); i++) {
            String opt = t.get(i);
            if (opt.equals("!")) {
                negate = true;
                continue;
            }
            String arg = i + 1 < t.size() ? t.get(i + 1) : "";
            switch (opt) {
                case "-s", "--source" -> conds.add(new Cond.Source(family, ranges(arg), negate));
                case "-d", "--destination" -> conds.add(new Cond.Destination(family, ranges(arg), negate));
                case "--src-range" -> conds.add(new Cond.Source(family, List.of(range(arg)), negate));
                case "--dst-range" -> conds.add(new Cond.Destination(family, List.of(range(arg)), negate));
                case "-i", "--in-interface" -> conds.add(new Cond.Interface(true, List.of(arg), negate));
                case "-o", "--out-interface" -> conds.add(new Cond.Interface(false, List.of(arg), negate));
                case "-p", "--protocol" -> conds.add(new Cond.Protocol(Set.of(arg.toLowerCase(Locale.ROOT)), negate));
                case "--dport", "--destination-port", "--dports", "--destination-ports" ->
                        conds.add(new Cond.DestinationPort(ports(arg), negate));
                case "--sport", "--source-port", "--sports", "--source-ports" ->
                        conds.add(new Cond.SourcePort(ports(arg), negate));
                case "--ports" -> conds.add(new Cond.Fixed(Tri.UNKNOWN,
                        "it matches either port (multiport --ports " + arg + ")"));
                // a type 0 routing header (deprecated by RFC 5095, discarded by Linux): a client's SYN has none
                case "--rt-type" -> conds.add(new Cond.Fixed(Tri.of(negate), "--rt-type"));
                case "--syn" -> {
                    // SYN set, ACK, RST and FIN clear: the first packet, not the ones after it
                    conds.add(new Cond.TcpFlags(!negate, negate));
                    i--;
                }
                case "--tcp-flags" -> {
                    String comp = i + 2 < t.size() ? t.get(i + 2) : "";
                    conds.add(new Cond.TcpFlags(flagsMatch("SYN", arg, comp) != negate,
                            flagsMatch("ACK", arg, comp) != negate));
                    i++;
                }
                case "--ctstate", "--state" -> conds.add(new Cond.ConntrackState(lower(arg), negate));
                case "--ctstatus" -> conds.add(new Cond.ConntrackStatus(lower(arg), negate));
                case "--ctorigdstport" -> conds.add(new Cond.OriginalDestinationPort(ports(arg), negate));
                case "--ctdir" -> conds.add(new Cond.Fixed(Tri.of(arg.equals("ORIGINAL") != negate), "--ctdir"));
                case "--dst-type" -> conds.add(addrType(arg, negate));
                case "--src-type" -> {
                    boolean unicast = Set.of(arg.split(",")).contains("UNICAST");
                    conds.add(new Cond.Fixed(Tri.of(unicast != negate), "--src-type"));
                }
                case "--pkt-type" -> conds.add(new Cond.Fixed(Tri.of(arg.equals("unicast") != negate), "--pkt-type"));
                case "--icmp-type", "--icmpv6-type" -> conds.add(new Cond.Fixed(Tri.FALSE, opt));
                case "--limit", "--hashlimit-upto", "--hashlimit-above", "--connlimit-above", "--connlimit-upto" ->
                        conds.add(new Cond.Fixed(Tri.UNKNOWN, "it is rate or connection limited (" + opt + " "
                                + arg + ")"));
                case "--update", "--rcheck" -> {
                    conds.add(new Cond.Fixed(Tri.UNKNOWN,
                            "it depends on the source's recent connections (-m recent " + opt + ")"));
                    i--;
                }
                case "--match-set" -> conds.add(new Cond.Fixed(Tri.UNKNOWN,
                        "it matches the ipset " + arg + ", whose members are not read"));
                case "--mark" -> conds.add(new Cond.Fixed(Tri.UNKNOWN, "it matches a packet or connection mark"));
                case "-m", "--match" -> {
                    if (Set.of("owner", "physdev", "policy", "socket", "string", "u32", "bpf", "cgroup", "time",
                            "statistic", "quota", "geoip", "frag", "hl", "ttl", "ipv6header", "length",
                            "dscp", "tos", "ecn", "helper", "realm", "cpu", "nfacct", "devgroup", "rpfilter")
                            .contains(arg)) {
                        conds.add(new Cond.Fixed(Tri.UNKNOWN, "it uses the " + arg + " match"));
                    }
                }
                case "-j", "--jump" -> action = target(family, arg, t, i + 2, chainNames);
                case "-g", "--goto" -> action = new Action.Goto(arg);
                case "-c" -> i++;
                default -> {
                    if (opt.startsWith("-")) {
                        if (!ignorable(opt)) {
                            conds.add(new Cond.Fixed(Tri.UNKNOWN, "the option " + opt + " is not understood"));
                        }
                        if (takesNoArgument(opt)) {
                            i--;
                        }
                    } else {
                        i--;
                    }
                }
            }
            negate = false;
            if (opt.equals("-j") || opt.equals("--jump")) {
                break;
            }
            i++;
        }
        return new Rule(conds, action, ref);
    }

    private static boolean ignorable(String opt) {
        return Set.of("--comment", "--limit-burst", "--limit-iface-in", "--limit-iface-out", "--set", "--name",
                "--rsource", "--rdest", "--mask", "--seconds", "--hitcount", "--rttl", "--reap", "--log-prefix",
                "--log-level", "--ctproto", "--ctorigsrc", "--ctorigdst").contains(opt);
    }

    private static boolean takesNoArgument(String opt) {
        return Set.of("--set", "--rsource", "--rdest", "--rttl", "--reap", "--update", "--rcheck", "--syn",
                "--limit-iface-in", "--limit-iface-out").contains(opt);
    }

    private static final Set<String> ALL_FLAGS = Set.of("FIN", "SYN", "RST", "PSH", "ACK", "URG");

    private static Set<String> tcpFlags(String csv) {
        if (csv.equals("ALL")) {
            return ALL_FLAGS;
        }
        if (csv.equals("NONE") || csv.isEmpty()) {
            return Set.of();
        }
        return Set.of(csv.split(","));
    }

    /** {@code --tcp-flags MASK COMP} for a packet whose only flag is {@code flag}: (flags & MASK) == COMP. */
    private static boolean flagsMatch(String flag, String mask, String comp) {
        Set<String> masked = tcpFlags(mask).contains(flag) || tcpFlags(mask).contains("ALL") ? Set.of(flag) : Set.of();
        return masked.equals(tcpFlags(comp));
    }

    private static Cond addrType(String arg, boolean negate) {
        Set<String> types = Set.of(arg.split(","));
        if (types.contains("UNICAST")) {
            return new Cond.Fixed(Tri.of(!negate), "--dst-type UNICAST");
        }
        if (types.contains("LOCAL")) {
            return negate ? new Cond.DestinationLocal(false) : new Cond.DestinationLocal(true);
        }
        return new Cond.Fixed(Tri.of(negate), "--dst-type " + arg);
    }

    private static Action target(IpFamily family, String target, List<String> t, int from, Set<String> chainNames) {
        Map<String, String> opts = new HashMap<>();
        for (int k = from; k < t.size(); k++) {
            if (t.get(k).startsWith("--")) {
                opts.put(t.get(k), k + 1 < t.size() && !t.get(k + 1).startsWith("--") ? t.get(k + 1) : "");
            }
        }
        switch (target) {
            case "ACCEPT":
                return new Action.Accept();
            case "DROP":
                return new Action.Drop();
            case "REJECT":
                return new Action.Reject();
            case "RETURN":
                return new Action.Return();
            case "NOTRACK":
                return new Action.Notrack();
            case "CT":
                return opts.containsKey("--notrack") ? new Action.Notrack() : new Action.Continue();
            case "DNAT":
                return dnat(family, opts.getOrDefault("--to-destination", ""), "-j DNAT --to-destination "
                        + opts.getOrDefault("--to-destination", ""));
            case "REDIRECT": {
                String p = opts.getOrDefault("--to-ports", "");
                return new Action.Dnat(family, Optional.empty(), firstPort(p), "-j REDIRECT --to-ports " + p);
            }
            case "QUEUE":
            case "NFQUEUE":
                return new Action.Unknown("the packet is queued to a user-space program (" + target + ")");
            default:
                if (CONTINUE_TARGETS.contains(target)) {
                    return new Action.Continue();
                }
                if (chainNames.contains(target)) {
                    return new Action.Jump(target);
                }
                return new Action.Unknown("the target " + target + " is not understood");
        }
    }

    /** "172.17.0.2:25", "[fd00::2]:25", "172.17.0.2", ":2525", ranges take their first address and port. */
    static Action dnat(IpFamily family, String to, String text) {
        String addr = to;
        Optional<Integer> port = Optional.empty();
        if (to.startsWith("[")) {
            int close = to.indexOf(']');
            addr = to.substring(1, close);
            port = to.length() > close + 2 ? firstPort(to.substring(close + 2)) : Optional.empty();
        } else if (family == IpFamily.IPV4 && to.contains(":")) {
            addr = to.substring(0, to.indexOf(':'));
            port = firstPort(to.substring(to.indexOf(':') + 1));
        }
        addr = addr.contains("-") ? addr.substring(0, addr.indexOf('-')) : addr;
        Optional<BigInteger> address = addr.isEmpty() ? Optional.empty()
                : Optional.of(AddrRange.of(Cidr.parse(addr)).lo());
        return new Action.Dnat(family, address, port, text);
    }

    private static Optional<Integer> firstPort(String p) {
        String first = p.split("[-:]")[0];
        return first.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(first));
    }

    private static Set<String> lower(String csv) {
        return Set.of(csv.toLowerCase(Locale.ROOT).split(","));
    }

    private static List<AddrRange> ranges(String csv) {
        List<AddrRange> out = new ArrayList<>();
        for (String a : csv.split(",")) {
            out.add(AddrRange.of(Cidr.parse(a)));
        }
        return out;
    }

    private static AddrRange range(String dashed) {
        String[] ab = dashed.split("-");
        AddrRange first = AddrRange.of(Cidr.parse(ab[0]));
        return new AddrRange(first.family(), first.lo(), AddrRange.of(Cidr.parse(ab[1])).lo());
    }

    /** "25", "20:30", "25,587,1000:2000" as inclusive ranges. */
    static List<int[]> ports(String csv) {
        List<int[]> out = new ArrayList<>();
        for (String p : csv.split(",")) {
            String[] ab = p.split(":");
            int lo = ab[0].isEmpty() ? 0 : Integer.parseInt(ab[0]);
            int hi = ab.length > 1 ? (ab[1].isEmpty() ? 65535 : Integer.parseInt(ab[1])) : lo;
            out.add(new int[] {lo, hi});
        }
        return out;
    }
}
