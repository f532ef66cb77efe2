package dev.port25.firewall.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code iptables-save} / {@code ip6tables-save} dump (either variant, with or without
 * {@code -c} counters): its tables in order, each with its chains' policies and its rules as
 * text. What both the evaluation ({@link XtablesRules}) and the iptables adapter read. Pure.
 *
 * @param tables every {@code *table} section, in order
 */
public record XtablesSave(List<Table> tables) {

    private static final Pattern COMMENT = Pattern.compile("--comment (?:\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+))");
    private static final Pattern TARGET = Pattern.compile("(?:^| )-[jg] (\\S+)");

    public XtablesSave {
        tables = List.copyOf(tables);
    }

    /**
     * One table.
     *
     * @param name      "filter", "nat", ...
     * @param chains    chain name to policy ("ACCEPT", "DROP", or "-" for a user chain), as declared
     * @param rules     every {@code -A} line, in order, counters removed
     * @param committed whether the section ends in {@code COMMIT} (a dump cut short does not)
     */
    public record Table(String name, Map<String, String> chains, List<Rule> rules, boolean committed) {

        public Table {
            chains = Collections.unmodifiableMap(new LinkedHashMap<>(chains));
            rules = List.copyOf(rules);
        }
    }

    /** One rule: its chain, its position in that chain (1-based), its text after the chain name. */
    public record Rule(String chain, int position, String spec) {

        /** The rule's comment, unquoted; empty when it has none. */
        public Optional<String> comment() {
            Matcher m = COMMENT.matcher(spec);
            if (!m.find()) {
                return Optional.empty();
            }
            return Optional.of(m.group(1) != null ? m.group(1).replace("\\\"", "\"") : m.group(2));
        }

        /** The jump or goto target, empty for a rule without one. */
        public Optional<String> target() {
            Matcher m = TARGET.matcher(spec);
            String last = null;
            while (m.find()) {
                last = m.group(1);
            }
            return Optional.ofNullable(last);
        }
    }

    /** The first table called {@code name}; an empty one when the dump has none. */
    public Table table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElse(new Table(name, Map.of(), List.of(), false));
    }

    public static XtablesSave parse(List<String> lines) {
        List<Table> tables = new ArrayList<>();
        String table = null;
        Map<String, String> chains = new LinkedHashMap<>();
        List<Rule> rules = new ArrayList<>();
        Map<String, Integer> positions = new LinkedHashMap<>();
        for (String raw : lines) {
            // 'iptables-save -c' puts packet and byte counters before the rule
            String line = raw.strip().replaceFirst("^\\[\\d+:\\d+\\] ", "");
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("*")) {
                if (table != null) {
                    tables.add(new Table(table, chains, rules, false));
                }
                table = line.substring(1);
                chains = new LinkedHashMap<>();
                rules = new ArrayList<>();
                positions = new LinkedHashMap<>();
            } else if (line.equals("COMMIT") && table != null) {
                tables.add(new Table(table, chains, rules, true));
                table = null;
            } else if (table != null && line.startsWith(":")) {
                String[] f = line.substring(1).split(" ");
                chains.put(f[0], f.length > 1 ? f[1] : "-");
            } else if (table != null && line.startsWith("-A ")) {
                String rest = line.substring(3);
                int space = rest.indexOf(' ');
                String chain = space < 0 ? rest : rest.substring(0, space);
                rules.add(new Rule(chain, positions.merge(chain, 1, Integer::sum), space < 0 ? "" : rest.substring(space + 1)));
            }
        }
        if (table != null) {
            tables.add(new Table(table, chains, rules, false));
        }
        return new XtablesSave(tables);
    }
}
