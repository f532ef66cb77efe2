package dev.port25.agent.dns;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the checks need from an SPF record (RFC 7208): which TXT records are SPF records, the
 * qualifier of its {@code all} mechanism, and its {@code redirect=} target.
 */
public final class Spf {

    private static final Pattern VERSION = Pattern.compile("(?i)v=spf1(\\s.*)?");

    private Spf() {
    }

    /** The TXT records that are SPF records: "v=spf1" then a space or the end (RFC 7208 4.5). */
    public static List<String> select(List<String> txt) {
        return txt.stream().filter(t -> VERSION.matcher(t).matches()).toList();
    }

    /**
     * The qualifier of the {@code all} mechanism ('+' when written bare), or empty without one.
     * Terms after {@code all} are never reached by an evaluation, so it is the last word.
     */
    public static Optional<Character> all(String record) {
        for (String term : terms(record)) {
            String t = term.toLowerCase(Locale.ROOT);
            if (t.equals("all")) {
                return Optional.of('+');
            }
            if (t.length() == 4 && "+-~?".indexOf(t.charAt(0)) >= 0 && t.endsWith("all")) {
                return Optional.of(t.charAt(0));
            }
        }
        return Optional.empty();
    }

    /** The {@code redirect=} modifier's domain, as written (it may hold macros). */
    public static Optional<String> redirect(String record) {
        for (String term : terms(record)) {
            if (term.toLowerCase(Locale.ROOT).startsWith("redirect=")) {
                return Optional.of(term.substring("redirect=".length()));
            }
        }
        return Optional.empty();
    }

    /** The record's terms after the version. */
    private static List<String> terms(String record) {
        String[] words = record.trim().split("\\s+");
        return List.of(words).subList(1, words.length);
    }
}
