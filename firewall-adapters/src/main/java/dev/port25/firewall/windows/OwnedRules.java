package dev.port25.firewall.windows;

import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.net.AddrRange;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.windows.WindowsPolicy.Act;
import dev.port25.firewall.windows.WindowsPolicy.FwRule;
import dev.port25.firewall.windows.WindowsPolicy.Source;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The agent's own Windows Defender Firewall rules: which it wants for a desired state, how each
 * reads back, and the PowerShell that creates, replaces and removes them.
 *
 * <p>Ownership: a rule is the agent's when it is in the local store (PersistentStore), its Name
 * starts with {@value FirewallAdapter#MARKER} and its Group is {@value FirewallAdapter#MARKER}.
 * A rule of that name from Group Policy is not the agent's, and is never touched. Names are
 * unique and locale-free ({@code port25-agent-in-tcp-25}); removal is only by such an exact name
 * (the names hold no wildcard character, which {@code -Name} would expand). On Windows a block
 * beats every allow, so ALLOW_FROM is one block over the complement of the allowed networks, and
 * an egress block except relays the same; an allow of the agent's for exactly the allowed
 * networks ({@code port25-agent-in-tcp-25-allow}) is what lets them in where the profile's
 * default blocks, as the Linux backends accept them in their own chains (no block of anyone's
 * is beaten by it). Every rule is
 * {@code -Profile Any}, so that a network that changes category is covered, and stays when the
 * agent stops: only {@code enforce} with another desired state, or {@code undo}, removes it.
 */
final class OwnedRules {

    static final String STORE = "PersistentStore";
    private static final Pattern NAME = Pattern.compile("port25-agent-(in|out)-tcp-\\d{1,5}(-allow)?(-\\d+)?");
    /** The name a replacement is created under before the rule it replaces goes. */
    static final String NEXT = "-next";
    /** Addresses per rule: long RemoteAddress lists fail on some Windows versions (crowdsec bouncer#63). */
    static final int MAX_ADDRESSES = 1000;

    /** A rule the agent wants. */
    record Want(String name, Act action, boolean inbound, int port, List<String> remote, String state) {
        Want {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not an owned rule name: " + name);
            }
            remote = List.copyOf(remote);
        }

        /** How the rule reads back: the same text as {@link #line(FwRule)} of the rule it makes. */
        String line() {
            return OwnedRules.line(name, true, action, inbound, "TCP", List.of(Integer.toString(port)), remote, "Any", "");
        }
    }

    private OwnedRules() {
    }

    /** Whether {@code r} is one of the agent's rules. */
    static boolean owned(FwRule r) {
        return r.name().startsWith(FirewallAdapter.MARKER) && r.group().equals(FirewallAdapter.MARKER)
                && r.source() == Source.LOCAL && (r.store().isEmpty() || r.store().equalsIgnoreCase(STORE));
    }

    /** The rules {@code desired} needs, by name, in port order, inbound first. */
    static Map<String, Want> wanted(Desired desired) {
        Map<String, Want> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, Inbound> e : desired.tcpInbound().entrySet()) {
            int port = e.getKey();
            String base = "port25-agent-in-tcp-" + port;
            if (e.getValue() instanceof Inbound.Closed) {
                out.put(base, new Want(base, Act.BLOCK, true, port, List.of("Any"), "CLOSED"));
            } else if (e.getValue() instanceof Inbound.AllowFrom a) {
                String state = "ALLOW_FROM " + a.networks();
                split(out, base, Act.BLOCK, true, port, complement(a.networks()), state);
                split(out, base + "-allow", Act.ALLOW, true, port, tokens(a.networks()), state);
            }
        }
        for (Map.Entry<Integer, Outbound> e : desired.tcpOutbound().entrySet()) {
            if (e.getValue() instanceof Outbound.BlockedExcept b) {
                int port = e.getKey();
                String base = "port25-agent-out-tcp-" + port;
                String state = "egress blocked except " + b.relays();
                split(out, base, Act.BLOCK, false, port, b.relays().isEmpty() ? List.of("Any")
                        : complement(b.relays()), state);
                if (!b.relays().isEmpty()) {
                    split(out, base + "-allow", Act.ALLOW, false, port, tokens(b.relays()), state);
                }
            }
        }
        return out;
    }

    private static void split(Map<String, Want> out, String base, Act action, boolean inbound, int port,
                              List<String> remote, String state) {
        for (int i = 0; i * MAX_ADDRESSES < remote.size(); i++) {
            String name = i == 0 ? base : base + "-" + (i + 1);
            out.put(name, new Want(name, action, inbound, port,
                    remote.subList(i * MAX_ADDRESSES, Math.min(remote.size(), (i + 1) * MAX_ADDRESSES)), state));
        }
    }

    /**
     * Every address of both families outside {@code networks}, as ranges ({@code a-b}) and single
     * addresses; a family with no listed network is whole.
     */
    static List<String> complement(List<Cidr> networks) {
        List<String> out = new ArrayList<>();
        for (IpFamily f : IpFamily.values()) {
            List<AddrRange> in = networks.stream().map(AddrRange::of).filter(r -> r.family() == f)
                    .sorted(Comparator.comparing(AddrRange::lo)).toList();
            BigInteger next = BigInteger.ZERO;
            for (AddrRange r : in) {
                if (r.lo().compareTo(next) > 0) {
                    out.add(token(new AddrRange(f, next, r.lo().subtract(BigInteger.ONE))));
                }
                next = next.max(r.hi().add(BigInteger.ONE));
            }
            if (next.compareTo(AddrRange.max(f)) <= 0) {
                out.add(token(new AddrRange(f, next, AddrRange.max(f))));
            }
        }
        return out;
    }

    /** {@code networks} as address tokens, the fewest ranges. */
    static List<String> tokens(List<Cidr> networks) {
        List<String> out = new ArrayList<>();
        for (IpFamily f : IpFamily.values()) {
            Exposure.cover(networks.stream().filter(c -> c.ipv6() == (f == IpFamily.IPV6)).toList())
                    .forEach(c -> out.add(c.toString()));
        }
        return out;
    }

    private static String token(AddrRange r) {
        String lo = IpAddresses.text(AddrRange.address(r.family(), r.lo()));
        return r.lo().equals(r.hi()) ? lo
                : lo + "-" + IpAddresses.text(AddrRange.address(r.family(), r.hi()));
    }

    /** How an owned rule reads: its name, action, direction, protocol, port, remote addresses (as ranges) and the rest. */
    static String line(FwRule r) {
        WindowsPolicy.Conditions w = r.when();
        String rest = (w.localAddresses().equals(List.of("Any")) ? "" : " local " + w.localAddresses())
                + (w.interfaceAliases().equals(List.of("Any")) ? "" : " interface " + w.interfaceAliases())
                + (w.interfaceType().equalsIgnoreCase("Any") ? "" : " interface type " + w.interfaceType())
                + (w.service().equalsIgnoreCase("Any") ? "" : " service " + w.service());
        return line(r.name(), r.enabled(), r.action(), r.inbound(), w.protocol(),
                r.inbound() ? w.localPorts() : w.remotePorts(), w.remoteAddresses(), w.program(), rest)
                + (r.profileText().equals("Any") ? "" : " profile " + r.profileText());
    }

    private static String line(String name, boolean enabled, Act action, boolean inbound, String protocol,
                               List<String> ports, List<String> remote, String program, String rest) {
        Tokens.Addresses a = Tokens.addresses(remote);
        String addresses;
        if (a.any()) {
            addresses = "Any";
        } else {
            List<String> tokens = new ArrayList<>();
            for (IpFamily f : IpFamily.values()) {
                List<Cidr> cidrs = new ArrayList<>();
                a.ranges().stream().filter(r -> r.family() == f).forEach(r -> cidrs.addAll(r.cidrs()));
                tokens.addAll(Exposure.cover(cidrs).stream().map(Cidr::toString).toList());
            }
            a.unresolved().forEach(u -> tokens.add(u.token()));
            addresses = String.join(",", tokens);
        }
        return name + ": " + (enabled ? "" : "disabled ") + action + (inbound ? " inbound " : " outbound ")
                + protocol.toUpperCase(Locale.ROOT) + " " + String.join(",", ports)
                + (inbound ? " from " : " to ") + addresses
                + (program.equalsIgnoreCase("Any") ? "" : " program " + program) + rest;
    }

    /** The changes from {@code owned} (the agent's rules now, by name) to {@code wanted}: add, replace, remove. */
    static List<Change> changes(Map<String, FwRule> owned, Map<String, Want> wanted) {
        List<Change> out = new ArrayList<>();
        Set<String> replacing = new HashSet<>(); // their -next rule is the replacement's
        for (Want w : wanted.values()) {
            FwRule now = owned.get(w.name());
            String what = (w.action() == Act.BLOCK ? "blocking " : "allowing ") + (w.inbound() ? "inbound" : "outbound")
                    + " TCP " + w.port() + " (" + w.state() + ")";
            if (now == null) {
                out.add(new Change.Add("add the agent's rule " + w.name() + " " + what,
                        List.of(PowerShell.command(create(w, w.name())))));
            } else if (!line(now).equals(w.line())) {
                // the new rule first, under another name, so that a failure leaves the old one in force
                replacing.add(w.name() + NEXT);
                out.add(new Change.Replace("replace the agent's rule " + w.name() + ", which reads '" + line(now)
                        + "', with one " + what, List.of(PowerShell.command(
                        (owned.containsKey(w.name() + NEXT) ? remove(w.name() + NEXT) : "") + create(w, w.name() + NEXT)
                                + remove(w.name()) + "Rename-NetFirewallRule -PolicyStore " + STORE + " -Name "
                                + quote(w.name() + NEXT) + " -NewName " + quote(w.name()) + "\n"))));
            }
        }
        for (String name : owned.keySet()) {
            if (!wanted.containsKey(name) && !replacing.contains(name)) {
                out.add(new Change.Remove("remove the agent's rule " + name, List.of(PowerShell.command(remove(name)))));
            }
        }
        return out;
    }

    /** The New-NetFirewallRule line for {@code w}, named {@code name}. */
    static String create(Want w, String name) {
        return "New-NetFirewallRule -PolicyStore " + STORE + " -Name " + quote(name)
                + " -DisplayName " + quote("port25-agent: " + (w.action() == Act.BLOCK ? "block " : "allow ")
                + (w.inbound() ? "inbound" : "outbound") + " TCP " + w.port()) + " -Group " + quote(FirewallAdapter.MARKER)
                + " -Description " + quote("Managed by port25-agent (" + w.state() + "); 'port25-agent undo' removes it")
                + " -Direction " + (w.inbound() ? "Inbound" : "Outbound") + " -Action "
                + (w.action() == Act.BLOCK ? "Block" : "Allow") + " -Protocol TCP "
                + (w.inbound() ? "-LocalPort " : "-RemotePort ") + w.port()
                + " -RemoteAddress @(" + String.join(",", w.remote().stream().map(OwnedRules::quote).toList()) + ")"
                + " -Profile Any -Enabled True | Out-Null\n";
    }

    /** The Remove-NetFirewallRule line for the owned rule {@code name} of the local store. */
    static String remove(String name) {
        if (!name.startsWith(FirewallAdapter.MARKER)) {
            throw new IllegalArgumentException("not the agent's rule: " + name);
        }
        if (name.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == ']')) { // -Name expands wildcards
            throw new IllegalArgumentException("a rule name with a wildcard is never removed: " + name);
        }
        return "Remove-NetFirewallRule -PolicyStore " + STORE + " -Name " + quote(name) + "\n";
    }

    /** A PowerShell single-quoted string: nothing in it is expanded; a quote is doubled. */
    static String quote(String s) {
        if (s.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) { // the script is read as UTF-8, but keep it plain
            throw new IllegalArgumentException("not plain text for a rule: " + s);
        }
        return "'" + s.replace("'", "''") + "'";
    }
}
