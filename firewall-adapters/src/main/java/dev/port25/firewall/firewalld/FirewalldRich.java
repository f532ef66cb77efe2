package dev.port25.firewall.firewalld;

import dev.port25.firewall.net.Cidr;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's rich rules. firewalld rich rules carry no comment, so the agent's are marked by
 * their priority: {@value #ALLOW_PRIORITY} for allowed sources and {@value #DROP_PRIORITY} for
 * the drop (a lower priority runs first; both below 0, so they run before the zone's services and
 * ports, in its {@code _pre} chain). A hand-written rule with one of these priorities would be
 * taken for the agent's; the numbers are chosen so that does not happen by accident.
 */
final class FirewalldRich {

    static final int ALLOW_PRIORITY = -25025;
    static final int DROP_PRIORITY = -25024;

    private static final Pattern RULE = Pattern.compile(
            "^rule priority=\"(-?\\d+)\" family=\"(ipv4|ipv6)\"(?: source address=\"([^\"]+)\")?"
                    + " port port=\"(\\d+)\" protocol=\"tcp\" (accept|drop)$");

    /** One of our rules, as a comparable value: the same rule however firewalld spells the address. */
    record Rule(int priority, String family, Optional<Cidr> source, int port, String action) {

        String text() {
            return "rule priority=\"" + priority + "\" family=\"" + family + "\""
                    + source.map(s -> " source address=\"" + s + "\"").orElse("")
                    + " port port=\"" + port + "\" protocol=\"tcp\" " + action;
        }
    }

    private FirewalldRich() {
    }

    /** True when {@code text} carries one of the agent's priorities. */
    static boolean owned(String text) {
        return text.startsWith("rule priority=\"" + ALLOW_PRIORITY + "\"")
                || text.startsWith("rule priority=\"" + DROP_PRIORITY + "\"");
    }

    /** The rule of ours {@code text} spells, or empty for a rule of another shape (then it is foreign or altered). */
    static Optional<Rule> parse(String text) {
        Matcher m = RULE.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<Cidr> source;
        try {
            source = Optional.ofNullable(m.group(3)).map(Cidr::parse);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(new Rule(Integer.parseInt(m.group(1)), m.group(2), source, Integer.parseInt(m.group(4)), m.group(5)));
    }
}
