package dev.port25.firewall.testing;

import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything of a backend's ruleset that is not the agent's, as text, so a test can require it
 * byte-identical before and after the agent applies plans: the ruleset as the backend's own tool
 * prints it, with the agent's table, chains, rules and comments taken out and packet counters
 * zeroed.
 */
public final class ForeignRules {

    private ForeignRules() {
    }

    public static String snapshot(String backend, CommandRunner runner) throws Exception {
        return switch (backend) {
            case "nftables" -> withoutOwnTable(ok(runner, "nft", "list", "ruleset"));
            case "iptables" -> saves(runner, "iptables-save") + saves(runner, "ip6tables-save");
            // ufw's rules as ufw lists them, and everything in iptables but the user chains that hold them
            case "ufw" -> lines(ok(runner, "ufw", "status", "verbose"), "port25-agent")
                    + saves(runner, "iptables-save").replaceAll("(?m)^.*ufw6?-user-.*\n", "")
                    + saves(runner, "ip6tables-save").replaceAll("(?m)^.*ufw6?-user-.*\n", "");
            case "firewalld" -> lines(ok(runner, "firewall-cmd", "--list-all-zones"), "priority=\"-2502")
                    + lines(ok(runner, "firewall-cmd", "--permanent", "--list-all-zones"), "priority=\"-2502")
                    + lines(ok(runner, "firewall-cmd", "--direct", "--get-all-rules"), "port25-agent")
                    + lines(ok(runner, "firewall-cmd", "--permanent", "--direct", "--get-all-rules"), "port25-agent");
            default -> throw new IllegalArgumentException("no foreign-rules snapshot for " + backend);
        };
    }

    private static String saves(CommandRunner runner, String tool) throws Exception {
        return lines(ok(runner, tool), "PORT25-AGENT").replaceAll("\\[\\d+:\\d+]", "[0:0]");
    }

    /** The text without comment lines ('#', as *-save prints dates) and without lines containing {@code ours}. */
    private static String lines(String text, String ours) {
        StringBuilder out = new StringBuilder();
        for (String l : text.split("\n", -1)) {
            if (!l.startsWith("#") && !l.contains(ours)) {
                out.append(l).append('\n');
            }
        }
        return out.toString();
    }

    private static String withoutOwnTable(String ruleset) {
        List<String> out = new ArrayList<>();
        int depth = -1;
        for (String l : ruleset.split("\n", -1)) {
            if (depth < 0 && l.startsWith("table inet port25_agent {")) {
                depth = 0;
            }
            if (depth >= 0) {
                depth += count(l, '{') - count(l, '}');
                if (depth == 0) {
                    depth = -1;
                }
                continue;
            }
            out.add(l.replaceAll("counter packets \\d+ bytes \\d+", "counter"));
        }
        return String.join("\n", out);
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }

    private static String ok(CommandRunner runner, String... argv) throws Exception {
        CommandResult r = runner.run(argv);
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r.stdout();
    }
}
