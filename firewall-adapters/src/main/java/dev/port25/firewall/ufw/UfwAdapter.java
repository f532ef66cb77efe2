package dev.port25.firewall.ufw;

import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.PacketFilterReader;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.iptables.PublishedChain;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Applier;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Detection;
import dev.port25.firewall.spi.Detector;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallState;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.spi.RuleDigest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ufw: rules commented {@code port25-agent ...}, kept at the top of each family's list with
 * {@code ufw prepend} (ufw 0.36+), and removed by number, never by rule text: ufw treats a rule
 * that differs only in its comment as the same rule, so deleting by text could remove an
 * administrator's identical rule. ufw also refuses to insert a rule whose match equals an
 * existing one, even with another action ("Skipping inserting existing rule", ufw 0.36.2), so an
 * administrator's {@code allow 25/tcp} would keep our deny out. Our rules therefore match
 * {@code from ... port 1:65535}: every real TCP source port, yet never the same tuple as a rule
 * written by hand.
 *
 * <p>Published ports (a DNAT to a container) never reach ufw's chains: Docker accepts them in
 * FORWARD before ufw's jumps. They are closed by the agent's iptables chain for published ports
 * ({@link PublishedChain}), which ufw leaves alone as packaged ({@code MANAGE_BUILTINS=no}); with
 * {@code MANAGE_BUILTINS=yes} ufw flushes and deletes every chain when it starts or stops, Docker's
 * with the agent's, and the next convergence writes the agent's again.
 */
final class UfwAdapter implements FirewallAdapter {

    static final String ID = "ufw";
    private static final Pattern VERSION = Pattern.compile("ufw (\\S+)");
    private static final String USER_RULES = "/etc/ufw/user.rules";
    private static final String USER6_RULES = "/etc/ufw/user6.rules";
    private static final String DEFAULTS = "/etc/default/ufw";
    /** Keeps our tuples distinct from hand-written ones (see the class comment). */
    private static final String ALL_SOURCE_PORTS = "1:65535";

    private final CommandRunner runner;
    private final Detector detector;

    UfwAdapter(CommandRunner runner) {
        this.runner = runner;
        this.detector = new Detector(ID, runner, "ufw", "ufw");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Detection detect() {
        return detector.detect(List.of("ufw", "version"), VERSION, m -> {
            Optional<String> version = Optional.of(m.group(1));
            CommandResult status = runner.run("ufw", "status");
            if (!status.ok()) {
                return new Detection(ID, true, false, version, "ufw status: " + status.describe()
                        + " (ufw needs root: CAP_NET_ADMIN and its rule files)");
            }
            boolean active = status.stdout().contains("Status: active");
            CommandResult defaults = runner.run("cat", DEFAULTS);
            String ipv6 = defaults.ok() && !ipv6Enabled(defaults.stdout())
                    ? "; IPV6=no in " + DEFAULTS + ": ufw drops all IPv6 traffic and keeps no IPv6 rules" : "";
            return new Detection(ID, true, active, version,
                    (active ? "ufw is active" : "ufw is installed but inactive") + ipv6);
        });
    }

    @Override
    public UfwState state() throws FirewallException {
        CommandResult status = Applier.run(ID, runner, Command.of("ufw", "status"));
        if (!status.ok()) {
            throw new FirewallException("ufw: " + status.describe() + "; run as root");
        }
        PacketFilter filter = new PacketFilterReader(runner).read();
        return stateOf(status.stdout(), read(DEFAULTS), read(USER_RULES), read(USER6_RULES), filter,
                PublishedChain.read(ID, runner, filter));
    }

    /** The state from {@code ufw status}, {@code /etc/default/ufw}, the two rule files and the filter tables. Pure. */
    static UfwState stateOf(String status, String defaults, String userRules, String user6Rules,
                            PacketFilter packetFilter, PublishedChain.State published) {
        boolean ipv6 = ipv6Enabled(defaults);
        List<UfwRules.Tuple> rules = new ArrayList<>(UfwRules.parse(userRules, false));
        if (ipv6) {
            rules.addAll(UfwRules.parse(user6Rules, true));
        }
        return new UfwState(status.contains("Status: active"), ipv6, rules, packetFilter, published);
    }

    /** ufw handles IPv6 unless {@code /etc/default/ufw} says {@code IPV6=no}. */
    static boolean ipv6Enabled(String defaults) {
        return defaults.lines().map(String::strip).noneMatch(l -> l.equalsIgnoreCase("IPV6=no"));
    }

    private String read(String file) throws FirewallException {
        CommandResult r = Applier.run(ID, runner, Command.of("cat", file));
        if (!r.ok()) {
            throw new FirewallException("ufw: cannot read " + file + ": " + r.describe());
        }
        return r.stdout();
    }

    /** One rule of ours: the ufw rule words, the families it covers, and what it does. */
    private record Rule(List<String> words, boolean v4, boolean v6, String what) {
    }

    /** Our rules in order; without IPv6 in ufw ({@code IPV6=no}) IPv6-only rules cannot exist and are left out. */
    private static List<Rule> rules(Desired desired, boolean ipv6Enabled) {
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<Integer, Inbound> e : desired.tcpInbound().entrySet()) {
            String port = e.getKey().toString();
            if (e.getValue() instanceof Inbound.AllowFrom allow) {
                for (Cidr c : allow.networks()) {
                    if (c.ipv6() && !ipv6Enabled) {
                        continue;
                    }
                    rules.add(new Rule(List.of("allow", "in", "proto", "tcp", "from", c.toString(), "port", ALL_SOURCE_PORTS,
                                    "to", "any", "port", port),
                            !c.ipv6(), c.ipv6(), "tcp/" + port + " allow " + c));
                }
            }
            if (!(e.getValue() instanceof Inbound.Open)) {
                rules.add(new Rule(List.of("deny", "in", "proto", "tcp", "from", "any", "port", ALL_SOURCE_PORTS,
                        "to", "any", "port", port), true, true,
                        "tcp/" + port + " drop"));
            }
        }
        // Egress: ufw's before-output chain accepts loopback before the user rules, so local
        // submission stays reachable.
        for (Map.Entry<Integer, Outbound> e : desired.tcpOutbound().entrySet()) {
            if (!(e.getValue() instanceof Outbound.BlockedExcept blocked)) {
                continue;
            }
            String port = e.getKey().toString();
            for (Cidr c : blocked.relays()) {
                if (c.ipv6() && !ipv6Enabled) {
                    continue;
                }
                rules.add(new Rule(List.of("allow", "out", "proto", "tcp", "from", "any", "port", ALL_SOURCE_PORTS,
                        "to", c.toString(), "port", port), !c.ipv6(), c.ipv6(), "egress tcp/" + port + " relay " + c));
            }
            rules.add(new Rule(List.of("reject", "out", "proto", "tcp", "from", "any", "port", ALL_SOURCE_PORTS,
                    "to", "any", "port", port), true, true, "egress tcp/" + port + " reject"));
        }
        return rules;
    }

    @Override
    public Plan plan(FirewallState state, Desired desired) {
        UfwState current = (UfwState) state;
        List<Rule> rules = rules(desired, current.ipv6Enabled());
        StringBuilder rendering = new StringBuilder();
        for (Rule r : rules) {
            rendering.append(String.join(" ", r.words())).append('\n');
        }
        String digest = RuleDigest.of(rendering.toString());
        List<String> want = new ArrayList<>();
        for (boolean ipv6 : new boolean[] {false, true}) {
            int position = 0;
            for (Rule r : rules) {
                if (ipv6 ? r.v6() && current.ipv6Enabled() : r.v4()) {
                    want.add((ipv6 ? "ipv6#" : "ipv4#") + ++position + " # " + comment(r, digest));
                }
            }
        }
        List<Change> changes = new ArrayList<>();
        if (!want.equals(current.ufwRules())) {
            ufwChanges(current, rules, digest, changes);
        }
        changes.addAll(PublishedChain.plan(current.published(), desired));
        return new Plan(ID, desired, changes);
    }

    private static void ufwChanges(UfwState current, List<Rule> rules, String digest, List<Change> changes) {
        List<Integer> numbers = new ArrayList<>(current.ownedNumbers());
        Collections.reverse(numbers); // highest first, so the lower numbers stay valid
        List<Command> delete = new ArrayList<>();
        for (int n : numbers) {
            delete.add(Command.of("ufw", "--force", "delete", Integer.toString(n)));
        }
        if (!delete.isEmpty()) {
            changes.add(new Change.Remove("delete the agent's ufw rules by number (" + numbers + ")", delete));
        }
        if (!rules.isEmpty()) {
            List<Command> prepend = new ArrayList<>();
            for (int i = rules.size() - 1; i >= 0; i--) { // prepend in reverse keeps them in order at the top
                List<String> argv = new ArrayList<>(List.of("ufw", "prepend"));
                argv.addAll(rules.get(i).words());
                argv.addAll(List.of("comment", comment(rules.get(i), digest)));
                prepend.add(Command.of(argv));
            }
            changes.add(new Change.Add("put the agent's " + rules.size() + " ufw rule" + (rules.size() == 1 ? "" : "s")
                    + " at the top of each family's list", prepend));
        }
    }

    private static String comment(Rule r, String digest) {
        return MARKER + " " + r.what() + " #" + digest;
    }

    @Override
    public ApplyResult apply(Plan plan) throws FirewallException {
        return Applier.apply(this, runner, plan, "");
    }
}
