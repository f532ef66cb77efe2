package dev.port25.agent.policy;

import dev.port25.agent.dns.MailDomainRecords;
import dev.port25.agent.facts.Facts;
import dev.port25.agent.finding.Finding;
import dev.port25.agent.finding.FindingKind;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.Scope;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.smtp.SmtpFinding;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.RuleRef;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.net.IpFamily;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares what is with what the host's role needs, and gives findings and a verdict. Pure:
 * everything it weighs is in the {@link Facts}.
 *
 * <ul>
 *   <li>NONE: a TCP listener beyond loopback is CRITICAL unless the firewall verifiably blocks
 *       every family it listens on, then a warning; inbound 25 not blocked is
 *       a warning when something listens beyond loopback, else shown only (defence in depth);
 *       egress is checked when the settings ask for it.</li>
 *   <li>RELAY: inbound only from {@code roles.relay.allowFrom}.</li>
 *   <li>MAIL_SERVER: something listens beyond loopback and every family it listens on is open
 *       to everyone.</li>
 *   <li>Every role: the SMTP findings of each listener beyond loopback, when probed.</li>
 *   <li>MAIL_SERVER: its mail domains' DNS hygiene ({@link MailDomainPolicy}), when asked.</li>
 * </ul>
 * A firewall or inventory that could not be read, or an SMTP verdict that could not be given,
 * is a finding that makes the verdict UNKNOWN unless something is CRITICAL.
 */
public final class Evaluator {

    private Evaluator() {
    }

    public static Assessment evaluate(Facts f) {
        Run run = new Run(f);
        run.all();
        List<Finding> findings = new ArrayList<>(run.findings);
        findings.sort(Comparator.comparing(Finding::severity).thenComparing(x -> x.kind().id()));
        return new Assessment(verdict(findings), f.role(), findings, run.facts);
    }

    static Verdict verdict(List<Finding> findings) {
        if (findings.stream().anyMatch(x -> x.severity() == Severity.CRITICAL)) {
            return Verdict.CRITICAL;
        }
        if (findings.stream().anyMatch(x -> x.kind().unknown())) {
            return Verdict.UNKNOWN;
        }
        if (findings.stream().anyMatch(x -> x.severity() == Severity.HIGH || x.severity() == Severity.MEDIUM)) {
            return Verdict.WARNING;
        }
        return Verdict.OK;
    }

    /** One evaluation's state. */
    private static final class Run {
        final Facts f;
        final Role role;
        final List<Finding> findings = new ArrayList<>();
        final List<String> facts = new ArrayList<>();
        /**
         * Covered ports a listener in another namespace serves through a way in (a container's
         * MTA, published): filled by {@link #namespace}, which runs before {@link #port}.
         */
        final Set<Integer> servedElsewhere = new TreeSet<>();

        Run(Facts f) {
            this.f = f;
            this.role = f.role().role();
        }

        void add(FindingKind kind, Severity severity, String evidence) {
            Finding x = new Finding(kind, severity, evidence);
            if (!findings.contains(x)) {
                findings.add(x);
            }
        }

        void all() {
            facts.add("role " + role + ": " + f.role().why());
            f.inventory().error().ifPresent(e -> add(FindingKind.INVENTORY_FAILED, Severity.HIGH, "inventory failed: " + e));
            f.firewall().error().ifPresent(e -> add(FindingKind.FIREWALL_UNKNOWN, Severity.HIGH,
                    "the firewall could not be read: " + e));
            f.firewall().value().ifPresent(v -> {
                facts.add("firewall: " + v.backend().map(b -> "acts through " + b).orElse("no backend selected"));
                v.unread().forEach(u -> facts.add("firewall layer not read: " + u));
            });
            if (role == Role.RELAY && f.settings().roles().relay().allowFrom().isEmpty()) {
                add(FindingKind.RELAY_WITHOUT_NETWORKS, Severity.MEDIUM, "roles.relay.allowFrom is empty");
            }
            if (role == Role.MAIL_SERVER) {
                f.dns().ifPresent(this::dns);
            }
            f.namespaceGaps().forEach(g -> facts.add("network namespaces: " + g));
            f.others().forEach(this::namespace);
            if (f.inventory().value().isEmpty()) {
                return;
            }
            Inventory inv = f.inventory().value().get();
            for (int port : f.settings().ports()) {
                port(port, inv.listeners().stream().filter(l -> l.port() == port).toList());
            }
            f.smtp().ifPresent(reports -> reports.forEach(r -> smtp(r, r.listener().endpoint() + " "
                    + owners(r.listener()) + ": ")));
        }

        /**
         * A network namespace other than the agent's own (a container's, an {@code ip netns}): its
         * TCP listeners beyond its loopback, whatever the role, since none of them is the host's
         * own MTA. Each is judged by its ways in: the host's DNATs to it (each path through the
         * host's filter and then the namespace's own), and an interface on the host's network (a
         * macvlan: the namespace's own filter alone). A listener with no way in is noted; an
         * interface leading somewhere the agent cannot see (a veth to a third namespace, a tunnel)
         * leaves the verdict UNKNOWN.
         */
        void namespace(Facts.Namespace ns) {
            String where = " in network namespace " + ns.where().describe();
            ns.inventory().error().ifPresent(e -> add(FindingKind.INVENTORY_FAILED, Severity.HIGH,
                    "network namespace " + ns.where().describe() + ": " + e));
            if (ns.inventory().value().isEmpty()) {
                return;
            }
            boolean isolated = ns.interfaces().map(List::isEmpty).orElse(false);
            ns.reach().value().ifPresent(r -> facts.add("network namespace " + ns.where().describe() + ": addresses "
                    + r.addresses().stream().map(IpAddresses::text).toList()
                    + (r.viaHost().isEmpty() ? "" : ", to this host through " + r.viaHost())
                    + (r.elsewhere().isEmpty() ? "" : ", elsewhere through " + r.elsewhere().stream()
                    .map(Facts.Way::describe).toList())));
            for (Listener l : ns.inventory().value().get().listeners()) {
                String who = l.endpoint() + " " + owners(l) + l.container().map(c -> " [" + c.describe() + "]")
                        .orElse("") + where;
                facts.add(who + ": " + l.scope() + (isolated ? ", no interface but loopback"
                        : ns.interfaces().map(i -> ", interfaces " + i).orElse("")));
                if (l.scope() == Scope.LOOPBACK) {
                    continue;
                }
                if (isolated) {
                    add(FindingKind.NAMESPACE_LISTENER_ISOLATED, Severity.LOW, who
                            + ": the namespace has no interface but loopback, so nothing outside it can connect");
                    continue;
                }
                if (l.protocol() == Protocol.UDP) {
                    add(FindingKind.UDP_LISTENER, Severity.MEDIUM, who);
                    continue;
                }
                Optional<Map<IpFamily, Exposure>> in = ns.firewall().value()
                        .map(v -> v.inbound().getOrDefault(l.port(), Map.of()));
                boolean blocked = families(l).stream().allMatch(fam -> level(in, fam) == Exposure.Level.CLOSED);
                if (blocked) {
                    add(FindingKind.NAMESPACE_LISTENER_ISOLATED, Severity.LOW, who + ": the namespace's own packet "
                            + "filter blocks inbound " + l.port() + " on " + families(l).stream().map(IpFamily::label)
                            .collect(Collectors.joining(" and ")));
                    continue;
                }
                if (ns.reach().error().isPresent()) {
                    add(FindingKind.NAMESPACE_LISTENER_UNJUDGED, Severity.HIGH, who + ": its ways in from outside "
                            + "are not known (" + ns.reach().error().get() + ")" + in.map(m -> "; the namespace's own "
                            + "packet filter: " + m.values().stream().sorted(Comparator.comparing(Exposure::family))
                            .map(Evaluator::describe).collect(Collectors.joining("; "))).orElse(""));
                    smtp(ns, l, who);
                    continue;
                }
                Facts.Reach reach = ns.reach().value().get();
                List<Way> ways = ways(l, reach, in);
                List<Facts.Way> unseen = reach.elsewhere().stream().filter(w -> !w.hostNetwork()).toList();
                if (ways.isEmpty() && unseen.isEmpty()) {
                    add(FindingKind.NAMESPACE_LISTENER_ISOLATED, Severity.LOW, who + ": no way in from outside: "
                            + (reach.viaHost().isEmpty() ? "" : "its interfaces " + reach.viaHost()
                            + " lead only to this host, ") + "and no DNAT of this host leads to it (connections "
                            + "routed to its address without a DNAT are not judged)");
                    continue;
                }
                if (!ways.isEmpty()) {
                    reachable(l, who, ways);
                }
                if (!unseen.isEmpty()) {
                    add(FindingKind.NAMESPACE_LISTENER_UNJUDGED, Severity.HIGH, who + ": it can be reached through "
                            + unseen.stream().map(Facts.Way::describe).collect(Collectors.joining(", "))
                            + ", which leads past this host's packet filter to where the agent cannot see");
                }
                if (!unseen.isEmpty() || ways.stream().anyMatch(w -> w.exposure().level() != Exposure.Level.CLOSED)) {
                    smtp(ns, l, who);
                }
            }
        }

        /**
         * In an audit (the host's listeners were probed), the SMTP verdicts of a listener of another
         * namespace that can be reached from outside, as probed from inside its namespace.
         */
        void smtp(Facts.Namespace ns, Listener l, String who) {
            if (f.smtp().isEmpty()) {
                return;
            }
            List<LocalSmtpAudit.Report> reports = ns.smtp().orElse(List.of()).stream()
                    .filter(r -> r.listener().equals(l)).toList();
            if (reports.isEmpty()) {
                add(FindingKind.SMTP_NOT_JUDGED, Severity.HIGH, who + ": not probed (" + ns.smtp().map(x ->
                        "no audit of it came back").orElse("its namespace was not probed: it ended, or could not be "
                        + "entered") + ")");
            }
            reports.forEach(r -> smtp(r, who + ": "));
        }

        /**
         * A way in to a listener of another namespace, and who it lets through to the listener.
         *
         * @param how "published on this host's port 2525 (to 198.19.0.2:25)", "through mv0 (macvlan on the host's eth0)"
         */
        record Way(String how, Exposure exposure) {
            String describe() {
                return how + ": " + Evaluator.describe(exposure);
            }
        }

        /**
         * The ways in to {@code l}: each DNAT of the host to one of its addresses and its port (the
         * host's path, then the namespace's own filter), and each interface of the namespace on the
         * host's network (its own filter alone), per family it listens on.
         */
        List<Way> ways(Listener l, Facts.Reach reach, Optional<Map<IpFamily, Exposure>> own) {
            List<Way> out = new ArrayList<>();
            Set<IpFamily> fams = families(l);
            for (PacketFilter.Published p : reach.published()) {
                InetAddress target = p.target().address();
                if (p.target().port() == l.port() && fams.contains(p.target().family())
                        && (l.scope() == Scope.WILDCARD || IpAddresses.unmapped(l.address()).equals(target))) {
                    out.add(new Way("published on this host's port " + p.hostPort() + " (to " + p.target() + ")",
                            meet(p.exposure(), own(own, p.target().family()))));
                }
            }
            for (Facts.Way w : reach.elsewhere()) {
                if (w.hostNetwork()) {
                    fams.forEach(fam -> out.add(new Way("through " + w.describe(), own(own, fam))));
                }
            }
            return out;
        }

        Exposure own(Optional<Map<IpFamily, Exposure>> in, IpFamily family) {
            return in.map(m -> m.get(family)).orElseGet(() -> new Exposure(family, Exposure.Level.UNKNOWN, List.of(),
                    Map.of(), List.of(), List.of("the namespace's own packet filter was not read")));
        }

        /** A listener of another namespace with ways in, judged as the host's own would be. */
        void reachable(Listener l, String who, List<Way> ways) {
            List<Way> open = ways.stream().filter(w -> w.exposure().level() == Exposure.Level.OPEN
                    || w.exposure().level() == Exposure.Level.RESTRICTED).toList();
            List<Way> unknown = ways.stream().filter(w -> w.exposure().level() == Exposure.Level.UNKNOWN).toList();
            ways.forEach(w -> facts.add(who + ": " + w.describe()));
            switch (role) {
                case NONE -> {
                    if (!open.isEmpty()) {
                        add(FindingKind.NONLOCAL_LISTENER, Severity.CRITICAL, who + " is reachable: " + open.stream()
                                .map(Way::describe).collect(Collectors.joining("; ")));
                    } else if (!unknown.isEmpty()) {
                        add(FindingKind.NONLOCAL_LISTENER, Severity.CRITICAL, who + " has ways in and nothing shows "
                                + "that the firewall blocks them: " + unknown.stream().map(Way::describe)
                                .collect(Collectors.joining("; ")));
                    } else {
                        add(FindingKind.NONLOCAL_LISTENER, Severity.MEDIUM, who + " has ways in, and the firewall "
                                + "blocks each: " + ways.stream().map(Way::describe).collect(Collectors.joining("; ")));
                    }
                }
                case RELAY -> {
                    List<Cidr> allowed = f.settings().roles().relay().allowFrom();
                    for (Way w : ways) {
                        Exposure e = w.exposure();
                        if (e.level() == Exposure.Level.UNKNOWN) {
                            add(FindingKind.FIREWALL_UNKNOWN, Severity.HIGH, who + ": " + w.describe());
                        } else if (e.level() == Exposure.Level.OPEN
                                || (e.level() == Exposure.Level.RESTRICTED && !within(e.allowedFrom(), allowed))) {
                            add(FindingKind.RELAY_REACHABLE_BEYOND_ALLOWED, Severity.HIGH, who + ": " + w.describe()
                                    + "; allowed: " + allowed.stream().filter(c -> c.ipv6() == (e.family()
                                    == IpFamily.IPV6)).toList());
                        }
                    }
                }
                case MAIL_SERVER -> {
                    // a container's MTA, published: it serves the port as the host's own would
                    servedElsewhere.add(l.port());
                    unknown.forEach(w -> add(FindingKind.FIREWALL_UNKNOWN, Severity.HIGH, who + ": " + w.describe()));
                    if (ways.stream().noneMatch(w -> w.exposure().level() == Exposure.Level.OPEN)) {
                        ways.stream().filter(w -> w.exposure().level() != Exposure.Level.UNKNOWN)
                                .forEach(w -> add(FindingKind.MAIL_SERVER_BLOCKED, Severity.HIGH, who + ": "
                                        + w.describe()));
                    }
                }
            }
        }

        void port(int port, List<Listener> listeners) {
            List<Listener> wide = listeners.stream().filter(l -> l.protocol() == Protocol.TCP
                    && l.scope() != Scope.LOOPBACK).toList();
            List<Listener> loopback = listeners.stream().filter(l -> l.protocol() == Protocol.TCP
                    && l.scope() == Scope.LOOPBACK).toList();
            for (Listener l : listeners) {
                facts.add(l.endpoint() + " " + owners(l) + held(l) + ": " + l.scope() + ", reachable over "
                        + l.reachableOver().stream().map(x -> x.label()).toList());
                if (l.protocol() == Protocol.UDP && l.scope() != Scope.LOOPBACK) {
                    add(FindingKind.UDP_LISTENER, Severity.MEDIUM, l.endpoint() + " " + owners(l));
                }
            }
            Optional<Map<IpFamily, Exposure>> in = f.firewall().value().map(v -> v.inbound().getOrDefault(port, Map.of()));
            in.ifPresent(m -> facts.add("inbound " + port + ": " + m.values().stream()
                    .sorted(Comparator.comparing(Exposure::family)).map(Evaluator::describe)
                    .collect(Collectors.joining("; "))));
            switch (role) {
                case NONE -> none(port, wide, loopback, in);
                case RELAY -> relay(port, wide, in);
                case MAIL_SERVER -> mailServer(port, wide, in);
            }
        }

        /**
         * For a listener of the agent's own namespace beyond loopback: the containers this host
         * publishes its port to, over a family it listens on. docker-proxy and Podman's conmon
         * hold such a port for the container; anything else there competes with the DNAT, which
         * wins. Empty when there is none.
         */
        String held(Listener held) {
            Set<String> to = new TreeSet<>();
            if (held.scope() == Scope.LOOPBACK) {
                return "";
            }
            for (Facts.Namespace ns : f.others()) {
                for (PacketFilter.Published p : ns.reach().value().map(Facts.Reach::published).orElse(List.of())) {
                    if (p.hostPort() != held.port() || !families(held).contains(p.target().family())) {
                        continue;
                    }
                    for (Listener l : ns.inventory().value().map(Inventory::listeners).orElse(List.of())) {
                        if (l.port() == p.target().port() && l.protocol() == Protocol.TCP) {
                            to.add(l.container().map(c -> "[" + c.describe() + "]")
                                    .orElse("network namespace " + ns.name()) + " " + p.target());
                        }
                    }
                }
            }
            return to.isEmpty() ? "" : " (the port this host publishes to " + String.join(", ", to) + ")";
        }

        Exposure.Level level(Optional<Map<IpFamily, Exposure>> in, IpFamily family) {
            return in.map(m -> m.get(family)).map(Exposure::level).orElse(Exposure.Level.UNKNOWN);
        }

        void unknown(int port, IpFamily family, Optional<Map<IpFamily, Exposure>> in, String direction) {
            String why = in.map(m -> m.get(family)).map(e -> notes(e.notes()))
                    .orElse(f.firewall().error().orElse("not judged"));
            add(FindingKind.FIREWALL_UNKNOWN, Severity.HIGH, direction + " " + port + " over " + family.label() + ": "
                    + (why.isEmpty() ? "undecided" : why));
        }

        void none(int port, List<Listener> wide, List<Listener> loopback, Optional<Map<IpFamily, Exposure>> in) {
            for (Listener l : wide) {
                Set<IpFamily> fams = families(l);
                List<String> open = new ArrayList<>();
                boolean unknown = false;
                for (IpFamily fam : fams) {
                    Exposure.Level lv = level(in, fam);
                    if (lv == Exposure.Level.OPEN || lv == Exposure.Level.RESTRICTED) {
                        open.add(fam.label() + " " + lv);
                    } else if (lv == Exposure.Level.UNKNOWN) {
                        unknown = true;
                    }
                }
                if (!open.isEmpty()) {
                    add(FindingKind.NONLOCAL_LISTENER, Severity.CRITICAL, l.endpoint() + " " + owners(l) + held(l)
                            + " is reachable: inbound " + port + " is " + String.join(", ", open));
                } else if (unknown) {
                    // only a verifiable block makes it less than critical
                    add(FindingKind.NONLOCAL_LISTENER, Severity.CRITICAL, l.endpoint() + " " + owners(l) + held(l)
                            + " listens beyond loopback and nothing shows that the firewall blocks it");
                } else {
                    add(FindingKind.NONLOCAL_LISTENER, Severity.MEDIUM, l.endpoint() + " " + owners(l) + held(l)
                            + " listens beyond loopback; the firewall blocks inbound " + port + " on "
                            + fams.stream().map(IpFamily::label).collect(Collectors.joining(" and ")));
                }
            }
            if (!f.settings().roles().none().allowLoopbackListener()) {
                for (Listener l : loopback) {
                    add(FindingKind.LOOPBACK_LISTENER, Severity.MEDIUM, l.endpoint() + " " + owners(l));
                }
            }
            for (IpFamily fam : IpFamily.values()) {
                Exposure.Level lv = level(in, fam);
                if (lv == Exposure.Level.UNKNOWN) {
                    unknown(port, fam, in, "inbound");
                } else if (lv != Exposure.Level.CLOSED) {
                    add(FindingKind.INBOUND_NOT_BLOCKED, wide.isEmpty() ? Severity.LOW : Severity.MEDIUM,
                            "inbound " + port + " over " + fam.label() + " is " + lv);
                }
            }
            if (f.settings().roles().none().blockEgress()) {
                Optional<Map<IpFamily, Exposure>> out = f.firewall().value().map(v -> v.egress().getOrDefault(port,
                        Map.of()));
                List<Cidr> relays = f.settings().roles().none().egressRelays();
                for (IpFamily fam : IpFamily.values()) {
                    Optional<Exposure> e = out.map(m -> m.get(fam));
                    Exposure.Level lv = e.map(Exposure::level).orElse(Exposure.Level.UNKNOWN);
                    if (lv == Exposure.Level.UNKNOWN) {
                        unknown(port, fam, out, "outbound");
                    } else if (lv == Exposure.Level.OPEN || (lv == Exposure.Level.RESTRICTED
                            && !within(e.get().allowedFrom(), relays))) {
                        add(FindingKind.EGRESS_NOT_BLOCKED, Severity.MEDIUM, "outbound " + port + " over " + fam.label()
                                + " is " + describe(e.get()));
                    }
                }
            }
        }

        void relay(int port, List<Listener> wide, Optional<Map<IpFamily, Exposure>> in) {
            List<Cidr> allowed = f.settings().roles().relay().allowFrom();
            for (IpFamily fam : families(wide)) {
                Optional<Exposure> e = in.map(m -> m.get(fam));
                Exposure.Level lv = e.map(Exposure::level).orElse(Exposure.Level.UNKNOWN);
                if (lv == Exposure.Level.UNKNOWN) {
                    unknown(port, fam, in, "inbound");
                } else if (lv == Exposure.Level.OPEN
                        || (lv == Exposure.Level.RESTRICTED && !within(e.get().allowedFrom(), allowed))) {
                    add(FindingKind.RELAY_REACHABLE_BEYOND_ALLOWED, Severity.HIGH, "inbound " + port + " over "
                            + fam.label() + " is " + describe(e.get()) + "; allowed: " + allowed.stream()
                            .filter(c -> c.ipv6() == (fam == IpFamily.IPV6)).toList());
                }
            }
        }

        void mailServer(int port, List<Listener> wide, Optional<Map<IpFamily, Exposure>> in) {
            if (wide.isEmpty() && servedElsewhere.contains(port)) {
                facts.add("port " + port + " is served from another network namespace (a container's MTA, published); "
                        + "its ways in are judged with it");
                return;
            }
            if (wide.isEmpty()) {
                add(FindingKind.MAIL_SERVER_NOT_LISTENING, Severity.HIGH, "no TCP listener on port " + port
                        + " beyond loopback");
                return;
            }
            for (IpFamily fam : families(wide)) {
                Optional<Exposure> e = in.map(m -> m.get(fam));
                Exposure.Level lv = e.map(Exposure::level).orElse(Exposure.Level.UNKNOWN);
                if (lv == Exposure.Level.UNKNOWN) {
                    unknown(port, fam, in, "inbound");
                } else if (lv != Exposure.Level.OPEN) {
                    add(FindingKind.MAIL_SERVER_BLOCKED, Severity.HIGH, "inbound " + port + " over " + fam.label()
                            + " is " + describe(e.get()));
                }
            }
        }

        void dns(List<MailDomainRecords> domains) {
            if (domains.isEmpty()) {
                facts.add("DNS hygiene not checked: roles.mailServer.domains names no domain");
            }
            for (MailDomainRecords d : domains) {
                MailDomainPolicy.Judgement j = MailDomainPolicy.judge(d);
                j.findings().forEach(x -> add(x.kind(), x.severity(), x.evidence()));
                facts.addAll(j.facts());
            }
        }

        /** The findings of one listener's SMTP audit; {@code who} names it ("tcp 0.0.0.0:25 (master): "). */
        void smtp(LocalSmtpAudit.Report r, String who) {
            if (r.listener().scope() == Scope.LOOPBACK) {
                return; // nobody else can reach it; its weaknesses are not exposed
            }
            verdict(who, r.openRelay(), FindingKind.OPEN_RELAY, Severity.CRITICAL, true);
            verdict(who, r.userEnumeration(), FindingKind.USER_ENUMERATION, Severity.HIGH, true);
            verdict(who, r.vrfyDisclosesUsers(), FindingKind.VRFY_DISCLOSES, Severity.MEDIUM, true);
            boolean required = role == Role.MAIL_SERVER && f.settings().roles().mailServer().requireStarttls();
            verdict(who, r.starttlsOffered(), FindingKind.NO_STARTTLS, required ? Severity.CRITICAL : Severity.HIGH,
                    false);
            verdict(who, r.authBeforeTls(), FindingKind.AUTH_BEFORE_TLS, Severity.HIGH, true);
            verdict(who, r.bannerLeaksSoftware(), FindingKind.BANNER_LEAKS_SOFTWARE, Severity.LOW, true);
            for (SmtpFinding s : r.localProbe().findings()) {
                switch (s.kind()) {
                    case EXPN_ENABLED, WEAK_TLS, NOT_SMTP -> add(s.kind(), s.severity(), who + s.evidence()
                            + " [local probe]");
                    default -> {
                        // judged above from the verdicts, which weigh the MTA's configuration
                    }
                }
            }
        }

        /** A finding when the verdict's value is {@code bad}; SMTP_NOT_JUDGED when it has none. */
        void verdict(String who, LocalSmtpAudit.Verdict v, FindingKind kind, Severity severity, boolean bad) {
            String source = v.source() == LocalSmtpAudit.Source.CONFIGURATION ? "configuration" : "local probe";
            if (v.value().isEmpty()) {
                add(FindingKind.SMTP_NOT_JUDGED, Severity.HIGH, who + kind.id() + " " + kind.name() + ": " + v.why()
                        + " [" + source + "]");
            } else if (v.value().get() == bad) {
                add(kind, severity, who + v.why() + " [" + source + "]");
            }
        }
    }

    /**
     * An exposure's notes in one line: the layers that could not be read by name only (each is
     * listed with its error among the facts), the rest as they are.
     */
    static String notes(List<String> notes) {
        List<String> unread = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String n : notes) {
            if (n.startsWith("not read: ")) {
                String rest = n.substring("not read: ".length());
                int colon = rest.indexOf(':');
                unread.add(colon > 0 ? rest.substring(0, colon) : rest);
            } else {
                other.add(n);
            }
        }
        if (!unread.isEmpty()) {
            other.add(0, "firewall layers not read (" + String.join(", ", unread) + "; root is needed)");
        }
        return String.join("; ", other);
    }

    private static Set<IpFamily> families(Listener l) {
        return l.reachableOver().stream().map(x -> IpFamily.valueOf(x.name()))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(IpFamily.class)));
    }

    private static Set<IpFamily> families(List<Listener> ls) {
        Set<IpFamily> out = EnumSet.noneOf(IpFamily.class);
        ls.forEach(l -> out.addAll(families(l)));
        return out;
    }

    static String owners(Listener l) {
        if (l.owners().isEmpty()) {
            return "(owner unknown)";
        }
        return l.owners().stream().map(Owner::name).distinct().collect(Collectors.joining(",", "(", ")"));
    }

    /** "ipv4 OPEN", "ipv6 RESTRICTED to [fd00::/8]", "ipv4 UNKNOWN (why)". */
    static String describe(Exposure e) {
        String s = e.family().label() + " " + e.level();
        if (e.level() == Exposure.Level.RESTRICTED) {
            s += " to " + e.allowedFrom();
        }
        if (e.level() == Exposure.Level.UNKNOWN && !e.notes().isEmpty()) {
            s += " (" + String.join("; ", e.notes()) + ")";
        }
        return s;
    }

    /**
     * Who gets through two filters one after the other (the host's path to a namespace, then the
     * namespace's own): a block of either blocks; an unknown of either is unknown; else the sources
     * both let through (CIDRs are nested or apart, so the meet of two lists is pairwise).
     */
    static Exposure meet(Exposure first, Exposure then) {
        List<RuleRef> decidedBy = new ArrayList<>(first.decidedBy());
        then.decidedBy().stream().filter(r -> !decidedBy.contains(r)).forEach(decidedBy::add);
        List<String> notes = new ArrayList<>(first.notes());
        then.notes().stream().filter(n -> !notes.contains(n)).forEach(notes::add);
        Exposure.Level a = first.level();
        Exposure.Level b = then.level();
        if (a == Exposure.Level.CLOSED || b == Exposure.Level.CLOSED) {
            return new Exposure(first.family(), Exposure.Level.CLOSED, List.of(), Map.of(), decidedBy, notes);
        }
        if (a == Exposure.Level.UNKNOWN || b == Exposure.Level.UNKNOWN) {
            return new Exposure(first.family(), Exposure.Level.UNKNOWN, List.of(), Map.of(), decidedBy, notes);
        }
        if (a == Exposure.Level.OPEN && b == Exposure.Level.OPEN) {
            return new Exposure(first.family(), Exposure.Level.OPEN, List.of(), Map.of(), decidedBy, notes);
        }
        List<Cidr> x = a == Exposure.Level.OPEN ? List.of(all(first.family())) : first.allowedFrom();
        List<Cidr> y = b == Exposure.Level.OPEN ? List.of(all(first.family())) : then.allowedFrom();
        List<Cidr> both = new ArrayList<>();
        for (Cidr i : x) {
            for (Cidr j : y) {
                if (contains(i, j)) {
                    both.add(j);
                } else if (contains(j, i)) {
                    both.add(i);
                }
            }
        }
        List<Cidr> allowed = Exposure.cover(both);
        return new Exposure(first.family(), allowed.isEmpty() ? Exposure.Level.CLOSED : Exposure.Level.RESTRICTED,
                allowed, Map.of(), decidedBy, notes);
    }

    private static Cidr all(IpFamily family) {
        return Cidr.parse(family == IpFamily.IPV6 ? "::/0" : "0.0.0.0/0");
    }

    /** Every network in {@code inner} lies inside one of {@code outer}. */
    static boolean within(List<Cidr> inner, List<Cidr> outer) {
        return inner.stream().allMatch(i -> outer.stream().anyMatch(o -> contains(o, i)));
    }

    static boolean contains(Cidr outer, Cidr inner) {
        if (outer.ipv6() != inner.ipv6() || outer.prefix() > inner.prefix()) {
            return false;
        }
        int bits = outer.ipv6() ? 128 : 32;
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - outer.prefix()).subtract(BigInteger.ONE));
        return new BigInteger(1, inner.network().getAddress()).and(mask)
                .equals(new BigInteger(1, outer.network().getAddress()).and(mask));
    }
}
