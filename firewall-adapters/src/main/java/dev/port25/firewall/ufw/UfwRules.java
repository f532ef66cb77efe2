package dev.port25.firewall.ufw;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * ufw's rules as its rule files keep them ({@code /etc/ufw/user.rules}, {@code user6.rules}):
 * one {@code ### tuple ###} line per rule, in order, whether or not ufw is enabled
 * ({@code ufw status} lists nothing while it is inactive). Pure parsing.
 */
final class UfwRules {

    /**
     * One rule.
     *
     * @param ipv6    from user6.rules
     * @param tuple   the tuple text without the comment: "deny tcp 25 0.0.0.0/0 any 0.0.0.0/0 in"
     * @param comment the decoded comment, empty when none
     */
    record Tuple(boolean ipv6, String tuple, Optional<String> comment) {
    }

    private UfwRules() {
    }

    static List<Tuple> parse(String rulesFile, boolean ipv6) {
        List<Tuple> tuples = new ArrayList<>();
        for (String line : rulesFile.split("\n")) {
            if (!line.startsWith("### tuple ### ")) {
                continue;
            }
            String rest = line.substring("### tuple ### ".length()).strip();
            Optional<String> comment = Optional.empty();
            int c = rest.indexOf(" comment=");
            if (c >= 0) {
                String hex = rest.substring(c + " comment=".length()).strip();
                comment = Optional.of(new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8));
                rest = rest.substring(0, c);
            }
            tuples.add(new Tuple(ipv6, rest, comment));
        }
        return tuples;
    }
}
