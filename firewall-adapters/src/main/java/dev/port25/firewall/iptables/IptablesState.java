package dev.port25.firewall.iptables;

import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.XtablesSave;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The filter tables of both variants and both families, and which variant {@code iptables}
 * points to (the one the agent writes to).
 *
 * @param inUse   the variant plain {@code iptables} runs
 * @param dumps   variant and family ("nft ipv4", "legacy ipv6") to the filter table of its dump;
 *                absent when that tool is not installed
 * @param missing variant and family to why it could not be read
 * @param packetFilter every layer: all tables of both variants and the nft tables
 */
record IptablesState(IptablesVariant inUse, Map<String, XtablesSave.Table> dumps, Map<String, String> missing,
                     PacketFilter packetFilter) implements FirewallState {

    static final String CHAIN = "PORT25-AGENT";
    static final String OUTPUT_CHAIN = "PORT25-AGENT-OUT";
    static final String PUBLISHED_CHAIN = "PORT25-AGENT-PUB";
    /** Docker's chain for the administrator's rules, which FORWARD jumps to first and dockerd never flushes. */
    static final String DOCKER_USER = "DOCKER-USER";
    /** The agent's chains: {@link #CHAIN}, {@link #OUTPUT_CHAIN} and {@link #PUBLISHED_CHAIN}. */
    static final Set<String> OWN_CHAINS = Set.of(CHAIN, OUTPUT_CHAIN, PUBLISHED_CHAIN);
    /** The built-in chains of the filter table. */
    static final Set<String> FILTER_BUILTINS = Set.of("INPUT", "FORWARD", "OUTPUT");

    /**
     * Where the agent's chains hook in: its inbound chain from INPUT, its egress chain from OUTPUT,
     * and its chain for published ports (connections a DNAT sends on to a container) from Docker's
     * DOCKER-USER where it exists, else from FORWARD.
     */
    enum Hook {
        INPUT(CHAIN, "INPUT"), OUTPUT(OUTPUT_CHAIN, "OUTPUT"), PUBLISHED(PUBLISHED_CHAIN, DOCKER_USER, "FORWARD");

        final String chain;
        /** The chains it may be jumped to from, the first that exists preferred. */
        final List<String> from;

        Hook(String chain, String... from) {
            this.chain = chain;
            this.from = List.of(from);
        }

        /** The jump's rule spec, after {@code -A BUILTIN}. */
        String jump() {
            return "-m comment --comment " + FirewallAdapter.MARKER + " -j " + chain;
        }
    }

    IptablesState {
        dumps = Map.copyOf(dumps);
        missing = Map.copyOf(missing);
    }

    static String key(IptablesVariant v, boolean ipv6) {
        return v.label() + (ipv6 ? " ipv6" : " ipv4");
    }

    @Override
    public String backend() {
        return IptablesAdapter.ID;
    }

    /** The agent's lines in the variant in use, IPv4 then IPv6; see {@link #owned(IptablesVariant, boolean)}. */
    @Override
    public List<String> ownedRules() {
        List<String> lines = new ArrayList<>();
        lines.addAll(owned(inUse, false));
        lines.addAll(owned(inUse, true));
        return lines;
    }

    /** The agent's lines in one dump, hook by hook; see {@link #owned(IptablesVariant, boolean, Hook)}. */
    List<String> owned(IptablesVariant v, boolean ipv6) {
        List<String> lines = new ArrayList<>();
        for (Hook hook : Hook.values()) {
            lines.addAll(owned(v, ipv6, hook));
        }
        return lines;
    }

    /**
     * The agent's lines for one hook in one dump: {@code "ipv4 INPUT#1 -j PORT25-AGENT"} for each
     * jump to its chain (with its position), then {@code "ipv4 PORT25-AGENT: <comment>"} for each
     * rule in it. Empty when neither the chain nor a jump exists.
     */
    List<String> owned(IptablesVariant v, boolean ipv6, Hook hook) {
        XtablesSave.Table dump = dumps.get(key(v, ipv6));
        List<String> lines = new ArrayList<>();
        if (dump == null) {
            return lines;
        }
        String family = ipv6 ? "ipv6" : "ipv4";
        for (XtablesSave.Rule r : dump.rules()) {
            if (hook.from.contains(r.chain()) && r.target().equals(Optional.of(hook.chain))) {
                lines.add(family + " " + r.chain() + "#" + r.position() + " -j " + hook.chain);
            }
        }
        if (dump.chains().containsKey(hook.chain)) {
            lines.add(family + " chain " + hook.chain);
        }
        for (XtablesSave.Rule r : dump.rules()) {
            if (r.chain().equals(hook.chain)) {
                lines.add(family + " " + hook.chain + ": " + r.comment().filter(c -> c.startsWith(FirewallAdapter.MARKER))
                        .orElse("(foreign rule: " + r.spec() + ")"));
            }
        }
        return lines;
    }

    /** The chain each jump to the hook's chain is in, one entry per jump, in one dump. */
    List<String> jumps(IptablesVariant v, boolean ipv6, Hook hook) {
        XtablesSave.Table dump = dumps.get(key(v, ipv6));
        return dump == null ? List.of() : dump.rules().stream().filter(r -> hook.from.contains(r.chain())
                && r.target().equals(Optional.of(hook.chain))).map(XtablesSave.Rule::chain).toList();
    }

    /** The chain the hook's chain is jumped to from in one dump: the first of {@link Hook#from} it has. */
    String from(IptablesVariant v, boolean ipv6, Hook hook) {
        for (String c : hook.from) {
            if (chainExists(v, ipv6, c)) {
                return c;
            }
        }
        return hook.from.get(hook.from.size() - 1);
    }

    /**
     * Whether the filter table of one dump holds nothing but the agent's chains and the jumps to
     * them: the built-in chains empty otherwise, each with policy ACCEPT, and no other chain. Once
     * the agent's rules are removed from such a table, it passes every packet, as no table does.
     */
    boolean onlyOurs(IptablesVariant v, boolean ipv6) {
        XtablesSave.Table dump = dumps.get(key(v, ipv6));
        if (dump == null) {
            return false;
        }
        boolean chains = dump.chains().entrySet().stream().allMatch(e -> OWN_CHAINS.contains(e.getKey())
                || FILTER_BUILTINS.contains(e.getKey()) && e.getValue().equals("ACCEPT"));
        boolean rules = dump.rules().stream().allMatch(r -> OWN_CHAINS.contains(r.chain())
                || r.target().filter(OWN_CHAINS::contains).isPresent()
                && r.comment().equals(Optional.of(FirewallAdapter.MARKER)));
        return chains && rules;
    }

    boolean chainExists(IptablesVariant v, boolean ipv6, Hook hook) {
        return chainExists(v, ipv6, hook.chain);
    }

    /** Whether the filter table of one dump has the chain {@code name}. */
    boolean chainExists(IptablesVariant v, boolean ipv6, String name) {
        XtablesSave.Table dump = dumps.get(key(v, ipv6));
        return dump != null && dump.chains().containsKey(name);
    }
}
