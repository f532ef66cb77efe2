package dev.port25.firewall.nftables;

import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.RuleDigest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders the agent's own table for a desired state. One {@code inet} table holds both
 * families; its input base chain (inbound), forward base chain (inbound connections a DNAT sends
 * on: a container's published port) and output base chain (egress) run at priority -10,
 * before firewalld's and most hand-written filter chains (priority 0). A drop here ends the packet whatever later chains say; an accept
 * here ends only this chain (later chains may still drop).
 *
 * <p>Every rule's comment carries the marker, what the rule does, and a digest of the whole
 * rendered rule set, so that the state read back says exactly which rendering is in place.
 */
final class NftablesScript {

    static final String FAMILY = "inet";
    static final String TABLE = "port25_agent";
    static final String CHAIN = "input";
    static final String OUTPUT_CHAIN = "output";
    static final String FORWARD_CHAIN = "forward";
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

    /** The whole table: input, forward and output chains. */
    static Rendered render(Desired desired) {
        return render(desired, true);
    }

    /**
     * The forward chain alone, for a host whose inbound and egress rules another manager keeps
     * (firewalld): its forward chain accepts every DNAT'd connection ({@code ct status dnat
     * accept}), so a published port is closed here, in a table firewalld never deletes.
     */
    static Rendered renderPublished(Desired desired) {
        return render(desired, false);
    }

    private static Rendered render(Desired desired, boolean whole) {
        List<Rule> input = new ArrayList<>();
        List<Rule> forward = new ArrayList<>();
        for (Map.Entry<Integer, Inbound> e : desired.tcpInbound().entrySet()) {
            int port = e.getKey();
            String base = "tcp/" + port;
            Inbound inbound = e.getValue();
            // loopback is this host talking to itself (local submission to 127.0.0.1:25), not exposure
            if (inbound instanceof Inbound.Closed) {
                input.add(new Rule("iifname != \"lo\" tcp dport " + port, "drop", base + " drop"));
            } else if (inbound instanceof Inbound.AllowFrom allow) {
                addressRules(input, "saddr", allow.networks(), "tcp dport " + port, base + " allow");
                input.add(new Rule("iifname != \"lo\" tcp dport " + port, "drop", base + " drop"));
            }
            if (!(inbound instanceof Inbound.Open)) {
                published(forward, port, inbound);
            }
            // Inbound.Open: nothing of ours for this port
        }
        List<Rule> output = new ArrayList<>();
        for (Map.Entry<Integer, Outbound> e : desired.tcpOutbound().entrySet()) {
            if (e.getValue() instanceof Outbound.BlockedExcept blocked) {
                int port = e.getKey();
                String base = "egress tcp/" + port;
                addressRules(output, "daddr", blocked.relays(), "tcp dport " + port, base + " relay");
                // loopback is local submission, not egress
                output.add(new Rule("oifname != \"lo\" tcp dport " + port, "reject with tcp reset", base + " reject"));
            }
        }
        if (!whole) {
            input.clear();
            output.clear();
        }
        if (input.isEmpty() && forward.isEmpty() && output.isEmpty()) {
            return new Rendered("", List.of());
        }
        StringBuilder body = new StringBuilder();
        for (Rule r : input) {
            body.append(r.match()).append(' ').append(r.verdict()).append('\n');
        }
        if (!forward.isEmpty()) {
            body.append("forward:\n");
            for (Rule r : forward) {
                body.append(r.match()).append(' ').append(r.verdict()).append('\n');
            }
        }
        if (!output.isEmpty()) {
            body.append("output:\n");
            for (Rule r : output) {
                body.append(r.match()).append(' ').append(r.verdict()).append('\n');
            }
        }
        String digest = RuleDigest.of(body.toString());
        StringBuilder script = new StringBuilder()
                .append("add table ").append(FAMILY).append(' ').append(TABLE).append('\n')
                .append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n')
                .append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n");
        List<String> chains = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        chain(script, chains, lines, CHAIN, "input", input, digest);
        chain(script, chains, lines, FORWARD_CHAIN, "forward", forward, digest);
        chain(script, chains, lines, OUTPUT_CHAIN, "output", output, digest);
        script.append("}\n");
        chains.addAll(lines);
        return new Rendered(script.toString(), chains);
    }

    private record Rule(String match, String verdict, String what) {
    }

    /**
     * The ways in to {@code port} that the input chain never sees: connections a DNAT (Docker's,
     * netavark's, CNI's, kube-proxy's, any other) sends on to another host or a container. In the
     * forward chain, by conntrack: translated to the port ({@code -p 2525:25}), or translated from
     * it ({@code -p 25:8025}). Only translated connections: this host's routing of other hosts'
     * mail (a gateway, a container sending out) is not touched. Only the client's direction: a
     * reply has the same conntrack status and original port, and dropping it would close the port
     * to the sources RELAY allows.
     */
    private static void published(List<Rule> forward, int port, Inbound inbound) {
        String base = "published tcp/" + port;
        String to = "ct status dnat ct direction original tcp dport " + port;
        String from = "ct status dnat ct direction original meta l4proto tcp ct original proto-dst " + port;
        if (inbound instanceof Inbound.AllowFrom allow) {
            addressRules(forward, "saddr", allow.networks(), to, base + " allow");
            addressRules(forward, "saddr", allow.networks(), from, base + " allow original");
        }
        forward.add(new Rule(to, "drop", base + " drop"));
        forward.add(new Rule(from, "drop", base + " drop original"));
    }

    private static void addressRules(List<Rule> rules, String field, List<Cidr> networks, String match, String what) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (Cidr c : networks) {
            (c.ipv6() ? v6 : v4).add(c.toString());
        }
        if (!v4.isEmpty()) {
            rules.add(new Rule("ip " + field + " { " + String.join(", ", v4) + " } " + match, "accept",
                    what + " ipv4"));
        }
        if (!v6.isEmpty()) {
            rules.add(new Rule("ip6 " + field + " { " + String.join(", ", v6) + " } " + match, "accept",
                    what + " ipv6"));
        }
    }

    private static void chain(StringBuilder script, List<String> chains, List<String> lines, String name, String hook,
                              List<Rule> rules, String digest) {
        if (rules.isEmpty()) {
            return;
        }
        script.append("\tchain ").append(name).append(" {\n")
                .append("\t\ttype filter hook ").append(hook).append(" priority ").append(PRIORITY)
                .append("; policy accept;\n");
        chains.add(chainLine(name, hook, PRIORITY, "accept"));
        for (Rule r : rules) {
            String comment = FirewallAdapter.MARKER + " " + r.what() + " #" + digest;
            script.append("\t\t").append(r.match()).append(' ').append(r.verdict())
                    .append(" comment \"").append(comment).append("\"\n");
            lines.add(name + ": " + comment);
        }
        script.append("\t}\n");
    }
}
