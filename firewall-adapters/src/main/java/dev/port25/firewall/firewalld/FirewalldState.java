package dev.port25.firewall.firewalld;

import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.nftables.PublishedTable;
import dev.port25.firewall.spi.FirewallState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * firewalld's zones, runtime and permanent, and which zones apply: the default zone and every
 * zone bound to an interface or a source. Without NetworkManager no interface is bound and only
 * the default zone applies (firewalld 1.3.3: {@code --get-active-zones} prints nothing).
 *
 * @param running     firewalld answered
 * @param defaultZone the default zone
 * @param runtime     runtime configuration, by zone
 * @param permanent   permanent configuration, by zone
 * @param directRuntime   runtime direct rules, each as its arguments after {@code --add-rule}
 * @param directPermanent permanent direct rules
 * @param packetFilter every layer, firewalld's own nft table (or iptables chains) included
 * @param published   the nft ruleset, for the agent's own table that closes published ports
 */
record FirewalldState(boolean running, String defaultZone, Map<String, FirewalldZones.Zone> runtime,
                      Map<String, FirewalldZones.Zone> permanent, List<List<String>> directRuntime,
                      List<List<String>> directPermanent, PacketFilter packetFilter,
                      PublishedTable.State published) implements FirewallState {

    FirewalldState {
        runtime = Map.copyOf(runtime);
        permanent = Map.copyOf(permanent);
        directRuntime = List.copyOf(directRuntime);
        directPermanent = List.copyOf(directPermanent);
    }

    @Override
    public String backend() {
        return FirewalldAdapter.ID;
    }

    /** The zones the agent's rules belong in, sorted. */
    Set<String> zonesInUse() {
        Set<String> zones = new TreeSet<>();
        zones.add(defaultZone);
        for (FirewalldZones.Zone z : runtime.values()) {
            if (z.bound()) {
                zones.add(z.name());
            }
        }
        return zones;
    }

    /**
     * "permanent public: rule priority=...": the agent's rich rules in either configuration, sorted;
     * its direct rules; then its own nftables table ("nft: chain forward ...").
     */
    @Override
    public List<String> ownedRules() {
        List<String> lines = new ArrayList<>();
        lines.addAll(owned("runtime", runtime));
        lines.addAll(owned("permanent", permanent));
        for (List<String> r : directRuntime) {
            if (FirewalldDirect.owned(r)) {
                lines.add("runtime direct: " + String.join(" ", r));
            }
        }
        for (List<String> r : directPermanent) {
            if (FirewalldDirect.owned(r)) {
                lines.add("permanent direct: " + String.join(" ", r));
            }
        }
        published.ownedRules().forEach(l -> lines.add("nft: " + l));
        return lines;
    }

    private static List<String> owned(String mode, Map<String, FirewalldZones.Zone> zones) {
        Set<String> lines = new TreeSet<>();
        for (FirewalldZones.Zone z : zones.values()) {
            for (String r : z.richRules()) {
                if (FirewalldRich.owned(r)) {
                    lines.add(mode + " " + z.name() + ": " + r);
                }
            }
        }
        return new ArrayList<>(lines);
    }
}
