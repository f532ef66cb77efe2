package dev.port25.firewall.eval;

import dev.port25.firewall.net.AddrRange;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.net.IpFamily;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Every layer of this host's packet filter that can accept or drop an inbound connection: the
 * native nftables tables (firewalld's, other tools', the agent's), the iptables-nft tables and the
 * iptables-legacy tables, IPv4 and IPv6; and the evaluation of a new inbound TCP connection
 * through them, hook by hook and priority by priority, as the kernel walks them.
 *
 * <p>The walk: ingress chains of the arrival interface, then prerouting (raw, conntrack, mangle,
 * destination NAT), then input, or forward when a DNAT sent the connection to another host (a
 * container's published port). A drop or reject in any base chain is final; an accept ends only
 * that base chain, and the next one sees the packet. A rule whose match cannot be decided from the
 * rules alone (a rate limit, an ipset, a mark, the destination address) is followed both ways;
 * when the ways end differently the verdict is UNKNOWN and names that rule.
 *
 * <p>Known facts of such a packet are used, not guessed: it is a TCP SYN of a new connection
 * (conntrack state "new", not DNATed unless a rule here does it), unicast to a local address, and
 * it arrives on the interface the route back to its source uses (so a reverse-path check passes).
 * Once the SYN is through, the packets after it (state "established", flags ACK, translated as the
 * SYN was, past no nat chain) are walked too: a connection whose later packets are blocked opens
 * and carries nothing; a drop there is a DROP for the client, a reject (a reset or an ICMP error
 * about the handshake's last packet, which ends the client's connect) a REJECT.
 *
 * <p>Outbound connections (egress) are walked the same way through the output and postrouting
 * chains, from an unknown local address to a known destination and interface.
 */
public final class PacketFilter implements HostFilter {

    /** Limit on the ways a walk is followed before the answer is UNKNOWN. */
    private static final int MAX_WAYS = 256;
    private static final int MAX_DEPTH = 64;
    /** Inbound: "input" becomes "forward" once a DNAT sends the flow to another host. */
    private static final List<String> INBOUND_HOOKS = List.of("ingress", "prerouting", "input");
    private static final List<String> OUTBOUND_HOOKS = List.of("output", "postrouting");

    private final List<Table> tables;
    private final List<String> unread;
    private final Map<InetAddress, Route> routes;
    private final List<String> interfaces;

    /**
     * @param tables every table read, in a stable order (nftables, then iptables-nft, then
     *               iptables-legacy: the order chains at the same hook and priority are walked)
     * @param unread layers that could not be read, each with why
     * @param routes the routes to every DNAT target address of the tables
     * @param interfaces the host's non-loopback interfaces; empty when not known
     */
    PacketFilter(List<Table> tables, List<String> unread, Map<InetAddress, Route> routes, List<String> interfaces) {
        this.tables = List.copyOf(tables);
        this.unread = List.copyOf(unread);
        this.routes = Map.copyOf(routes);
        this.interfaces = List.copyOf(interfaces);
    }

    /** The host's non-loopback interfaces, as read; empty when not known. */
    public List<String> interfaces() {
        return interfaces;
    }

    /**
     * A packet filter whose layers were not read (a state recorded without them): every accept is
     * UNKNOWN, with {@code why}.
     */
    public static PacketFilter notRead(String why) {
        return new PacketFilter(List.of(), List.of(why), Map.of(), List.of());
    }

    /** The layers that could not be read, each with why; their rules are not in any verdict. */
    @Override
    public List<String> unread() {
        return unread;
    }

    /** Every table, as {@code "nftables inet firewalld"}, in walking order. */
    @Override
    public List<String> tableNames() {
        return tables.stream().map(Table::where).toList();
    }

    /**
     * What nf_tables holds in iptables-nft's table {@code name} of {@code family} besides rules
     * ("chain INPUT", "set blocklist"), as the nft ruleset read shows it; empty when the table does
     * not exist or nft could not be read. ({@code iptables-nft-save} prints a table's built-in
     * chains whether or not the table exists, and no sets: only the nft ruleset tells.)
     */
    public Optional<List<String>> nfTableObjects(IpFamily family, String name) {
        String where = "iptables-nft " + family.label() + " " + name;
        return tables.stream().filter(t -> t.where().equals(where) && t.created().isPresent()).findFirst()
                .map(Table::objects);
    }

    /**
     * Whether connections of {@code family} are translated on to another address or port here: a
     * DNAT rule of that family is in the tables read (a layer not read is in {@link #unread}, and
     * the ways in it hides are UNKNOWN there).
     */
    public boolean translates(IpFamily family) {
        for (Table t : tables) {
            for (Chain c : t.chains().values()) {
                for (Rule r : c.rules()) {
                    if (r.action() instanceof Action.Dnat d && d.family() == family) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The DNAT target addresses in the tables (their routes are needed for the evaluation). */
    List<InetAddress> dnatTargets() {
        Set<InetAddress> out = new LinkedHashSet<>();
        for (Table t : tables) {
            for (Chain c : t.chains().values()) {
                for (Rule r : c.rules()) {
                    if (r.action() instanceof Action.Dnat d && d.address().isPresent()) {
                        out.add(AddrRange.address(d.family(), d.address().get()));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    PacketFilter withRoutes(Map<InetAddress, Route> newRoutes) {
        return new PacketFilter(tables, unread, newRoutes, interfaces);
    }

    /** What happens to a new inbound TCP connection described by {@code packet}. */
    @Override
    public Decision decide(Packet packet) {
        return decide(inbound(packet), INBOUND_HOOKS, Optional.empty()).decision;
    }

    private static Supplier<Flow> inbound(Packet packet) {
        return () -> Flow.inbound(packet.family(), AddrRange.number(packet.source()), packet.inInterface(),
                packet.port());
    }

    /**
     * An address and port inside another network namespace (a container's) that a DNAT of this
     * host may send connections to.
     */
    public record Target(InetAddress address, int port) {
        public Target {
            Objects.requireNonNull(address, "address");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        public IpFamily family() {
            return IpFamily.ofLength(address.getAddress().length);
        }

        boolean is(Flow flow) {
            return flow.dnated && flow.port == port && flow.destination.map(d -> d.equals(AddrRange.number(address)))
                    .orElse(false);
        }

        @Override
        public String toString() {
            String text = IpAddresses.text(address);
            return (address.getAddress().length == 16 ? "[" + text + "]" : text) + ":" + port;
        }
    }

    /**
     * One way in to a {@link Target}: connections to {@code hostPort} of this host that a DNAT
     * translates to it, and who can open them.
     *
     * @param hostPort the port of this host a client connects to
     * @param target   where the DNAT sends them
     * @param exposure who the whole path lets through (prerouting, the DNAT, forward): a source
     *                 counts only when its connection is translated to the target and passes
     */
    public record Published(int hostPort, Target target, Exposure exposure) {
    }

    /**
     * The ports of this host whose new connections a DNAT translates to {@code target}, each with
     * who can open them through every layer: the ports DNAT rules to the target's address match,
     * each walked as a connection is (so a DNAT that only some interfaces or sources meet, a
     * DOCKER-USER drop, a forward policy all count). Empty when no DNAT leads there.
     */
    @Override
    public List<Published> publishedTo(Target target) {
        List<Published> out = new ArrayList<>();
        Optional<Set<Integer>> candidates = candidatePorts(target);
        if (candidates.isEmpty()) {
            return List.of(unknownWay(target, "more than " + MAX_CANDIDATE_PORTS + " host ports are translated by "
                    + "the nat rules; which lead to " + target + " is not judged"));
        }
        for (int hostPort : candidates.get()) {
            analyze(target.family(), hostPort, interfaces, false, Optional.of(target), names(target, hostPort))
                    .ifPresent(e -> out.add(new Published(hostPort, target, e)));
        }
        // a layer not read, or a nat rule the evaluation cannot follow, may hold a DNAT to the target
        List<String> unseen = new ArrayList<>(unread.stream().map(u -> "not read: " + u).toList());
        for (Table t : tables) {
            if (!natTable(t)) {
                continue;
            }
            for (Chain c : t.chains().values()) {
                for (Rule r : c.rules()) {
                    if (r.action() instanceof Action.Unknown u) {
                        unseen.add("cannot follow " + r.ref() + ": " + u.why());
                    }
                }
            }
        }
        if (out.isEmpty() && !unseen.isEmpty()) {
            return List.of(unknownWay(target, String.join("; ", unseen)));
        }
        return out;
    }

    /** A way in on the target's own port whose verdict is UNKNOWN, for {@code why}. */
    private static Published unknownWay(Target target, String why) {
        return new Published(target.port(), target, new Exposure(target.family(), Exposure.Level.UNKNOWN, List.of(),
                Map.of(), List.of(), List.of("whether a DNAT of this host leads to " + target + " is not known: " + why)));
    }

    /** A table with a nat base chain (iptables' nat table, an nft table with a nat chain). */
    private static boolean natTable(Table t) {
        return t.baseChains().stream().anyMatch(Chain::nat);
    }

    /**
     * The ways in through this host's DNAT to {@code port} of every address a DNAT of the tables
     * sends to: what {@code enforce} must also have closed for a port it closes.
     */
    @Override
    public List<Published> publishedTo(int port) {
        List<Published> out = new ArrayList<>();
        for (InetAddress a : dnatTargets()) {
            out.addAll(publishedTo(new Target(a, port)));
        }
        return out;
    }

    /**
     * Whether a DNAT rule names {@code hostPort} and sends it to {@code target} (Docker's, netavark's:
     * {@code --dport 25 -j DNAT --to-destination A:25}): then the port is a way in even where every
     * connection to it is blocked before the translation.
     */
    private boolean names(Target target, int hostPort) {
        BigInteger address = AddrRange.number(target.address());
        for (Table t : tables) {
            for (Chain c : t.chains().values()) {
                for (Rule r : c.rules()) {
                    if (r.action() instanceof Action.Dnat d && d.family() == target.family()
                            && d.address().map(address::equals).orElse(false)
                            && d.port().orElse(hostPort) == target.port()) {
                        List<Cond.DestinationPort> dports = r.conds().stream()
                                .filter(x -> x instanceof Cond.DestinationPort dp && !dp.negate())
                                .map(x -> (Cond.DestinationPort) x).toList();
                        boolean matches = dports.isEmpty() ? hostPort == target.port() : dports.stream()
                                .allMatch(dp -> dp.ranges().stream().anyMatch(x -> x[0] <= hostPort && hostPort <= x[1]));
                        if (matches) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** At most this many host ports are tried for one target, besides those its own DNATs name. */
    private static final int MAX_CANDIDATE_PORTS = 1024;

    /**
     * The host ports that could be translated to {@code target}: none when no DNAT rule of its
     * family sends to its address (or keeps the address: a port rewrite); else the ports the DNAT
     * rules to it match on and the target's own port, then every other port a rule of a nat table
     * matches on (a DNAT in a chain jumped to by port: kube-proxy's, netavark's), at most
     * {@link #MAX_CANDIDATE_PORTS} of these; empty (not judged) when there are more.
     */
    private Optional<Set<Integer>> candidatePorts(Target target) {
        BigInteger address = AddrRange.number(target.address());
        boolean leads = false;
        Set<Integer> direct = new TreeSet<>();
        direct.add(target.port());
        List<Rule> nat = new ArrayList<>();
        for (Table t : tables) {
            if (natTable(t)) {
                t.chains().values().forEach(c -> nat.addAll(c.rules()));
            }
        }
        for (Rule r : nat) { // the DNATs to the target first, whatever their number of ports
            if (r.action() instanceof Action.Dnat d && d.family() == target.family()
                    && d.address().map(address::equals).orElse(true)
                    && d.port().map(p -> p == target.port()).orElse(true)) {
                leads = true;
                destinationPorts(r).forEach(range -> IntStream.rangeClosed(range[0], range[1]).forEach(direct::add));
            }
        }
        if (!leads) {
            return Optional.of(Set.of());
        }
        Set<Integer> all = new TreeSet<>(direct);
        int others = 0;
        for (Rule r : nat) {
            for (int[] range : destinationPorts(r)) {
                for (int p = range[0]; p <= range[1]; p++) {
                    if (all.add(p) && ++others > MAX_CANDIDATE_PORTS) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.of(all);
    }

    private static List<int[]> destinationPorts(Rule r) {
        List<int[]> out = new ArrayList<>();
        for (Cond cond : r.conds()) {
            if (cond instanceof Cond.DestinationPort dp && !dp.negate()) {
                out.addAll(dp.ranges());
            }
        }
        return out;
    }

    /**
     * What happens to a new outbound TCP connection from this host to {@code destination}:
     * the output and postrouting chains, from some local address.
     *
     * @param outInterface the interface the route to the destination leaves by, when known
     */
    public Decision decideOutbound(InetAddress destination, Optional<String> outInterface, int port) {
        IpFamily family = IpFamily.ofLength(destination.getAddress().length);
        return decide(() -> Flow.outbound(family, AddrRange.number(destination), outInterface, port), OUTBOUND_HOOKS,
                Optional.empty()).decision;
    }

    /**
     * A decision, and whether the connection was translated to the target asked about (with a
     * target, one that is not counts as not let through to it: DROP).
     */
    private record Judged(Decision decision, boolean translated) {
    }

    private Judged decide(Supplier<Flow> start, List<String> hooks, Optional<Target> target) {
        List<Outcome> outcomes = new ArrayList<>();
        Deque<List<Boolean>> todo = new ArrayDeque<>();
        todo.push(List.of());
        boolean translated = false;
        while (!todo.isEmpty()) {
            if (outcomes.size() >= MAX_WAYS) {
                return new Judged(Decision.unknown("more than " + MAX_WAYS + " combinations of undecidable rules"),
                        translated);
            }
            List<Boolean> prefix = todo.pop();
            Chooser chooser = new Chooser(prefix);
            Flow flow = start.get();
            Outcome o = walk(flow, hooks, chooser);
            if (target.isPresent()) {
                boolean there = target.get().is(flow);
                // a way that ends undecided before any translation may have led there
                translated |= there || (o.verdict == Verdict.UNKNOWN && !flow.dnated);
                // not translated there: not this way in; a block before any translation stands in
                // front of it, and is named
                boolean before = o.verdict.blocks() && !flow.dnated && !flow.routed;
                if (!there && (o.verdict != Verdict.UNKNOWN || flow.dnated)) { // translated elsewhere: not this way
                    o = new Outcome(Verdict.DROP, before ? o.decidedBy : Optional.empty(), List.of(), o.points);
                }
            }
            outcomes.add(o);
            for (int k = prefix.size(); k < chooser.made.size(); k++) {
                List<Boolean> alternative = new ArrayList<>(chooser.made.subList(0, k));
                alternative.add(true);
                todo.push(alternative);
            }
        }
        Decision d = combine(outcomes);
        if (unread.isEmpty()) {
            return new Judged(d, translated);
        }
        List<String> notes = new ArrayList<>(d.notes());
        notes.addAll(unread.stream().map(u -> "not read: " + u).toList());
        if (d.verdict().blocks()) {
            return new Judged(new Decision(d.verdict(), d.decidedBy(), notes), translated);
        }
        return new Judged(new Decision(Verdict.UNKNOWN, d.decidedBy(), notes), translated);
    }

    /** Who can connect to {@code port} over {@code family}, on each of the host's interfaces. */
    @Override
    public Exposure exposure(IpFamily family, int port) {
        return exposure(family, port, interfaces);
    }

    /**
     * Who can connect to {@code port} over {@code family}: every source, on each of
     * {@code interfaces} (the host's non-loopback interfaces; empty when not known). A source is
     * allowed when some interface accepts it; where interfaces disagree, {@link Exposure#byInterface()}
     * says how.
     */
    public Exposure exposure(IpFamily family, int port, List<String> interfaces) {
        return analyze(family, port, interfaces, false, Optional.empty(), false).orElseThrow();
    }

    /**
     * Which destinations this host can open a new TCP connection to on {@code port} over
     * {@code family}, leaving by any of its non-loopback interfaces: OPEN (every destination),
     * CLOSED (none), RESTRICTED (only {@link Exposure#allowedFrom()}, which here lists
     * destinations), UNKNOWN.
     */
    @Override
    public Exposure egress(IpFamily family, int port) {
        return analyze(family, port, interfaces, true, Optional.empty(), false).orElseThrow();
    }

    /**
     * Who gets through to {@code port}: every source on every interface, decided. With a target,
     * only connections translated to it count, and when none is (on no interface, from no source)
     * the answer is empty, unless {@code named} (a DNAT rule names the port and the target): the
     * port is no way in to it.
     */
    private Optional<Exposure> analyze(IpFamily family, int port, List<String> interfaces, boolean outbound,
                                       Optional<Target> target, boolean named) {
        List<Optional<String>> ifaces = interfaces.isEmpty() ? List.of(Optional.empty())
                : interfaces.stream().map(Optional::of).toList();
        ExposureWalk walk = new ExposureWalk(family, intervalStarts(family, outbound));
        boolean[] translated = {false};
        for (Optional<String> iface : ifaces) {
            walk.place(iface.orElse("?"), start -> {
                InetAddress a = AddrRange.address(family, start);
                if (outbound) {
                    return decideOutbound(a, iface, port);
                }
                Judged j = decide(inbound(new Packet(a, iface, port)), INBOUND_HOOKS, target);
                translated[0] |= j.translated;
                return j.decision;
            });
        }
        if (target.isPresent() && !translated[0] && !named) {
            return Optional.empty();
        }
        return Optional.of(walk.result());
    }

    /** The first address of every interval on which all source (or destination) matches of the family agree. */
    private List<BigInteger> intervalStarts(IpFamily family, boolean destinations) {
        TreeSet<BigInteger> points = new TreeSet<>();
        points.add(BigInteger.ZERO);
        BigInteger max = AddrRange.max(family);
        for (Table t : tables) {
            for (Chain c : t.chains().values()) {
                for (Rule r : c.rules()) {
                    for (Cond cond : r.conds()) {
                        for (AddrRange range : destinations ? cond.destinationRanges() : cond.sourceRanges()) {
                            if (range.family() == family) {
                                points.add(range.lo());
                                if (range.hi().compareTo(max) < 0) {
                                    points.add(range.hi().add(BigInteger.ONE));
                                }
                            }
                        }
                    }
                }
            }
        }
        return List.copyOf(points);
    }

    private static Decision combine(List<Outcome> outcomes) {
        Outcome first = outcomes.get(0);
        boolean same = outcomes.stream().allMatch(o -> o.verdict == first.verdict);
        if (same && first.verdict != Verdict.UNKNOWN) {
            return new Decision(first.verdict, first.decidedBy, first.notes);
        }
        if (outcomes.size() == 1) {
            return new Decision(Verdict.UNKNOWN, first.decidedBy, first.notes);
        }
        Set<String> notes = new LinkedHashSet<>();
        Set<String> ways = new TreeSet<>();
        for (Outcome o : outcomes) {
            ways.add(o.verdict.name());
            notes.addAll(o.notes);
            for (Chooser.Point p : o.points) {
                notes.add("undecidable: " + p.rule() + " (" + p.why() + ")");
            }
        }
        List<String> all = new ArrayList<>();
        all.add("the verdict depends on rules the agent cannot decide: " + String.join(" or ", ways));
        all.addAll(notes);
        return new Decision(Verdict.UNKNOWN, Optional.empty(), all);
    }

    private record Outcome(Verdict verdict, Optional<RuleRef> decidedBy, List<String> notes,
                           List<Chooser.Point> points) {
    }

    /** Hands out the choices for undecidable matches: the given prefix, then "does not match". */
    private static final class Chooser {
        record Point(RuleRef rule, String why) {
        }

        final List<Boolean> prefix;
        final List<Boolean> made = new ArrayList<>();
        final List<Point> points = new ArrayList<>();
        /** The choices made so far, by rule: a later packet of the connection takes the same. */
        private final Map<RuleRef, Boolean> byRule = new HashMap<>();
        /** The later packets are walked: a rule chosen for the SYN is not chosen again. */
        boolean again;

        Chooser(List<Boolean> prefix) {
            this.prefix = prefix;
        }

        boolean choose(RuleRef rule, String why) {
            if (again && byRule.containsKey(rule)) {
                return byRule.get(rule);
            }
            boolean c = made.size() < prefix.size() && prefix.get(made.size());
            made.add(c);
            points.add(new Point(rule, why));
            byRule.putIfAbsent(rule, c);
            return c;
        }
    }

    /** The result of one base chain. */
    private record Step(Verdict verdict, Optional<RuleRef> rule, boolean explicit, String note) {
    }

    private Outcome walk(Flow flow, List<String> hooks, Chooser chooser) {
        List<String> notes = new ArrayList<>();
        Leg first = leg(flow, hooks, chooser, notes);
        if (first.verdict != Verdict.ACCEPT || hooks != INBOUND_HOOKS) {
            return new Outcome(first.verdict, first.rule, notes, chooser.points);
        }
        if (flow.dnated) {
            // the packets after a translated SYN meet the chains before the translation with the
            // original address and port, and those after it translated: not modelled
            notes.add("the packets after the SYN are not walked: the connection is translated (DNAT)");
            return new Outcome(Verdict.ACCEPT, first.rule, notes, chooser.points);
        }
        // the SYN is through; the connection carries SMTP only if the packets after it pass too
        // (nat chains see only the first packet). An undecidable match is the same fact for every
        // packet of the connection: the choice made for the SYN holds (Chooser.again).
        flow.established = true;
        chooser.again = true;
        Leg next = leg(flow, hooks, chooser, notes);
        if (next.verdict == Verdict.ACCEPT) {
            return new Outcome(Verdict.ACCEPT, first.rule, notes, chooser.points);
        }
        if (!next.verdict.blocks()) {
            return new Outcome(next.verdict, next.rule, notes, chooser.points);
        }
        // the handshake's last packet is refused at once (a reset or an ICMP error, which the
        // client takes as fatal while its connect() completes), or dropped: the client waits
        notes.add("the connection's first packet passes, but the packets after it (ct state established) are "
                + (next.verdict == Verdict.DROP ? "dropped" : "refused") + " by "
                + next.rule.map(RuleRef::toString).orElse("a policy") + ": the connection opens and carries nothing");
        return new Outcome(next.verdict, next.rule, notes, chooser.points);
    }

    /** The verdict of one packet through the hooks. */
    private record Leg(Verdict verdict, Optional<RuleRef> rule) {
    }

    private Leg leg(Flow flow, List<String> hooks, Chooser chooser, List<String> notes) {
        Optional<RuleRef> lastAccept = Optional.empty();
        for (int h = 0; h < hooks.size(); h++) {
            String hook = hooks.get(h);
            flow.routed |= hook.equals("input");
            if (hook.equals("input") && flow.forwarded) {
                hook = "forward";
            }
            List<Map.Entry<Table, Chain>> chains = baseChains(hook, flow.family);
            for (int at = 0; at < chains.size(); at++) {
                Map.Entry<Table, Chain> e = chains.get(at);
                Chain base = e.getValue();
                if (flow.established && base.nat()) {
                    continue;
                }
                if (base.device().isPresent()) {
                    Cond bound = new Cond.Interface(true, List.of(base.device().get()), false);
                    Tri on = bound.test(flow);
                    if (on == Tri.UNKNOWN) {
                        on = Tri.of(chooser.choose(base.policyRef(), "the chain is bound to device "
                                + base.device().get() + " and the arrival interface is not known"));
                    }
                    if (on == Tri.FALSE) {
                        continue;
                    }
                }
                Step s = run(e.getKey(), base, flow, chooser);
                if (s.note != null && !notes.contains(s.note)) {
                    notes.add(s.note);
                }
                if (s.verdict != Verdict.ACCEPT) {
                    if (s.verdict.blocks()) {
                        orderUnknown(chains, at).ifPresent(notes::add);
                    }
                    return new Leg(s.verdict, s.rule);
                }
                if (s.explicit) {
                    lastAccept = s.rule;
                }
            }
        }
        return new Leg(Verdict.ACCEPT, lastAccept);
    }

    private List<Map.Entry<Table, Chain>> baseChains(String hook, IpFamily family) {
        List<Map.Entry<Table, Chain>> out = new ArrayList<>();
        for (Table t : tables) {
            for (Chain c : t.baseChains()) {
                if (c.hook().get().equals(hook) && c.families().contains(family)) {
                    out.add(Map.entry(t, c));
                }
            }
        }
        // at equal priority the kernel runs the hook registered last first (nf_hook_entries_grow
        // inserts a new hook before those of the same priority): the newer table, and in a table
        // the newer chain. A legacy table's age is not shown; it is put first, and a block decided
        // beside one is marked as of unknown kind (ORDER_UNKNOWN).
        out.sort(Comparator.<Map.Entry<Table, Chain>>comparingInt(e -> e.getValue().priority())
                .thenComparing(e -> e.getKey().created().orElse(Long.MAX_VALUE), Comparator.reverseOrder())
                .thenComparing(e -> e.getValue().handle(), Comparator.reverseOrder()));
        return out;
    }

    /**
     * The note on a block decided in a base chain that shares its hook and priority with a later
     * one of another table whose relative age is unknown (an iptables-legacy table beside an
     * nf_tables one): the kernel may run that one first, so the block holds but may be the other
     * kind (DROP or REJECT).
     */
    static final String ORDER_UNKNOWN = "blocked, but the kind of block may differ:";

    private static Optional<String> orderUnknown(List<Map.Entry<Table, Chain>> chains, int at) {
        Map.Entry<Table, Chain> x = chains.get(at);
        for (int k = at + 1; k < chains.size(); k++) {
            Map.Entry<Table, Chain> y = chains.get(k);
            if (y.getValue().priority() == x.getValue().priority() && y.getKey() != x.getKey()
                    && (y.getKey().created().isEmpty() || x.getKey().created().isEmpty())) {
                return Optional.of(ORDER_UNKNOWN + " " + x.getKey().where() + " " + x.getValue().name() + " and "
                        + y.getKey().where() + " " + y.getValue().name() + " share priority " + x.getValue().priority()
                        + ", and which one the kernel runs first depends on which was registered last");
            }
        }
        return Optional.empty();
    }

    private record Frame(Chain chain, int next) {
    }

    private Step run(Table table, Chain base, Flow flow, Chooser chooser) {
        Deque<Frame> stack = new ArrayDeque<>();
        Chain current = base;
        int i = 0;
        while (true) {
            if (i >= current.rules().size()) {
                if (stack.isEmpty()) {
                    return new Step(base.policy(), Optional.of(base.policyRef()), false, null);
                }
                Frame f = stack.pop();
                current = f.chain;
                i = f.next;
                continue;
            }
            Rule rule = current.rules().get(i++);
            if (!rule.action().decisive()) {
                continue;
            }
            Tri m = match(rule, flow, chooser);
            if (m == Tri.FALSE) {
                continue;
            }
            Action action = rule.action();
            if (action instanceof Action.Accept) {
                return new Step(Verdict.ACCEPT, Optional.of(rule.ref()), true, null);
            } else if (action instanceof Action.Drop) {
                return new Step(Verdict.DROP, Optional.of(rule.ref()), true, null);
            } else if (action instanceof Action.Reject) {
                return new Step(Verdict.REJECT, Optional.of(rule.ref()), true, null);
            } else if (action instanceof Action.Jump j) {
                Chain target = table.chains().get(j.chain());
                if (target == null || stack.size() >= MAX_DEPTH) {
                    return unknownStep(rule, target == null ? "jump to a chain that does not exist"
                            : "chains nested deeper than " + MAX_DEPTH);
                }
                stack.push(new Frame(current, i));
                current = target;
                i = 0;
            } else if (action instanceof Action.Goto g) {
                Chain target = table.chains().get(g.chain());
                if (target == null) {
                    return unknownStep(rule, "goto to a chain that does not exist");
                }
                current = target;
                i = 0;
            } else if (action instanceof Action.Return) {
                if (stack.isEmpty()) {
                    return new Step(base.policy(), Optional.of(base.policyRef()), false, null);
                }
                Frame f = stack.pop();
                current = f.chain;
                i = f.next;
            } else if (action instanceof Action.Notrack) {
                flow.untracked = true;
            } else if (action instanceof Action.Dnat d) {
                return new Step(Verdict.ACCEPT, Optional.of(rule.ref()), false, dnat(flow, d));
            } else if (action instanceof Action.Unknown u) {
                return unknownStep(rule, u.why());
            }
        }
    }

    private static Step unknownStep(Rule rule, String why) {
        return new Step(Verdict.UNKNOWN, Optional.of(rule.ref()), true, "cannot follow " + rule.ref() + ": " + why);
    }

    private String dnat(Flow flow, Action.Dnat d) {
        flow.dnated = true;
        d.port().ifPresent(p -> flow.port = p);
        if (d.address().isPresent()) {
            flow.destination = d.address();
            Route route = routes.get(AddrRange.address(d.family(), d.address().get()));
            flow.destinationLocal = route != null && route.local();
            flow.forwarded = flow.source.isPresent() && !flow.destinationLocal;
            flow.outInterface = route == null ? Optional.empty() : route.device();
        }
        return "connections to this port are translated (" + d.text() + ")"
                + (flow.forwarded ? " and forwarded: the forward chains decide" : "");
    }

    private static Tri match(Rule rule, Flow flow, Chooser chooser) {
        String why = null;
        for (Cond c : rule.conds()) {
            Tri t = c.test(flow);
            if (t == Tri.FALSE) {
                return Tri.FALSE;
            }
            if (t == Tri.UNKNOWN && why == null) {
                why = c.undecidable();
            }
        }
        if (why == null) {
            return Tri.TRUE;
        }
        return Tri.of(chooser.choose(rule.ref(), why));
    }
}
