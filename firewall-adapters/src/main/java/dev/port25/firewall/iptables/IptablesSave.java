package dev.port25.firewall.iptables;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code filter} table of one {@code iptables-save} / {@code ip6tables-save} dump: chain
 * policies and rules in order, as text. Pure parsing; the other tables are skipped.
 *
 * @param chains chain name to policy ("ACCEPT", "DROP", or "-" for a user chain)
 * @param rules  every {@code -A} line of the filter table, in order, counters removed
 */
record IptablesSave(Map<String, String> chains, List<Rule> rules) {

    private static final Pattern COMMENT = Pattern.compile("--comment (?:\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+))");

    IptablesSave {
        chains = Collections.unmodifiableMap(new LinkedHashMap<>(chains));
        rules = List.copyOf(rules);
    }

    /** One rule: its chain, its position in that chain (1-based), its text after the chain name. */
    record Rule(String chain, int position, String spec) {

        /** The rule's comment, unquoted; empty when it has none. */
        Optional<String> comment() {
            Matcher m = COMMENT.matcher(spec);
            if (!m.find()) {
                return Optional.empty();
            }
            return Optional.of(m.group(1) != null ? m.group(1).replace("\\\"", "\"") : m.group(2));
        }

        /** The jump or goto target, empty for a rule without one. */
        Optional<String> target() {
            Matcher m = Pattern.compile("(?:^| )-[jg] (\\S+)").matcher(spec);
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            return Optional.ofNullable(last);
        }
    }

    static IptablesSave parse(List<String> lines) {
        Map<String, String> chains = new LinkedHashMap<>();
        List<Rule> rules = new ArrayList<>();
        Map<String, Integer> positions = new LinkedHashMap<>();
        String table = null;
        for (String raw : lines) {
            // 'iptables-save -c' puts packet and byte counters before the rule
            String line = raw.strip().replaceFirst("^\\[\\d+:\\d+\\] ", "");
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("*")) {
                table = line.substring(1);
            } else if (line.equals("COMMIT")) {
                table = null;
            } else if ("filter".equals(table) && line.startsWith(":")) {
                String[] f = line.substring(1).split(" ");
                chains.put(f[0], f.length > 1 ? f[1] : "-");
            } else if ("filter".equals(table) && line.startsWith("-A ")) {
                String rest = line.substring(3);
                int space = rest.indexOf(' ');
                String chain = space < 0 ? rest : rest.substring(0, space);
                String spec = space < 0 ? "" : rest.substring(space + 1);
                int position = positions.merge(chain, 1, Integer::sum);
                rules.add(new Rule(chain, position, spec));
            }
        }
        return new IptablesSave(chains, rules);
    }
}
