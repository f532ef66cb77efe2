package dev.port25.firewall.nftables;

import dev.port25.firewall.spi.Cidr;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.RuleDigest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders the agent's own table for a desired state. One {@code inet} table holds both
 * families; its input base chain runs at priority -10, before firewalld's and most hand-written
 * filter chains (priority 0). A drop here ends the packet whatever later chains say; an accept
 * here ends only this chain (later chains may still drop).
 *
 * <p>Every rule's comment carries the marker, what the rule does, and a digest of the whole
 * rendered rule set, so that the state read back says exactly which rendering is in place.
 */
final class NftablesScript {

    static final String FAMILY = "inet";
    static final String TABLE = "port25_agent";
    static final String CHAIN = "input";
    static final int PRIORITY = -10;

    /** The rendered table: the {@code nft -f} script and the owned lines the state will show. */
    record Rendered(String script, List<String> expectedLines) {
        boolean empty() {
            return expectedLines.isEmpty();
        }
    }

    private NftablesScript() {
    }

    static String chainLine(String name, String hook, int priority, String policy) {
        return "chain " + name + " hook " + hook + " priority " + priority + " policy " + policy;
    }

    static Rendered render(Desired desired) {
        record Rule(String match, String verdict, String what) {
        }
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<Integer, Inbound> e : desired.tcpInbound().entrySet()) {
            int port = e.getKey();
            String base = "tcp/" + port;
            Inbound inbound = e.getValue();
            if (inbound instanceof Inbound.Closed) {
                rules.add(new Rule("tcp dport " + port, "drop", base + " drop"));
            } else if (inbound instanceof Inbound.AllowFrom allow) {
                List<String> v4 = new ArrayList<>();
                List<String> v6 = new ArrayList<>();
                for (Cidr c : allow.networks()) {
                    (c.ipv6() ? v6 : v4).add(c.toString());
                }
                if (!v4.isEmpty()) {
                    rules.add(new Rule("ip saddr { " + String.join(", ", v4) + " } tcp dport " + port,
                            "accept", base + " allow ipv4"));
                }
                if (!v6.isEmpty()) {
                    rules.add(new Rule("ip6 saddr { " + String.join(", ", v6) + " } tcp dport " + port,
                            "accept", base + " allow ipv6"));
                }
                rules.add(new Rule("tcp dport " + port, "drop", base + " drop"));
            }
            // Inbound.Open: nothing of ours for this port
        }
        if (rules.isEmpty()) {
            return new Rendered("", List.of());
        }
        StringBuilder body = new StringBuilder();
        for (Rule r : rules) {
            body.append(r.match()).append(' ').append(r.verdict()).append('\n');
        }
        String digest = RuleDigest.of(body.toString());
        StringBuilder script = new StringBuilder()
                .append("add table ").append(FAMILY).append(' ').append(TABLE).append('\n')
                .append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n')
                .append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n")
                .append("\tchain ").append(CHAIN).append(" {\n")
                .append("\t\ttype filter hook input priority ").append(PRIORITY).append("; policy accept;\n");
        List<String> lines = new ArrayList<>();
        lines.add(chainLine(CHAIN, "input", PRIORITY, "accept"));
        for (Rule r : rules) {
            String comment = FirewallAdapter.MARKER + " " + r.what() + " #" + digest;
            script.append("\t\t").append(r.match()).append(' ').append(r.verdict())
                    .append(" comment \"").append(comment).append("\"\n");
            lines.add(CHAIN + ": " + comment);
        }
        script.append("\t}\n}\n");
        return new Rendered(script.toString(), lines);
    }
}
