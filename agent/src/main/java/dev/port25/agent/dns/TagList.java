package dev.port25.agent.dns;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A "tag=value; tag=value" record, the form DMARC (RFC 7489 6.4), MTA-STS (RFC 8461 3.1) and
 * TLS-RPT (RFC 8460 3) records share, whose first tag must be {@code v} with a given version.
 *
 * @param tags the tags in order; a tag written twice keeps its first value
 */
public record TagList(Map<String, String> tags) {

    public TagList {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /**
     * Parses {@code record} when its first tag is {@code v=<version>} (the version compared
     * exactly); empty for any other record (they are discarded by receivers).
     */
    public static Optional<TagList> parse(String record, String version) {
        Map<String, String> tags = new LinkedHashMap<>();
        boolean first = true;
        for (String part : record.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq).strip();
            String value = eq < 0 ? "" : p.substring(eq + 1).strip();
            if (first && !(key.equals("v") && value.equals(version))) {
                return Optional.empty();
            }
            first = false;
            tags.putIfAbsent(key, value);
        }
        return first ? Optional.empty() : Optional.of(new TagList(tags));
    }

    /** The records among {@code txt} whose first tag is {@code v=<version>}, parsed. */
    public static List<TagList> versioned(List<String> txt, String version) {
        return txt.stream().map(t -> parse(t, version)).flatMap(Optional::stream).toList();
    }

    public Optional<String> get(String tag) {
        return Optional.ofNullable(tags.get(tag));
    }

    private static final Pattern STS_ID = Pattern.compile("[A-Za-z0-9]{1,32}");

    /** An MTA-STS TXT record's id is 1-32 letters and digits (RFC 8461 3.1). */
    public static boolean validStsId(String id) {
        return STS_ID.matcher(id).matches();
    }
}
