package dev.port25.firewall.ufw;

import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.iptables.PublishedChain;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallState;

import java.util.ArrayList;
import java.util.List;

/**
 * ufw's state: whether it is active, whether it handles IPv6 at all ({@code IPV6=} in
 * {@code /etc/default/ufw}), and its rules in ufw's numbering (IPv4 rules first, then IPv6).
 *
 * @param active      "Status: active"
 * @param ipv6Enabled {@code IPV6=yes}; with {@code IPV6=no} ufw drops all IPv6 and keeps no IPv6 rules
 * @param rules       IPv4 rules then IPv6 rules, each list in ufw's order
 * @param packetFilter every layer, the chains ufw builds from these rules included
 * @param published   the filter tables, for the agent's chain for published ports
 */
record UfwState(boolean active, boolean ipv6Enabled, List<UfwRules.Tuple> rules, PacketFilter packetFilter,
                PublishedChain.State published) implements FirewallState {

    UfwState {
        rules = List.copyOf(rules);
    }

    @Override
    public String backend() {
        return UfwAdapter.ID;
    }

    /** The agent's ufw rules ({@link #ufwRules()}), then its chain for published ports and the jumps to it. */
    @Override
    public List<String> ownedRules() {
        List<String> lines = ufwRules();
        lines.addAll(published.ownedRules());
        return lines;
    }

    /** "ipv4#1 # port25-agent tcp/25 drop #...": each of the agent's ufw rules with its place in its family. */
    List<String> ufwRules() {
        List<String> lines = new ArrayList<>();
        int v4 = 0;
        int v6 = 0;
        for (UfwRules.Tuple t : rules) {
            int position = t.ipv6() ? ++v6 : ++v4;
            if (owned(t)) {
                lines.add((t.ipv6() ? "ipv6#" : "ipv4#") + position + " # " + t.comment().orElseThrow());
            }
        }
        return lines;
    }

    /** ufw's rule numbers (as {@code ufw status numbered} and {@code ufw delete N} use them) of the agent's rules. */
    List<Integer> ownedNumbers() {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            if (owned(rules.get(i))) {
                numbers.add(i + 1);
            }
        }
        return numbers;
    }

    private static boolean owned(UfwRules.Tuple t) {
        return t.comment().map(c -> c.startsWith(FirewallAdapter.MARKER)).orElse(false);
    }
}
