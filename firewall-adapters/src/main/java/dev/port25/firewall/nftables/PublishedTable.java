package dev.port25.firewall.nftables;

import dev.port25.firewall.eval.NftJson;
import dev.port25.firewall.eval.NftRuleset;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.PacketFilterReader;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;

import java.util.List;
import java.util.Optional;

/**
 * The agent's own nftables table with its forward chain alone, for a backend that keeps the
 * host's inbound and egress rules its own way: firewalld. firewalld's forward chain accepts every
 * connection a DNAT sends on ({@code ct status dnat accept}, firewalld 1.3), which is how a
 * container's published port passes it; a drop in the agent's table ends such a connection
 * whatever firewalld's chains say, and {@code firewall-cmd --reload} deletes only firewalld's own
 * tables. Needs the {@code nft} command (package nftables), as reading firewalld's own nftables
 * table does.
 */
public final class PublishedTable {

    /** The nft ruleset as read, for the agent's table alone; or why it could not be read. */
    public static final class State {
        private final Optional<NftablesState> table;
        private final String unread;

        private State(Optional<NftablesState> table, String unread) {
            this.table = table;
            this.unread = unread;
        }

        /** The lines of the agent's table ({@link NftablesState#ownedRules()}); none when the ruleset was not read. */
        public List<String> ownedRules() {
            return table.map(NftablesState::ownedRules).orElse(List.of());
        }
    }

    /** The ruleset and every layer, read together; see {@link #state}. */
    public record Read(State state, PacketFilter filter) {
    }

    private PublishedTable() {
    }

    /**
     * Reads the nft ruleset once, and every layer with it. Where nft cannot read it (not installed,
     * not root), the layers are read without it and the state says why.
     */
    public static Read read(CommandRunner runner) {
        PacketFilterReader reader = new PacketFilterReader(runner);
        String why;
        try {
            CommandResult r = runner.run(Command.of("nft", "-j", "list", "ruleset"));
            if (r.ok()) {
                NftRuleset ruleset = NftJson.parse(r.stdout());
                PacketFilter filter = reader.read(ruleset);
                return new Read(of(ruleset, filter), filter);
            }
            why = "nft -j list ruleset: " + r.describe();
        } catch (CommandException e) {
            why = "nft: " + e.getMessage() + " (install the nftables package)";
        } catch (IllegalArgumentException e) {
            why = "cannot parse 'nft -j list ruleset': " + e.getMessage();
        }
        return new Read(unread(why), reader.read());
    }

    /** The state of a ruleset read by the caller. */
    public static State of(NftRuleset ruleset, PacketFilter filter) {
        return new State(Optional.of(new NftablesState(ruleset, filter)), "");
    }

    /** No ruleset, and why (recorded adapter cases; a host without nft). */
    public static State unread(String why) {
        return new State(Optional.empty(), why);
    }

    /**
     * The changes that bring the agent's table to the forward chain for {@code desired} (pure).
     * None where the ruleset was not read: what stays open is then in {@code enforce}'s unmet ports,
     * with the reason ({@link #explain}).
     */
    public static List<Change> plan(State state, Desired desired) {
        return state.table.map(t -> NftablesAdapter.changes(t, NftablesScript.renderPublished(desired)))
                .orElse(List.of());
    }

    /**
     * {@code unmet} ({@link dev.port25.firewall.spi.Applier#unmet}) with the reason the agent's table
     * could not be read added to each inbound port not as desired (a port published on the same
     * host port is judged in the host port's own line), so that {@code enforce} says why it could
     * not close a published way; unchanged where the ruleset was read.
     */
    public static List<String> explain(List<String> unmet, State state) {
        if (state.table.isPresent()) {
            return unmet;
        }
        return unmet.stream()
                .map(l -> l.contains(" egress ") ? l : l + "; the agent's nftables table for published ports was not "
                        + "written: " + state.unread)
                .toList();
    }
}
