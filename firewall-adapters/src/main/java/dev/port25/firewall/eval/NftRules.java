package dev.port25.firewall.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.firewall.net.AddrRange;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The evaluation's tables from an nft ruleset ({@link NftJson}): every native table of the ip,
 * ip6, inet and netdev families, named sets resolved, verdict maps expanded. The tables
 * iptables-nft manages are skipped (they are read from {@code iptables-nft-save}, where every
 * match is spelled out; nft shows some only as "xt"). An expression it does not know becomes an
 * undecidable match that says what it is. Pure.
 */
final class NftRules {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> FAMILIES = Set.of("ip", "ip6", "inet", "netdev");

    private final String table;
    private final String family;
    private final long handle;
    private final Map<String, JsonNode> sets;

    private NftRules(String family, String table, long handle, Map<String, JsonNode> sets) {
        this.family = family;
        this.handle = handle;
        this.table = table;
        this.sets = sets;
    }

    /**
     * @param ruleset       the ruleset
     * @param iptablesNft   "family name" of the tables iptables-nft manages ("ip filter"), skipped
     */
    static List<Table> tables(NftRuleset ruleset, Set<String> iptablesNft) {
        Map<String, LinkedHashMap<String, NftRuleset.Chain>> chains = new LinkedHashMap<>();
        for (NftRuleset.Table t : ruleset.tables()) {
            chains.putIfAbsent(key(t.family(), t.name()), new LinkedHashMap<>());
        }
        for (NftRuleset.Chain c : ruleset.chains()) {
            chains.computeIfAbsent(key(c.family(), c.table()), k -> new LinkedHashMap<>()).put(c.name(), c);
        }
        Map<String, Map<String, List<NftRuleset.Rule>>> rules = new HashMap<>();
        for (NftRuleset.Rule r : ruleset.rules()) {
            rules.computeIfAbsent(key(r.family(), r.table()), k -> new HashMap<>())
                    .computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r);
        }
        List<Table> out = new ArrayList<>();
        for (Map.Entry<String, LinkedHashMap<String, NftRuleset.Chain>> t : chains.entrySet()) {
            String[] fn = t.getKey().split(" ", 2);
            if (!FAMILIES.contains(fn[0]) || iptablesNft.contains(t.getKey())) {
                continue;
            }
            Map<String, JsonNode> own = new HashMap<>();
            for (NftRuleset.NamedSet s : ruleset.sets()) {
                if (key(s.family(), s.table()).equals(t.getKey())) {
                    own.put("@" + s.name(), s.elements());
                }
            }
            long handle = ruleset.table(fn[0], fn[1]).map(NftRuleset.Table::handle).orElse(0L);
            NftRules reader = new NftRules(fn[0], fn[1], handle, own);
            out.add(reader.table(t.getValue(), rules.getOrDefault(t.getKey(), Map.of())));
        }
        return out;
    }

    private static String key(String family, String name) {
        return family + " " + name;
    }

    private Table table(Map<String, NftRuleset.Chain> chainNodes, Map<String, List<NftRuleset.Rule>> ruleNodes) {
        String where = "nftables " + family + " " + table;
        Map<String, Chain> chains = new HashMap<>();
        for (NftRuleset.Chain c : chainNodes.values()) {
            String name = c.name();
            List<Rule> rules = new ArrayList<>();
            for (NftRuleset.Rule r : ruleNodes.getOrDefault(name, List.of())) {
                RuleRef ref = new RuleRef(where + " " + name, NftText.rule(r.expr()) + " # handle " + r.handle());
                rules.addAll(rules(r.expr(), ref));
            }
            Verdict policy = c.policy().orElse("accept").equals("drop") ? Verdict.DROP : Verdict.ACCEPT;
            List<IpFamily> families = switch (family) {
                case "ip" -> List.of(IpFamily.IPV4);
                case "ip6" -> List.of(IpFamily.IPV6);
                default -> List.of(IpFamily.IPV4, IpFamily.IPV6);
            };
            int priority = c.priority().orElse(0);
            RuleRef policyRef = new RuleRef(where + " " + name, c.hook().map(h -> "type " + c.type().orElse("")
                    + " hook " + h + " priority " + priority + "; policy "
                    + policy.name().toLowerCase(Locale.ROOT)).orElse("end of chain"));
            chains.put(name, new Chain(name, c.hook(), priority, policy, families, c.device(), rules, policyRef,
                    c.handle(), c.type().orElse("").equals("nat")));
        }
        return new Table(where, chains, Optional.of(handle), List.of());
    }

    /** One nft rule as one rule, or several when it ends in a verdict map. */
    private List<Rule> rules(JsonNode exprs, RuleRef ref) {
        List<Cond> conds = new ArrayList<>();
        Action action = new Action.Continue();
        for (JsonNode e : exprs) {
            String kind = e.fieldNames().hasNext() ? e.fieldNames().next() : "";
            JsonNode v = e.get(kind);
            switch (kind) {
                case "match" -> conds.addAll(match(v.path("op").asText("=="), v.get("left"), v.get("right")));
                case "counter", "log", "comment", "mangle", "set", "snat", "masquerade", "flow", "counter_ref",
                        "dup", "ct timeout", "ct expectation", "ct helper" -> {
                }
                case "limit", "quota", "meter", "connlimit" -> conds.add(new Cond.Fixed(Tri.UNKNOWN,
                        "it is limited (" + kind + ")"));
                case "xt" -> {
                    if (v.path("type").asText().equals("match")) {
                        conds.add(new Cond.Fixed(Tri.UNKNOWN, "it uses the iptables extension "
                                + v.path("name").asText() + ", which nft does not show"));
                    } else if (!Set.of("LOG", "NFLOG", "MARK", "CONNMARK").contains(v.path("name").asText())) {
                        action = new Action.Unknown("the iptables target " + v.path("name").asText()
                                + " is not shown by nft");
                    }
                }
                case "accept" -> action = new Action.Accept();
                case "drop" -> action = new Action.Drop();
                case "reject" -> {
                    action = new Action.Reject();
                    impliedFamily(v.path("type").asText()).ifPresent(f -> conds.add(new Cond.Family(f, false)));
                }
                case "return" -> action = new Action.Return();
                case "continue" -> action = new Action.Continue();
                case "jump" -> action = new Action.Jump(v.path("target").asText());
                case "goto" -> action = new Action.Goto(v.path("target").asText());
                case "notrack" -> action = new Action.Notrack();
                case "dnat" -> action = dnat(v);
                case "redirect" -> action = new Action.Dnat(IpFamily.IPV4, Optional.empty(),
                        v.has("port") && v.get("port").canConvertToInt() ? Optional.of(v.get("port").asInt())
                                : Optional.empty(), "redirect" + (v.has("port") ? " to :" + v.get("port") : ""));
                case "vmap" -> {
                    return vmap(conds, v, ref);
                }
                default -> action = new Action.Unknown("the statement " + kind + " is not understood");
            }
        }
        return List.of(new Rule(conds, action, ref));
    }

    /**
     * The family a reject type binds the rule to: nft adds the dependency {@code meta nfproto
     * ipv4} to {@code reject with icmp ...} and {@code ipv6} to {@code reject with icmpv6 ...} in
     * an inet table, and {@code nft -j list ruleset} (1.0.6) leaves it out, as it leaves out every
     * dependency it can infer; icmpx and tcp reset serve both families.
     */
    private static Optional<IpFamily> impliedFamily(String rejectType) {
        return switch (rejectType) {
            case "icmp" -> Optional.of(IpFamily.IPV4);
            case "icmpv6" -> Optional.of(IpFamily.IPV6);
            default -> Optional.empty();
        };
    }

    private List<Rule> vmap(List<Cond> before, JsonNode vmap, RuleRef ref) {
        List<Rule> out = new ArrayList<>();
        JsonNode data = vmap.path("data");
        JsonNode entries = data.isTextual() && data.asText().startsWith("@")
                ? sets.getOrDefault(data.asText(), MAPPER.missingNode()) : data.path("set");
        for (JsonNode entry : entries) {
            JsonNode pair = entry.isArray() ? entry : entry.path("elem");
            if (!pair.isArray() || pair.size() != 2) {
                continue;
            }
            List<Cond> conds = new ArrayList<>(before);
            conds.addAll(match("==", vmap.get("key"), pair.get(0)));
            List<Rule> one = rules(MAPPER.createArrayNode().add(pair.get(1)), ref);
            out.add(new Rule(conds, one.get(0).action(), ref));
        }
        return out;
    }

    private Action dnat(JsonNode v) {
        if ((v.has("addr") && !v.get("addr").isTextual()) || (v.has("port") && !v.get("port").canConvertToInt())) {
            // a map or an expression ("dnat to tcp dport map { ... }"): where it sends is not one address
            return new Action.Unknown("the DNAT target " + NftText.expr(v) + " is not one address and port");
        }
        String addr = v.has("addr") ? v.get("addr").asText() : "";
        IpFamily f = v.has("family") ? (v.get("family").asText().equals("ip6") ? IpFamily.IPV6 : IpFamily.IPV4)
                : addr.contains(":") ? IpFamily.IPV6 : IpFamily.IPV4;
        Optional<BigInteger> address;
        try {
            address = addr.isEmpty() ? Optional.empty() : Optional.of(AddrRange.of(Cidr.parse(addr)).lo());
        } catch (IllegalArgumentException e) {
            return new Action.Unknown("the DNAT target " + v + " is not an address");
        }
        Optional<Integer> port = v.has("port") && v.get("port").canConvertToInt()
                ? Optional.of(v.get("port").asInt()) : Optional.empty();
        return new Action.Dnat(f, address, port, "dnat to " + addr + port.map(p -> ":" + p).orElse(""));
    }

    private List<Cond> match(String op, JsonNode left, JsonNode right) {
        boolean negate = op.equals("!=");
        if (!Set.of("==", "!=", "in").contains(op)) {
            if (left.has("payload") && left.get("payload").path("field").asText().equals("dport")
                    && right.canConvertToInt()) {
                int n = right.asInt();
                int[] r = switch (op) {
                    case "<" -> new int[] {0, n - 1};
                    case "<=" -> new int[] {0, n};
                    case ">" -> new int[] {n + 1, 65535};
                    default -> new int[] {n, 65535};
                };
                return List.of(protocolOf(left.get("payload")), new Cond.DestinationPort(List.<int[]>of(r), false));
            }
            return List.of(unknown("a comparison " + op));
        }
        if (left.has("payload")) {
            return payload(left.get("payload"), right, negate);
        }
        if (left.has("meta")) {
            return List.of(meta(left.get("meta").path("key").asText(), right, negate));
        }
        if (left.has("ct")) {
            String key = left.get("ct").path("key").asText();
            return switch (key) {
                case "state" -> List.of(new Cond.ConntrackState(names(right), negate));
                case "status" -> List.of(new Cond.ConntrackStatus(names(right), negate));
                case "proto-dst" -> {
                    if (!left.get("ct").path("dir").asText().equals("original")) {
                        yield List.of(unknown("it matches ct reply proto-dst"));
                    }
                    try {
                        yield List.of(new Cond.Protocol(Set.of("tcp"), false),
                                new Cond.OriginalDestinationPort(ports(right), negate));
                    } catch (IllegalArgumentException e) {
                        yield List.of(unknown("it matches ct original proto-dst " + NftText.expr(right)));
                    }
                }
                case "direction" -> List.of(new Cond.Fixed(Tri.of(names(right).contains("original") != negate),
                        "ct direction"));
                default -> List.of(unknown("it matches ct " + key));
            };
        }
        if (left.has("fib")) {
            return List.of(fib(left.get("fib"), right, negate));
        }
        if (left.has("&")) {
            JsonNode and = left.get("&");
            JsonNode field = and.path(0).path("payload");
            if (field.path("protocol").asText().equals("tcp") && field.path("field").asText().equals("flags")) {
                Set<String> mask = names(and.path(1));
                Set<String> masked = mask.contains("syn") ? Set.of("syn") : Set.of();
                Set<String> want = right.canConvertToInt() && right.asInt() == 0 ? Set.of() : names(right);
                Set<String> maskedAck = mask.contains("ack") ? Set.of("ack") : Set.of();
                return List.of(new Cond.Protocol(Set.of("tcp"), false), new Cond.TcpFlags(
                        masked.equals(want) != negate, maskedAck.equals(want) != negate));
            }
        }
        return List.of(unknown("it matches " + NftText.expr(left)));
    }

    private List<Cond> payload(JsonNode p, JsonNode right, boolean negate) {
        String proto = p.path("protocol").asText();
        String field = p.path("field").asText();
        switch (proto) {
            case "ip", "ip6" -> {
                IpFamily f = proto.equals("ip") ? IpFamily.IPV4 : IpFamily.IPV6;
                Cond family = new Cond.Family(f, false);
                try {
                    return switch (field) {
                        case "saddr" -> List.of(family, new Cond.Source(f, ranges(right), negate));
                        case "daddr" -> List.of(family, new Cond.Destination(f, ranges(right), negate));
                        case "protocol", "nexthdr" -> List.of(family, new Cond.Protocol(names(right), negate));
                        default -> List.of(family, unknown("it matches " + proto + " " + field));
                    };
                } catch (IllegalArgumentException e) {
                    return List.of(family, unknown("it matches " + proto + " " + field + " against "
                            + NftText.expr(right)));
                }
            }
            case "tcp", "th" -> {
                Cond tcp = new Cond.Protocol(Set.of("tcp"), false);
                if (field.equals("dport")) {
                    try {
                        return List.of(tcp, new Cond.DestinationPort(ports(right), negate));
                    } catch (IllegalArgumentException e) {
                        return List.of(tcp, unknown("it matches the port " + NftText.expr(right)));
                    }
                }
                if (field.equals("sport")) {
                    try {
                        return List.of(tcp, new Cond.SourcePort(ports(right), negate));
                    } catch (IllegalArgumentException e) {
                        return List.of(tcp, unknown("it matches the source port " + NftText.expr(right)));
                    }
                }
                return List.of(tcp, unknown("it matches tcp " + field));
            }
            case "ether", "vlan", "arp" -> {
                return List.of(unknown("it matches " + proto + " " + field));
            }
            default -> {
                // udp, icmp, icmpv6, sctp...: a header the TCP connection does not have
                return List.of(new Cond.Protocol(Set.of(proto), false));
            }
        }
    }

    private Cond meta(String key, JsonNode right, boolean negate) {
        return switch (key) {
            case "l4proto" -> new Cond.Protocol(names(right), negate);
            case "nfproto", "protocol" -> {
                Set<String> n = names(right);
                boolean v4 = n.contains("ipv4") || n.contains("ip");
                boolean v6 = n.contains("ipv6") || n.contains("ip6");
                if (v4 && v6) {
                    yield new Cond.Fixed(Tri.of(!negate), "meta " + key);
                }
                yield new Cond.Family(v6 ? IpFamily.IPV6 : IpFamily.IPV4, negate);
            }
            case "iifname", "iif" -> new Cond.Interface(true, texts(right), negate);
            case "oifname", "oif" -> new Cond.Interface(false, texts(right), negate);
            case "pkttype" -> new Cond.Fixed(Tri.of(names(right).contains("host") != negate), "meta pkttype");
            default -> unknown("it matches meta " + key);
        };
    }

    private static Cond fib(JsonNode fib, JsonNode right, boolean negate) {
        String result = fib.path("result").asText();
        Set<String> flags = names(fib.path("flags"));
        if (result.equals("type") && flags.contains("daddr")) {
            Set<String> types = names(right);
            if (types.contains("unicast")) {
                return new Cond.Fixed(Tri.of(!negate), "fib daddr type unicast");
            }
            if (types.contains("local")) {
                return new Cond.DestinationLocal(!negate);
            }
            return new Cond.Fixed(Tri.of(negate), "fib daddr type");
        }
        if (result.equals("oif") && flags.contains("saddr") && right.isBoolean()) {
            // reverse-path check: the packet arrives where the route back to its source points
            return new Cond.Fixed(Tri.of(right.asBoolean() != negate), "fib saddr oif");
        }
        return unknown("it matches " + NftText.expr(MAPPER.createObjectNode().set("fib", fib)));
    }

    private static Cond unknown(String why) {
        return new Cond.Fixed(Tri.UNKNOWN, why);
    }

    /** Elements of a value: a scalar, an anonymous set, or a named set. */
    private List<JsonNode> elements(JsonNode right) {
        if (right.isTextual() && right.asText().startsWith("@")) {
            JsonNode set = sets.get(right.asText());
            if (set == null) {
                throw new IllegalArgumentException("set " + right.asText() + " not found");
            }
            List<JsonNode> out = new ArrayList<>();
            set.forEach(e -> out.add(e.has("elem") ? e.get("elem").path("val") : e));
            return out;
        }
        if (right.has("set")) {
            List<JsonNode> out = new ArrayList<>();
            right.get("set").forEach(e -> out.add(e.has("elem") ? e.get("elem").path("val") : e));
            return out;
        }
        if (right.isArray()) {
            List<JsonNode> out = new ArrayList<>();
            right.forEach(out::add);
            return out;
        }
        return List.of(right);
    }

    private List<String> texts(JsonNode right) {
        return elements(right).stream().map(JsonNode::asText).toList();
    }

    private static Set<String> names(JsonNode right) {
        Set<String> out = new HashSet<>();
        if (right.has("set")) {
            right.get("set").forEach(e -> out.add(e.asText().toLowerCase(Locale.ROOT)));
        } else if (right.isArray()) {
            right.forEach(e -> out.add(e.asText().toLowerCase(Locale.ROOT)));
        } else {
            out.add(right.asText().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private List<AddrRange> ranges(JsonNode right) {
        List<AddrRange> out = new ArrayList<>();
        for (JsonNode e : elements(right)) {
            if (e.has("prefix")) {
                out.add(AddrRange.of(Cidr.parse(e.get("prefix").path("addr").asText() + "/"
                        + e.get("prefix").path("len").asInt())));
            } else if (e.has("range")) {
                AddrRange a = AddrRange.of(Cidr.parse(e.get("range").path(0).asText()));
                AddrRange b = AddrRange.of(Cidr.parse(e.get("range").path(1).asText()));
                out.add(new AddrRange(a.family(), a.lo(), b.lo()));
            } else {
                out.add(AddrRange.of(Cidr.parse(e.asText())));
            }
        }
        return out;
    }

    private List<int[]> ports(JsonNode right) {
        List<int[]> out = new ArrayList<>();
        for (JsonNode e : elements(right)) {
            if (e.has("range")) {
                out.add(new int[] {port(e.get("range").path(0)), port(e.get("range").path(1))});
            } else {
                int p = port(e);
                out.add(new int[] {p, p});
            }
        }
        return out;
    }

    private static int port(JsonNode n) {
        if (n.canConvertToInt()) {
            return n.asInt();
        }
        try {
            return Integer.parseInt(n.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number: " + n, e);
        }
    }

    private static Cond protocolOf(JsonNode payload) {
        String proto = payload.path("protocol").asText();
        return new Cond.Protocol(Set.of(proto.equals("th") ? "tcp" : proto), false);
    }
}
