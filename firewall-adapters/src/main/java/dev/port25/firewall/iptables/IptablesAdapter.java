package dev.port25.firewall.iptables;

import dev.port25.firewall.eval.LegacyTables;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.PacketFilterReader;
import dev.port25.firewall.eval.XtablesSave;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;
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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * iptables and ip6tables: the agent's own chain {@code PORT25-AGENT}, jumped to from the top of
 * INPUT (and {@code PORT25-AGENT-PUB} for published ports: from the top of Docker's DOCKER-USER,
 * which dockerd keeps first in FORWARD and never flushes, else, where a DNAT is, from the top of
 * FORWARD), in the variant
 * {@code iptables} points to (nft or legacy); both variants are read, and
 * the agent's rules left in the other variant are removed. The chain is rewritten atomically per
 * family with {@code iptables-restore --noflush}. Allowed sources RETURN to INPUT rather than
 * ACCEPT, so the administrator's later INPUT rules still apply to them.
 */
final class IptablesAdapter implements FirewallAdapter {

    static final String ID = "iptables";
    private static final Pattern VERSION = Pattern.compile("iptables v(\\S+)(?: \\((nf_tables|legacy)\\))?");
    /** How the nft ruleset names a chain among a table's objects ("chain INPUT"). */
    private static final String NFT_CHAIN = "chain ";

    private final CommandRunner runner;
    private final Detector detector;

    IptablesAdapter(CommandRunner runner) {
        this.runner = runner;
        this.detector = new Detector(ID, runner, "iptables", "iptables");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Detection detect() {
        return detector.detect(List.of("iptables", "--version"), VERSION, m -> {
            IptablesVariant v = variant(m);
            Optional<String> version = Optional.of(m.group(1) + " (" + v.label() + ")");
            if (v == IptablesVariant.LEGACY && LegacyTables.absent(runner, IpFamily.IPV4, "filter")) {
                return new Detection(ID, true, true, version, "iptables points to the legacy variant, which has no "
                        + "filter table yet");
            }
            CommandResult save = runner.run(v.tool(false, "-save"), "-t", "filter");
            if (!save.ok()) {
                return new Detection(ID, true, false, version, "cannot read the ruleset: " + save.describe()
                        + " (needs CAP_NET_ADMIN)");
            }
            return new Detection(ID, true, true, version, "iptables points to the " + v.label() + " variant");
        });
    }

    private static IptablesVariant variant(Matcher m) {
        // iptables before 1.8 has no variant suffix: it is the legacy implementation.
        return "nf_tables".equals(m.group(2)) ? IptablesVariant.NFT : IptablesVariant.LEGACY;
    }

    @Override
    public IptablesState state() throws FirewallException {
        return state(ID, runner, new PacketFilterReader(runner).read());
    }

    /**
     * The filter tables of both variants and families, and the variant in use, beside {@code filter}
     * (every layer, read by the caller); {@code backend} names the backend in errors.
     */
    static IptablesState state(String backend, CommandRunner runner, PacketFilter filter) throws FirewallException {
        CommandResult version = Applier.run(backend, runner, Command.of("iptables", "--version"));
        Matcher m = VERSION.matcher(version.stdout());
        if (!version.ok() || !m.find()) {
            throw new FirewallException(backend + ": iptables: " + version.describe() + "; install the iptables package");
        }
        Map<String, XtablesSave.Table> dumps = new LinkedHashMap<>();
        Map<String, String> missing = new LinkedHashMap<>();
        for (IptablesVariant v : IptablesVariant.values()) {
            for (boolean ipv6 : new boolean[] {false, true}) {
                String key = IptablesState.key(v, ipv6);
                if (v == IptablesVariant.LEGACY
                        && LegacyTables.absent(runner, ipv6 ? IpFamily.IPV6 : IpFamily.IPV4, "filter")) {
                    dumps.put(key, XtablesSave.parse(List.of()).table("filter")); // no table, no rules; -save -t would create it
                    continue;
                }
                try {
                    CommandResult r = runner.run(v.tool(ipv6, "-save"), "-t", "filter");
                    if (r.ok()) {
                        dumps.put(key, XtablesSave.parse(r.stdoutLines()).table("filter"));
                    } else {
                        missing.put(key, r.describe());
                    }
                } catch (CommandException e) {
                    missing.put(key, e.getMessage());
                }
            }
        }
        IptablesVariant inUse = variant(m);
        for (boolean ipv6 : new boolean[] {false, true}) {
            String key = IptablesState.key(inUse, ipv6);
            if (!dumps.containsKey(key)) {
                throw new FirewallException(backend + ": cannot read " + inUse.tool(ipv6, "-save") + ": "
                        + missing.get(key) + "; run as root (CAP_NET_ADMIN)");
            }
        }
        return new IptablesState(inUse, dumps, missing, filter);
    }

    /** The agent's inbound chain's rule specs for one family, each with its comment. */
    static List<String> ruleSpecs(Desired desired, boolean ipv6) {
        return ruleSpecs(desired, ipv6, IptablesState.Hook.INPUT);
    }

    /** The rule specs of the agent's chain for {@code hook}, one family, each with its comment. */
    static List<String> ruleSpecs(Desired desired, boolean ipv6, IptablesState.Hook hook) {
        List<String[]> rules = new ArrayList<>(); // {spec without comment, what, target}
        if (hook == IptablesState.Hook.INPUT) {
            for (Map.Entry<Integer, Inbound> e : desired.tcpInbound().entrySet()) {
                String port = "-p tcp -m tcp --dport " + e.getKey();
                String base = "tcp/" + e.getKey();
                if (!(e.getValue() instanceof Inbound.Open)) {
                    // loopback is this host talking to itself (local submission to 127.0.0.1:25), not exposure
                    rules.add(new String[] {"-i lo " + port, base + " loopback", "RETURN"});
                }
                if (e.getValue() instanceof Inbound.AllowFrom allow) {
                    for (Cidr c : allow.networks()) {
                        if (c.ipv6() == ipv6) {
                            rules.add(new String[] {"-s " + c + " " + port, base + " allow " + c, "RETURN"});
                        }
                    }
                }
                if (!(e.getValue() instanceof Inbound.Open)) {
                    rules.add(new String[] {port, base + " drop", "DROP"});
                }
            }
        } else if (hook == IptablesState.Hook.PUBLISHED) {
            // connections a DNAT sends on (Docker's published ports, which INPUT never sees), by
            // conntrack: translated to the port (-p 2525:25) or from it (-p 25:8025); the client's
            // direction only, since a reply has the same state and original port and dropping it
            // would close the port to the sources RELAY allows
            for (Map.Entry<Integer, Inbound> e : desired.tcpInbound().entrySet()) {
                if (e.getValue() instanceof Inbound.Open) {
                    continue;
                }
                String to = "-p tcp -m tcp --dport " + e.getKey() + " -m conntrack --ctstate DNAT --ctdir ORIGINAL";
                String from = "-p tcp -m conntrack --ctstate DNAT --ctorigdstport " + e.getKey() + " --ctdir ORIGINAL";
                String base = "published tcp/" + e.getKey();
                if (e.getValue() instanceof Inbound.AllowFrom allow) {
                    for (Cidr c : allow.networks()) {
                        if (c.ipv6() == ipv6) {
                            rules.add(new String[] {"-s " + c + " " + to, base + " allow " + c, "RETURN"});
                            rules.add(new String[] {"-s " + c + " " + from, base + " allow original " + c, "RETURN"});
                        }
                    }
                }
                rules.add(new String[] {to, base + " drop", "DROP"});
                rules.add(new String[] {from, base + " drop original", "DROP"});
            }
        } else {
            for (Map.Entry<Integer, Outbound> e : desired.tcpOutbound().entrySet()) {
                if (e.getValue() instanceof Outbound.BlockedExcept blocked) {
                    String port = "-p tcp -m tcp --dport " + e.getKey();
                    String base = "egress tcp/" + e.getKey();
                    // loopback is local submission, not egress
                    rules.add(new String[] {"-o lo " + port, base + " loopback", "RETURN"});
                    for (Cidr c : blocked.relays()) {
                        if (c.ipv6() == ipv6) {
                            rules.add(new String[] {"-d " + c + " " + port, base + " relay " + c, "RETURN"});
                        }
                    }
                    rules.add(new String[] {port, base + " reject", "REJECT --reject-with tcp-reset"});
                }
            }
        }
        StringBuilder all = new StringBuilder();
        for (String[] r : rules) {
            all.append(r[0]).append(" -j ").append(r[2]).append('\n');
        }
        String digest = RuleDigest.of(all.toString());
        List<String> specs = new ArrayList<>();
        for (String[] r : rules) {
            specs.add(r[0] + " -m comment --comment \"" + MARKER + " " + r[1] + " #" + digest + "\" -j " + r[2]);
        }
        return specs;
    }

    /** The lines {@link IptablesState#owned} shows for {@code hook}, jumped to from {@code from}, once {@code specs} are in place. */
    private static List<String> expected(List<String> specs, boolean ipv6, IptablesState.Hook hook, String from) {
        List<String> lines = new ArrayList<>();
        if (specs.isEmpty()) {
            return lines;
        }
        String family = ipv6 ? "ipv6" : "ipv4";
        lines.add(family + " " + from + "#1 -j " + hook.chain);
        lines.add(family + " chain " + hook.chain);
        for (String spec : specs) {
            int start = spec.indexOf("--comment \"") + 11;
            lines.add(family + " " + hook.chain + ": " + spec.substring(start, spec.indexOf('"', start)));
        }
        return lines;
    }

    @Override
    public Plan plan(FirewallState state, Desired desired) {
        IptablesState current = (IptablesState) state;
        List<Change> changes = new ArrayList<>();
        for (boolean ipv6 : new boolean[] {false, true}) {
            for (IptablesState.Hook hook : IptablesState.Hook.values()) {
                plan(current, desired, ipv6, hook, changes);
            }
            tableRemoval(current, desired, ipv6).ifPresent(changes::add);
        }
        return new Plan(ID, desired, changes);
    }

    /** The changes that bring the agent's chain for {@code hook}, one family, to {@code desired}. */
    static void plan(IptablesState current, Desired desired, boolean ipv6, IptablesState.Hook hook,
                     List<Change> changes) {
        String family = ipv6 ? "IPv6" : "IPv4";
        IptablesVariant v = current.inUse();
        // published ports are closed from Docker's DOCKER-USER, which dockerd keeps first in FORWARD;
        // where there is none but a DNAT (netavark, CNI, dockerd 20.10's IPv6), from the top of
        // FORWARD, which a runtime that inserts above it on restart reopens until the next enforce;
        // where nothing translates, nothing is published
        String from = current.from(v, ipv6, hook);
        List<String> specs = hook == IptablesState.Hook.PUBLISHED && !from.equals(IptablesState.DOCKER_USER)
                && !current.packetFilter().translates(ipv6 ? IpFamily.IPV6 : IpFamily.IPV4)
                ? List.of() : ruleSpecs(desired, ipv6, hook);
        List<String> want = expected(specs, ipv6, hook, from);
        List<String> have = current.owned(v, ipv6, hook);
        String what = "the agent's chain " + hook.chain + " (" + family + ", iptables-" + v.label() + ")";
        if (want.isEmpty()) {
            if (!have.isEmpty()) {
                changes.add(new Change.Remove("remove " + what, removal(current, v, ipv6, hook)));
            }
        } else if (!want.equals(have)) {
            StringBuilder script = new StringBuilder("*filter\n:" + hook.chain + " - [0:0]\n");
            for (String spec : specs) {
                script.append("-A ").append(hook.chain).append(' ').append(spec).append('\n');
            }
            boolean jumpInPlace = current.jumps(v, ipv6, hook).size() == 1 && have.contains(want.get(0));
            if (!jumpInPlace) {
                for (String chain : current.jumps(v, ipv6, hook)) {
                    script.append("-D ").append(chain).append(' ').append(hook.jump()).append('\n');
                }
                script.append("-I ").append(from).append(" 1 ").append(hook.jump()).append('\n');
            }
            script.append("COMMIT\n");
            Command restore = Command.of(v.tool(ipv6, "-restore"), "-w", "--noflush")
                    .withStdin(script.toString().getBytes(StandardCharsets.UTF_8));
            changes.add(have.isEmpty()
                    ? new Change.Add("create " + what + " and jump to it first in " + from, List.of(restore))
                    : new Change.Replace("rewrite " + what + " atomically", List.of(restore)));
        }
        IptablesVariant other = v == IptablesVariant.NFT ? IptablesVariant.LEGACY : IptablesVariant.NFT;
        if (!current.owned(other, ipv6, hook).isEmpty()) {
            changes.add(new Change.Remove("remove the agent's chain " + hook.chain + " left in iptables-"
                    + other.label() + " (" + family + "), which is not the variant in use",
                    removal(current, other, ipv6, hook)));
        }
    }

    /**
     * When the agent's rules go and the iptables-nft filter table of a family held nothing else,
     * the table itself goes too: iptables-nft made it for the agent's chain (a host on which
     * nothing else uses iptables has none), and a table left behind would be the agent's residue
     * in every dump. A table an administrator had made and left empty goes as well; it passed
     * every packet, as no table does.
     *
     * <p>Only when the nft ruleset read shows the table holding nothing but the built-in chains and
     * the agent's (no other chain, set, map or object; iptables-nft-save shows neither), and in one
     * nft transaction that deletes each built-in chain before the table: a chain that got a rule
     * since the read cannot be deleted, and then nothing is. Needs nft (iptables cannot delete a
     * table); without it the empty table stays.
     */
    private static Optional<Change> tableRemoval(IptablesState current, Desired desired, boolean ipv6) {
        IptablesVariant v = current.inUse();
        boolean keeps = Arrays.stream(IptablesState.Hook.values())
                .anyMatch(h -> !ruleSpecs(desired, ipv6, h).isEmpty());
        if (v != IptablesVariant.NFT || keeps || current.owned(v, ipv6).isEmpty() || !current.onlyOurs(v, ipv6)) {
            return Optional.empty();
        }
        Optional<List<String>> objects = current.packetFilter().nfTableObjects(ipv6 ? IpFamily.IPV6 : IpFamily.IPV4,
                "filter");
        if (objects.isEmpty()) {
            return Optional.empty();
        }
        List<String> chains = objects.get().stream().filter(o -> o.startsWith(NFT_CHAIN))
                .map(o -> o.substring(NFT_CHAIN.length())).toList();
        if (chains.size() != objects.get().size() || !chains.stream().allMatch(c ->
                IptablesState.FILTER_BUILTINS.contains(c) || IptablesState.OWN_CHAINS.contains(c))) {
            return Optional.empty();
        }
        String family = ipv6 ? "ip6" : "ip";
        StringBuilder script = new StringBuilder();
        for (String c : chains) {
            if (IptablesState.FILTER_BUILTINS.contains(c)) {
                script.append("delete chain ").append(family).append(" filter ").append(c).append('\n');
            }
        }
        script.append("delete table ").append(family).append(" filter\n");
        return Optional.of(new Change.Remove("remove the " + (ipv6 ? "IPv6" : "IPv4") + " filter table of "
                + "iptables-nft, which held nothing but the agent's chain", List.of(Command.of("nft", "-f", "-")
                .withStdin(script.toString().getBytes(StandardCharsets.UTF_8)))));
    }

    private static List<Command> removal(IptablesState state, IptablesVariant v, boolean ipv6, IptablesState.Hook hook) {
        String tool = v.tool(ipv6, "");
        List<Command> commands = new ArrayList<>();
        for (String chain : state.jumps(v, ipv6, hook)) {
            List<String> argv = new ArrayList<>(List.of(tool, "-w", "-D", chain));
            argv.addAll(List.of(hook.jump().split(" ")));
            commands.add(Command.of(argv));
        }
        if (state.chainExists(v, ipv6, hook)) {
            commands.add(Command.of(tool, "-w", "-F", hook.chain));
            commands.add(Command.of(tool, "-w", "-X", hook.chain));
        }
        return commands;
    }

    @Override
    public ApplyResult apply(Plan plan) throws FirewallException {
        return Applier.apply(this, runner, plan, "");
    }
}
