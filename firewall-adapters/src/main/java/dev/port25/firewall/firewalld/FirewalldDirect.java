package dev.port25.firewall.firewalld;

import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.RuleDigest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's egress rules on a firewalld host: direct rules in the OUTPUT chain. Zone rich rules
 * only see inbound traffic, and firewalld policies (which could see outbound) are created
 * permanently and activated by {@code --reload}, which the agent never runs; direct rules are
 * added to the runtime and the permanent configuration like the rich rules (firewalld 1.3.3 with
 * its nftables backend puts them in iptables-nft's OUTPUT chain). Each carries a comment with the
 * marker and a digest. A rule is its arguments after {@code --add-rule}: family, table, chain,
 * priority, then the iptables arguments.
 */
final class FirewalldDirect {

    private FirewalldDirect() {
    }

    /** The direct rules (as argument lists after {@code --add-rule}) for the desired egress state. */
    static List<List<String>> rules(Desired desired) {
        List<String[]> rules = new ArrayList<>(); // family, priority, match, what, target
        for (Map.Entry<Integer, Outbound> e : desired.tcpOutbound().entrySet()) {
            if (!(e.getValue() instanceof Outbound.BlockedExcept blocked)) {
                continue;
            }
            String port = "-p tcp --dport " + e.getKey();
            String base = "egress tcp/" + e.getKey();
            for (String family : List.of("ipv4", "ipv6")) {
                // loopback is local submission, not egress
                rules.add(new String[] {family, Integer.toString(FirewalldRich.ALLOW_PRIORITY), "-o lo " + port,
                        base + " loopback", "RETURN"});
                for (Cidr c : blocked.relays()) {
                    if (c.ipv6() == family.equals("ipv6")) {
                        rules.add(new String[] {family, Integer.toString(FirewalldRich.ALLOW_PRIORITY),
                                "-d " + c + " " + port, base + " relay " + c, "RETURN"});
                    }
                }
                rules.add(new String[] {family, Integer.toString(FirewalldRich.DROP_PRIORITY), port, base + " reject",
                        "REJECT --reject-with tcp-reset"});
            }
        }
        StringBuilder all = new StringBuilder();
        for (String[] r : rules) {
            all.append(String.join(" ", r[0], r[1], r[2], r[4])).append('\n');
        }
        String digest = RuleDigest.of(all.toString());
        List<List<String>> out = new ArrayList<>();
        for (String[] r : rules) {
            List<String> args = new ArrayList<>(List.of(r[0], "filter", "OUTPUT", r[1]));
            args.addAll(List.of(r[2].split(" ")));
            args.addAll(List.of("-m", "comment", "--comment", FirewallAdapter.MARKER + " " + r[3] + " #" + digest, "-j"));
            args.addAll(List.of(r[4].split(" ")));
            out.add(args);
        }
        return out;
    }

    /** True for a direct rule whose comment carries the marker. */
    static boolean owned(List<String> args) {
        int i = args.indexOf("--comment");
        return i >= 0 && i + 1 < args.size() && args.get(i + 1).startsWith(FirewallAdapter.MARKER);
    }
}
