package dev.port25.agent.smtp;

import java.io.IOException;

/**
 * The peer did not speak SMTP within the bounds the reader keeps: a malformed or oversized reply,
 * too many lines, too many bytes, or no complete reply in time. The message says which, with a
 * short, printable excerpt of what came.
 */
public final class SmtpProtocolException extends IOException {

    /** What went wrong, for findings that need to tell a silent peer from a talking non-SMTP one. */
    public enum Kind { MALFORMED, LINE_TOO_LONG, TOO_MANY_LINES, TOO_MANY_BYTES, TIMEOUT, CLOSED }

    private final Kind kind;

    public SmtpProtocolException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
