package dev.port25.firewall.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but valid command sequences an administrator gives a firewall manager, over the fuzz
 * lab's own addresses: ufw (default policies; allow, deny, reject and limit rules by port,
 * service name, port range and list, source network of either family, interface, with and
 * without a protocol, appended and prepended, commented) and firewalld (ports and services in the
 * default zone, services removed, rich rules with priorities, families, sources and their
 * negation, every action and reject type, sources bound to other zones, zone targets, direct
 * rules, a changed default zone; each in the runtime, the permanent configuration or both, and a
 * reload). Each command is the argv after the tool's name.
 */
final class ManagerCommandGenerator {

    private static final List<String> NETS4 = List.of("198.18.25.0/24", "198.18.25.0/30", "198.18.25.64/26",
            "198.18.25.2", "198.18.25.3", "198.18.0.0/15", "10.0.0.0/8");
    private static final List<String> NETS6 = List.of("fd00:25::/64", "fd00:25::/126", "fd00:25::40/122",
            "fd00:25::2", "fd00:25::3", "fd00::/8", "2001:db8::/32");

    private final Random random;

    ManagerCommandGenerator(Random random) {
        this.random = random;
    }

    /** A ufw sequence for an enabled ufw whose incoming default is allow. */
    List<List<String>> ufw() {
        List<List<String>> out = new ArrayList<>();
        if (chance(0.4)) {
            out.add(List.of("default", one("deny", "reject", "allow"), "incoming"));
        }
        for (int i = 0, n = random.nextInt(5); i < n; i++) {
            out.add(ufwRule());
        }
        return out;
    }

    private List<String> ufwRule() {
        List<String> argv = new ArrayList<>();
        if (chance(0.2)) {
            argv.add("prepend");
        }
        String action = one("allow", "deny", "deny", "reject", "limit");
        argv.add(action);
        boolean simple = chance(0.35);
        if (simple) {
            // limit needs a protocol
            argv.add(action.equals("limit") ? one("25/tcp", "22/tcp", "smtp/tcp") : one("25/tcp", "25", "smtp",
                    "20:30/tcp", "22/tcp", "25,587/tcp"));
        } else {
            if (chance(0.3)) {
                argv.addAll(List.of("in", "on", one("p25a", "p25a", "lo")));
            }
            argv.add("from");
            argv.add(chance(0.3) ? "any" : chance(0.5) ? one(NETS4) : one(NETS6));
            argv.addAll(List.of("to", "any"));
            boolean proto = action.equals("limit") || chance(0.7);
            String port = proto ? one("25", "25", "22", "20:30", "22,25", "587") : one("25", "22");
            if (chance(0.9)) {
                argv.addAll(List.of("port", port));
            } else if (!proto) {
                argv.subList(argv.size() - 2, argv.size()).clear(); // "from X" alone: every port, every protocol
            }
            if (proto && argv.contains("port")) {
                argv.addAll(List.of("proto", "tcp"));
            }
        }
        if (chance(0.2)) {
            argv.addAll(List.of("comment", one("admin", "smtp from the office")));
        }
        return argv;
    }

    /** A firewall-cmd sequence for a running firewalld with its packaged configuration. */
    List<List<String>> firewalld() {
        List<List<String>> out = new ArrayList<>();
        if (chance(0.15)) {
            out.add(List.of("--set-default-zone=" + one("work", "drop", "trusted", "internal")));
        }
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            List<String> cmd = firewalldChange();
            boolean targetOnly = cmd.stream().anyMatch(a -> a.startsWith("--set-target"));
            double where = random.nextDouble();
            if (targetOnly || where < 0.3) {
                out.add(withPermanent(cmd));
            }
            if (!targetOnly && where < 0.8) {
                out.add(cmd);
            }
        }
        if (chance(0.3)) {
            out.add(List.of("--reload"));
        }
        return out;
    }

    private static List<String> withPermanent(List<String> cmd) {
        List<String> p = new ArrayList<>(List.of("--permanent"));
        p.addAll(cmd);
        return p;
    }

    private List<String> firewalldChange() {
        double d = random.nextDouble();
        if (d < 0.2) {
            return List.of(one("--add-port=25/tcp", "--add-service=smtp", "--add-port=20-30/tcp", "--add-port=22/tcp",
                    "--remove-service=ssh", "--add-service=smtps"));
        }
        if (d < 0.6) {
            return List.of("--add-rich-rule=" + richRule());
        }
        if (d < 0.72) {
            boolean v6 = chance(0.5);
            return List.of("--zone=" + one("trusted", "drop", "block", "work"), "--add-source=" + one(v6 ? NETS6
                    : NETS4).replaceAll("^([^/]*)$", v6 ? "$1/128" : "$1/32"));
        }
        if (d < 0.82) {
            return List.of("--set-target=" + one("DROP", "REJECT", "ACCEPT", "%%REJECT%%"));
        }
        boolean v6 = chance(0.5);
        List<String> direct = new ArrayList<>(List.of("--direct", "--add-rule", v6 ? "ipv6" : "ipv4", "filter",
                "INPUT", one("0", "1", "-1"), "-p", "tcp", "--dport", one("25", "22")));
        if (chance(0.6)) {
            direct.addAll(List.of("-s", one(v6 ? NETS6 : NETS4)));
        }
        direct.addAll(List.of("-j", one("DROP", "ACCEPT", "REJECT")));
        return direct;
    }

    private String richRule() {
        StringBuilder r = new StringBuilder("rule");
        if (chance(0.4)) {
            r.append(" priority=\"").append(one("-10", "-1", "0", "5", "32000")).append('"');
        }
        String family = one("ipv4", "ipv6", "none");
        if (!family.equals("none")) {
            r.append(" family=\"").append(family).append('"');
            if (chance(0.6)) {
                r.append(" source").append(chance(0.2) ? " NOT" : "").append(" address=\"")
                        .append(one(family.equals("ipv4") ? NETS4 : NETS6)).append('"');
            }
        }
        r.append(chance(0.75) ? " port port=\"" + one("25", "25", "20-30", "22") + "\" protocol=\"tcp\""
                : " service name=\"" + one("smtp", "ssh") + "\"");
        String action = one("accept", "drop", "reject", "reject");
        r.append(' ').append(action);
        if (action.equals("reject") && !family.equals("none") && chance(0.5)) {
            r.append(" type=\"").append(family.equals("ipv4") ? one("icmp-port-unreachable", "tcp-reset",
                    "icmp-admin-prohibited") : one("icmp6-port-unreachable", "tcp-reset", "icmp6-adm-prohibited"))
                    .append('"');
        }
        return r.toString();
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private String one(String... options) {
        return options[random.nextInt(options.length)];
    }

    private String one(List<String> options) {
        return options.get(random.nextInt(options.size()));
    }
}
