package dev.port25.agent.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An MTA-STS policy (RFC 8461 3.2): the "key: value" lines served at
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}.
 *
 * @param mode   enforce, testing or none
 * @param mx     the MX host patterns ("mx.example.org", "*.example.org")
 * @param maxAge seconds a sender may cache it
 */
public record MtaStsPolicy(Mode mode, List<String> mx, long maxAge) {

    public enum Mode { ENFORCE, TESTING, NONE }

    /** The largest max_age a policy may give: one year (RFC 8461 3.2). */
    public static final long MAX_AGE_LIMIT = 31_557_600L;

    public MtaStsPolicy {
        mx = List.copyOf(mx);
    }

    /** A parsed policy, or everything wrong with it. */
    public record Parsed(Optional<MtaStsPolicy> policy, List<String> errors) {
        public Parsed {
            errors = List.copyOf(errors);
        }
    }

    /**
     * Parses a policy body. Lines end in CRLF or LF; unknown keys are ignored; version, mode and
     * max_age are required, and at least one mx unless the mode is none.
     */
    public static Parsed parse(String body) {
        List<String> errors = new ArrayList<>();
        String version = null;
        String mode = null;
        String maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String line : body.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                errors.add("line '" + line.strip() + "' is not 'key: value'");
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = version == null ? value : version;
                case "mode" -> mode = mode == null ? value : mode;
                case "max_age" -> maxAge = maxAge == null ? value : maxAge;
                case "mx" -> mx.add(value.toLowerCase(Locale.ROOT));
                default -> {
                    // extensions are ignored (RFC 8461 3.2)
                }
            }
        }
        if (!"STSv1".equals(version)) {
            errors.add(version == null ? "no version" : "version '" + version + "' is not STSv1");
        }
        Mode m = null;
        if (mode == null) {
            errors.add("no mode");
        } else {
            switch (mode) {
                case "enforce" -> m = Mode.ENFORCE;
                case "testing" -> m = Mode.TESTING;
                case "none" -> m = Mode.NONE;
                default -> errors.add("mode '" + mode + "' is not enforce, testing or none");
            }
        }
        long age = -1;
        if (maxAge == null) {
            errors.add("no max_age");
        } else if (!maxAge.matches("[0-9]{1,10}") || Long.parseLong(maxAge) > MAX_AGE_LIMIT) {
            errors.add("max_age '" + maxAge + "' is not 0-" + MAX_AGE_LIMIT);
        } else {
            age = Long.parseLong(maxAge);
        }
        if (mx.isEmpty() && m != Mode.NONE) {
            errors.add("no mx");
        }
        if (!errors.isEmpty()) {
            return new Parsed(Optional.empty(), errors);
        }
        return new Parsed(Optional.of(new MtaStsPolicy(m, mx, age)), List.of());
    }

    /** Whether an MX host is covered by one of the policy's patterns. */
    public boolean covers(String host) {
        return mx.stream().anyMatch(p -> matches(p, host));
    }

    /**
     * RFC 8461 4.1: a pattern matches the host name exactly, or "*." followed by a name matches
     * that name with exactly one more label in front. Case and a final dot are ignored.
     */
    public static boolean matches(String pattern, String host) {
        String p = strip(pattern);
        String h = strip(host);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return p.equals(h);
    }

    private static String strip(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
