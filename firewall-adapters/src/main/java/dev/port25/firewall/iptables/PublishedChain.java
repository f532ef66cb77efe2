package dev.port25.firewall.iptables;

import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's chain for published ports ({@code PORT25-AGENT-PUB}) on its own, for a backend that
 * keeps the rest of the host's rules its own way on top of iptables: ufw. ufw's forward chains
 * are appended to FORWARD, after the accepts Docker inserts there, so no ufw rule (not even
 * {@code ufw route}) sees a published port; the chain is hooked in exactly as the iptables backend
 * hooks it (first in DOCKER-USER, else first in FORWARD where a DNAT is), and ufw itself never
 * touches either chain ({@code ufw reload} rebuilds only its own {@code ufw-*} chains; not so with
 * {@code MANAGE_BUILTINS=yes}, where ufw flushes every chain, Docker's too, when it starts or stops).
 */
public final class PublishedChain {

    /** The filter tables as read, for the published chain alone. */
    public static final class State {
        private final IptablesState tables;

        State(IptablesState tables) {
            this.tables = tables;
        }

        /** The lines of the agent's published chain and its jumps, both families, in the variant in use. */
        public List<String> ownedRules() {
            List<String> lines = new ArrayList<>();
            for (boolean ipv6 : new boolean[] {false, true}) {
                lines.addAll(tables.owned(tables.inUse(), ipv6, IptablesState.Hook.PUBLISHED));
            }
            return lines;
        }
    }

    private PublishedChain() {
    }

    /** Reads the filter tables of both variants and families; {@code filter} is every layer, read by the caller. */
    public static State read(String backend, CommandRunner runner, PacketFilter filter) throws FirewallException {
        return new State(IptablesAdapter.state(backend, runner, filter));
    }

    /** No table read: nothing of the agent's, nothing published (recorded adapter cases). */
    public static State none(PacketFilter filter) {
        return new State(new IptablesState(IptablesVariant.NFT, Map.of(), Map.of(), filter));
    }

    /** The changes that bring the published chain to {@code desired} in both families (pure). */
    public static List<Change> plan(State state, Desired desired) {
        List<Change> changes = new ArrayList<>();
        for (boolean ipv6 : new boolean[] {false, true}) {
            IptablesAdapter.plan(state.tables, desired, ipv6, IptablesState.Hook.PUBLISHED, changes);
        }
        return changes;
    }
}
