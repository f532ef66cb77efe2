package dev.port25.agent.smtp;

import java.util.List;
import java.util.Objects;

/**
 * One SMTP reply (RFC 5321 section 4.2): a three-digit code and one or more lines of text.
 *
 * @param code  200-599
 * @param lines the text of each line, without the code and separator; at least one (maybe empty)
 */
public record SmtpReply(int code, List<String> lines) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    /** 2yz: the command was accepted. */
    public boolean positive() {
        return code / 100 == 2;
    }

    /** 5yz: refused for good. */
    public boolean permanentFailure() {
        return code / 100 == 5;
    }

    /** The first line's text. */
    public String first() {
        return lines.get(0);
    }

    /** "250 mail.example.org" or "250-...\n250 ..." as it came, one line per element joined by newlines. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
            if (i < lines.size() - 1) {
                b.append('\n');
            }
        }
        return b.toString();
    }
}
