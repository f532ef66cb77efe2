package dev.port25.agent.settings;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A shell-style pattern for host names: {@code *} any run of characters, {@code ?} one
 * character, {@code [abc]} / {@code [a-z]} / {@code [!abc]} one of (or none of) a set. Matching
 * ignores case, as DNS does. Only characters a host name can hold, and these, are accepted.
 *
 * @param text the pattern as written
 */
public record HostGlob(@JsonValue String text) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9.*?\\[\\]!_-]+");

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public HostGlob {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a host name pattern cannot be empty");
        }
        if (!ALLOWED.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a host name pattern: use letters, digits, "
                    + "'.', '-', '_' and the wildcards * ? [...]");
        }
        regex(text); // rejects unbalanced brackets
    }

    /** True when {@code hostname} matches, ignoring case. */
    public boolean matches(String hostname) {
        return Pattern.compile(regex(text), Pattern.CASE_INSENSITIVE).matcher(hostname.toLowerCase(Locale.ROOT))
                .matches();
    }

    private static String regex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        throw new IllegalArgumentException("'" + glob + "' has a '[' without its ']'");
                    }
                    String set = glob.substring(i + 1, end);
                    re.append('[');
                    if (set.startsWith("!")) {
                        re.append('^');
                        set = set.substring(1);
                    }
                    re.append(set.replace("[", "\\[").replace("\\", "\\\\")).append(']');
                    i = end;
                }
                case ']' -> throw new IllegalArgumentException("'" + glob + "' has a ']' without its '['");
                case '!' -> throw new IllegalArgumentException("'" + glob + "': '!' is only allowed as '[!...]'");
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
