package dev.port25.firewall.windows;

import dev.port25.firewall.eval.Decision;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.ExposureWalk;
import dev.port25.firewall.eval.HostFilter;
import dev.port25.firewall.eval.Packet;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.RuleRef;
import dev.port25.firewall.eval.Verdict;
import dev.port25.firewall.net.AddrRange;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.windows.WindowsPolicy.Act;
import dev.port25.firewall.windows.WindowsPolicy.FwRule;
import dev.port25.firewall.windows.WindowsPolicy.GpoBool;
import dev.port25.firewall.windows.WindowsPolicy.Profile;
import dev.port25.firewall.windows.WindowsPolicy.Source;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Windows Defender Firewall's verdict on a new TCP connection, from one read of the ActiveStore
 * ({@link WindowsPolicy}), per family and per profile in use.
 *
 * <p>The order is Windows': an interface the profile excludes, or a profile with the firewall
 * off, lets everything through; otherwise a matching block rule wins over any allow rule (rules
 * have no order and no weights), a matching allow rule over the profile's default action. A
 * profile that disallows local rules (AllowLocalFirewallRules False, set by Group Policy) ignores
 * every rule of the local store, the agent's own among them; one that disallows inbound rules
 * (AllowInboundRules False) ignores every inbound allow. Allow rules that need an IPsec-
 * authenticated peer (Authentication Required, a remote user or machine, AllowBypass) do not let a
 * plain SMTP client in.
 *
 * <p>A condition only the host's configuration or the listener's owner could decide (an address
 * keyword such as LocalSubnet, a program, a service, a local address, an interface type) is never
 * guessed: where it would change the verdict, the verdict is UNKNOWN and names the rule.
 * Loopback connections are not filtered by these rules at all (KB2771908), so the agent's rules
 * never stand in the way of local submission to 127.0.0.1:25, and a connection from any of
 * 127.0.0.0/8 or ::1 is let in whatever the rules say. (A connection from one of the host's own
 * other addresses is loopback to Windows too; the evaluation does not know those addresses and
 * judges it by the rules, which errs towards closed.)
 */
final class WindowsFilter implements HostFilter {

    /** Microsoft KB2771908: rules made with the firewall's own tools "have no effect on loopback communication". */
    private static final RuleRef LOOPBACK = new RuleRef("windows", "loopback: firewall rules do not apply to it");

    private final WindowsPolicy policy;
    private final List<String> unread;
    private final List<Place> places;
    /** Each rule with its address conditions read once: a walk decides every rule at every interval. */
    private final List<Read> rules;

    /** A rule and its remote and local addresses, read. */
    private record Read(FwRule rule, Tokens.Addresses remote, Tokens.Addresses local) {
    }

    /** Where a connection can arrive or leave: a network connection in its profile, or a profile when none is known. */
    private record Place(String label, Optional<String> alias, Profile profile) {
    }

    WindowsFilter(WindowsPolicy policy, List<String> unread) {
        this.policy = policy;
        this.rules = policy.rules().stream().map(r -> new Read(r, Tokens.addresses(r.when().remoteAddresses()),
                Tokens.addresses(r.when().localAddresses()))).toList();
        List<String> missing = new ArrayList<>(unread);
        List<Place> in = new ArrayList<>();
        for (WindowsPolicy.Connection c : policy.connections()) {
            Optional<Profile> p = policy.profile(c.profile());
            if (p.isPresent()) {
                in.add(new Place(c.alias() + " (" + c.profile().title() + ")", Optional.of(c.alias()), p.get()));
            } else {
                missing.add("profile " + c.profile().title() + " of " + c.alias());
            }
        }
        if (policy.connections().isEmpty()) { // no network connection read: every profile could be the one
            for (Profile p : policy.profiles()) {
                in.add(new Place("(" + p.kind().title() + " profile)", Optional.empty(), p));
            }
        }
        if (in.isEmpty()) {
            missing.add("no firewall profile was read");
        }
        this.unread = List.copyOf(missing);
        this.places = List.copyOf(in);
    }

    @Override
    public List<String> unread() {
        return unread;
    }

    @Override
    public List<String> tableNames() {
        Map<String, Integer> stores = new LinkedHashMap<>();
        for (FwRule r : policy.rules()) {
            stores.merge(r.store().isEmpty() ? r.source().name() : r.store(), 1, Integer::sum);
        }
        List<String> out = new ArrayList<>();
        out.add("windows ActiveStore profiles " + String.join(", ",
                policy.profiles().stream().map(p -> p.kind().title()).toList()));
        stores.forEach((store, n) -> out.add("windows ActiveStore rules from " + store + " (" + n + ")"));
        return out;
    }

    /** Windows Defender Firewall translates nothing to another host; port proxies and WinNAT are not read. */
    @Override
    public List<PacketFilter.Published> publishedTo(int port) {
        return List.of();
    }

    @Override
    public List<PacketFilter.Published> publishedTo(PacketFilter.Target target) {
        return List.of();
    }

    @Override
    public Decision decide(Packet packet) {
        if (packet.source().isLoopbackAddress()) {
            return new Decision(Verdict.ACCEPT, Optional.of(LOOPBACK), List.of());
        }
        List<Place> at = packet.inInterface()
                .map(i -> places.stream().filter(p -> p.alias().map(i::equalsIgnoreCase).orElse(false)).toList())
                .filter(l -> !l.isEmpty()).orElse(places);
        BigInteger source = AddrRange.number(packet.source());
        Map<String, Decision> each = new LinkedHashMap<>();
        for (Place p : at) {
            each.put(p.label(), decide(p, packet.family(), source, packet.port(), false));
        }
        Set<Verdict> verdicts = new LinkedHashSet<>(each.values().stream().map(Decision::verdict).toList());
        if (verdicts.size() == 1) {
            return each.values().iterator().next();
        }
        StringBuilder why = new StringBuilder("it depends on the network it arrives on:");
        each.forEach((label, d) -> why.append(' ').append(label).append(' ').append(d.verdict())
                .append(d.decidedBy().map(r -> " by " + r).orElse("")).append(';'));
        return new Decision(Verdict.UNKNOWN, Optional.empty(), List.of(why.toString()));
    }

    @Override
    public Exposure exposure(IpFamily family, int port) {
        return analyze(family, port, false);
    }

    @Override
    public Exposure egress(IpFamily family, int port) {
        return analyze(family, port, true);
    }

    /** Every source (or destination) interval on which all rules agree, decided in every place. */
    private Exposure analyze(IpFamily family, int port, boolean outbound) {
        TreeSet<BigInteger> points = new TreeSet<>();
        points.add(BigInteger.ZERO);
        for (Read r : rules) {
            for (BigInteger b : r.remote().boundaries(family)) {
                if (b.compareTo(AddrRange.max(family)) <= 0) {
                    points.add(b);
                }
            }
        }
        ExposureWalk walk = new ExposureWalk(family, List.copyOf(points));
        for (Place place : places) {
            walk.place(place.label(), start -> decide(place, family, start, port, outbound));
        }
        if (places.isEmpty()) { // nothing to judge by: UNKNOWN, with why
            walk.place("?", start -> new Decision(Verdict.UNKNOWN, Optional.empty(),
                    unread.stream().map(u -> "not read: " + u).toList()));
        }
        return walk.result();
    }

    /** One rule's match for one connection: whether it applies, and what only the host could decide. */
    private record Applies(boolean maybe, List<String> unknowns) {
    }

    /** The verdict in {@code place} on a new TCP connection from (or, outbound, to) {@code address}. */
    private Decision decide(Place place, IpFamily family, BigInteger address, int port, boolean outbound) {
        Profile profile = place.profile();
        String where = "windows profile " + profile.kind().title();
        if (place.alias().isPresent() && profile.disabledInterfaces().stream()
                .anyMatch(a -> a.equalsIgnoreCase(place.alias().get()))) {
            return new Decision(Verdict.ACCEPT, Optional.of(new RuleRef(where, "interface " + place.alias().get()
                    + " is excluded from the firewall (DisabledInterfaceAliases)")), List.of());
        }
        if (place.alias().isEmpty() && !profile.disabledInterfaces().isEmpty()) {
            return new Decision(Verdict.UNKNOWN, Optional.empty(), List.of("the " + profile.kind().title()
                    + " profile excludes " + String.join(", ", profile.disabledInterfaces()) + " from the firewall "
                    + "(DisabledInterfaceAliases), and which network a connection arrives on was not read"));
        }
        if (profile.enabled() == GpoBool.FALSE) {
            return new Decision(Verdict.ACCEPT, Optional.of(new RuleRef(where, "the firewall is off in this profile "
                    + "(Enabled False)")), List.of());
        }
        List<String> notes = new ArrayList<>();
        Optional<FwRule> block = Optional.empty();
        Optional<FwRule> allow = Optional.empty();
        List<String> maybeBlock = new ArrayList<>();
        List<String> maybeAllow = new ArrayList<>();
        for (Read read : rules) {
            FwRule r = read.rule();
            if (!r.enabled() || r.inbound() == outbound || !r.in(profile.kind())
                    || (r.action() != Act.BLOCK && r.action() != Act.ALLOW && r.action() != Act.ALLOW_BYPASS)) {
                continue;
            }
            Optional<Applies> a = applies(read, place, family, address, port, outbound);
            if (a.isEmpty()) {
                continue;
            }
            if (r.source() == Source.LOCAL && profile.allowLocalRules() == GpoBool.FALSE) {
                notes.add("ignored: " + ref(r) + ": Group Policy disallows local rules in the " + profile.kind().title()
                        + " profile (AllowLocalFirewallRules False)");
                continue;
            }
            if (r.action() != Act.BLOCK) {
                if (!outbound && profile.allowInboundRules() == GpoBool.FALSE) {
                    notes.add("ignored: " + ref(r) + ": the " + profile.kind().title()
                            + " profile ignores inbound allow rules (AllowInboundRules False)");
                    continue;
                }
                String ipsec = r.action() == Act.ALLOW_BYPASS ? "AllowBypass" : authenticated(r.when());
                if (!ipsec.isEmpty()) {
                    notes.add(ref(r) + " lets in IPsec-authenticated peers only (" + ipsec + "), not a plain client");
                    continue;
                }
            }
            boolean isBlock = r.action() == Act.BLOCK;
            if (a.get().maybe()) {
                (isBlock ? maybeBlock : maybeAllow).add(ref(r) + " applies only if " + String.join(" and ",
                        a.get().unknowns()) + ", which is not known here");
                continue;
            }
            if (isBlock && block.isEmpty()) {
                block = Optional.of(r);
            } else if (!isBlock && allow.isEmpty()) {
                allow = Optional.of(r);
            }
        }
        if (block.isPresent()) {
            return new Decision(Verdict.DROP, Optional.of(refOf(block.get())), notes);
        }
        Decision base;
        if (allow.isPresent()) {
            base = new Decision(Verdict.ACCEPT, Optional.of(refOf(allow.get())), notes);
        } else {
            Act fallback = outbound ? profile.defaultOutbound() : profile.defaultInbound();
            boolean blocks = fallback == Act.BLOCK || (fallback == Act.NOT_CONFIGURED && !outbound);
            String text = "default " + (outbound ? "outbound" : "inbound") + " action " + (blocks ? "Block" : "Allow")
                    + (fallback == Act.NOT_CONFIGURED ? " (NotConfigured: Windows' own default)" : "");
            base = new Decision(blocks ? Verdict.DROP : Verdict.ACCEPT, Optional.of(new RuleRef(where, text)), notes);
        }
        List<String> could = base.verdict() == Verdict.ACCEPT ? maybeBlock
                : allow.isEmpty() ? maybeAllow : List.of();
        if (!could.isEmpty()) {
            List<String> why = new ArrayList<>(could);
            why.addAll(notes);
            return new Decision(Verdict.UNKNOWN, base.decidedBy(), why);
        }
        if (base.verdict() == Verdict.ACCEPT && !unread.isEmpty()) {
            List<String> why = new ArrayList<>(unread.stream().map(u -> "not read: " + u).toList());
            why.addAll(notes);
            return new Decision(Verdict.UNKNOWN, base.decidedBy(), why);
        }
        return base;
    }

    /**
     * Whether {@code read}'s rule applies to the connection: empty when it does not; otherwise
     * whether only maybe, and on what.
     */
    private static Optional<Applies> applies(Read read, Place place, IpFamily family, BigInteger address, int port,
                                             boolean outbound) {
        FwRule r = read.rule();
        WindowsPolicy.Conditions w = r.when();
        if (!Tokens.tcp(w.protocol())) {
            return Optional.empty();
        }
        List<String> unknowns = new ArrayList<>(w.unread());
        if (!r.enforced()) {
            unknowns.add("Windows enforces it (its EnforcementStatus is " + String.join(", ", r.enforcement()) + ")");
        }
        List<String> portValues = outbound ? w.remotePorts() : w.localPorts();
        switch (Tokens.ports(portValues, port)) {
            case NO -> {
                return Optional.empty();
            }
            case MAYBE -> unknowns.add("port " + String.join(",", portValues) + " includes " + port);
            case YES -> { }
        }
        Tokens.Addresses remote = read.remote();
        switch (remote.matches(family, address)) {
            case NO -> {
                return Optional.empty();
            }
            case MAYBE -> unknowns.add((outbound ? "the destination" : "the source") + " is in "
                    + String.join(",", remote.unresolvedFor(family)));
            case YES -> { }
        }
        if (!read.local().any()) {
            unknowns.add("the local address is one of " + String.join(",", w.localAddresses()));
        }
        if (!w.interfaceAliases().isEmpty() && !isAny(w.interfaceAliases().get(0))) {
            if (place.alias().isEmpty()) {
                unknowns.add("the connection uses interface " + String.join(",", w.interfaceAliases()));
            } else if (w.interfaceAliases().stream().noneMatch(a -> a.equalsIgnoreCase(place.alias().get()))) {
                return Optional.empty();
            }
        }
        if (!isAny(w.interfaceType())) {
            unknowns.add("the interface is of type " + w.interfaceType());
        }
        if (!isAny(w.program())) {
            unknowns.add("the " + (outbound ? "sending" : "listening") + " program is " + w.program());
        }
        if (!isAny(w.service())) {
            unknowns.add("the " + (outbound ? "sending" : "listening") + " service is " + w.service());
        }
        if (!isAny(w.appPackage())) {
            unknowns.add("the " + (outbound ? "sending" : "listening") + " app package is " + w.appPackage());
        }
        if (!isAny(w.localUser())) {
            unknowns.add("the " + (outbound ? "sending" : "listening") + " user is " + w.localUser());
        }
        return Optional.of(new Applies(!unknowns.isEmpty(), unknowns));
    }

    /** What an allow rule asks of the peer beyond its address (IPsec), or empty for nothing. */
    private static String authenticated(WindowsPolicy.Conditions w) {
        List<String> needs = new ArrayList<>();
        if (!isAny(w.authentication()) && !w.authentication().equalsIgnoreCase("NotRequired")) {
            needs.add("Authentication " + w.authentication());
        }
        if (!isAny(w.remoteUser())) {
            needs.add("RemoteUser");
        }
        if (!isAny(w.remoteMachine())) {
            needs.add("RemoteMachine");
        }
        return String.join(", ", needs);
    }

    private static boolean isAny(String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        return s.isEmpty() || s.equals("any") || s.equals("*");
    }

    /** The rule that decides, with its store. */
    static RuleRef refOf(FwRule r) {
        return new RuleRef("windows ActiveStore from " + (r.store().isEmpty() ? r.source().name() : r.store()),
                text(r));
    }

    private static String ref(FwRule r) {
        return "rule " + r.name() + " (" + r.displayName() + ", from " + (r.store().isEmpty() ? r.source().name()
                : r.store()) + ")";
    }

    /** A rule as one line: its name, display name, action, direction and conditions that are set. */
    static String text(FwRule r) {
        WindowsPolicy.Conditions w = r.when();
        StringBuilder out = new StringBuilder(r.name());
        if (!r.displayName().isEmpty() && !r.displayName().equals(r.name())) {
            out.append(" \"").append(r.displayName()).append('"');
        }
        out.append(": ").append(r.enabled() ? "" : "disabled ").append(title(r.action().name())).append(' ')
                .append(r.inbound() ? "inbound" : "outbound").append(' ').append(w.protocol());
        List<String> ports = r.inbound() ? w.localPorts() : w.remotePorts();
        if (!ports.isEmpty() && !isAny(ports.get(0))) {
            out.append(' ').append(String.join(",", ports));
        }
        out.append(r.inbound() ? " from " : " to ").append(String.join(",", w.remoteAddresses()));
        if (!Tokens.addresses(w.localAddresses()).any()) {
            out.append(" local ").append(String.join(",", w.localAddresses()));
        }
        if (!isAny(w.program())) {
            out.append(" program ").append(w.program());
        }
        if (!isAny(w.service())) {
            out.append(" service ").append(w.service());
        }
        out.append(" profile ").append(r.profileText());
        return out.toString();
    }

    private static String title(String constant) {
        StringBuilder out = new StringBuilder();
        for (String part : constant.toLowerCase(Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }
}
