package dev.port25.agent.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Reads SMTP replies with hard bounds, so that a hostile or broken server gives an error, never a
 * hang or an unbounded buffer: each line at most {@code maxLineBytes}, each reply at most
 * {@code maxLines} lines, the whole session at most {@code maxSessionBytes}, and each reply
 * complete within {@code replyTimeoutMillis} (the underlying stream must give up each read after a
 * slice shorter than that with an {@link java.io.InterruptedIOException}, as a socket with a read
 * timeout does, so a silent peer returns control to the deadline check).
 *
 * <p>Parsing follows RFC 5321 section 4.2: "ddd-text" continues a reply, "ddd text" (or "ddd"
 * alone) ends it; every line of a reply carries the same code; lines end in CRLF (a bare LF is
 * accepted, as real servers and Postfix's own client do). Text is decoded as UTF-8 with
 * replacement (SMTPUTF8 servers send it; anything else is shown, not trusted).
 */
public final class SmtpReader {

    /** Bounds generous for every real MTA: Postfix and Exim send EHLO replies of 10-20 lines. */
    public record Limits(int maxLineBytes, int maxLines, long maxSessionBytes, long replyTimeoutMillis) {
        public static final Limits DEFAULT = new Limits(2048, 100, 256 * 1024, 10_000);
    }

    private final InputStream in;
    private final Limits limits;
    private final LongSupplier clock;
    private long sessionBytes;
    private final byte[] buffer = new byte[4096];
    private int start;
    private int end;

    public SmtpReader(InputStream in, Limits limits) {
        this(in, limits, System::currentTimeMillis);
    }

    SmtpReader(InputStream in, Limits limits, LongSupplier clock) {
        this.in = in;
        this.limits = limits;
        this.clock = clock;
    }

    /** Bytes received but not yet part of a reply (after STARTTLS's 220 there must be none). */
    public int buffered() {
        return end - start;
    }

    /** Bytes read so far in this session. */
    public long sessionBytes() {
        return sessionBytes;
    }

    /** Reads one whole reply. */
    public SmtpReply read() throws IOException {
        long deadline = clock.getAsLong() + limits.replyTimeoutMillis();
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = line(deadline);
            if (line.length() < 3 || !digits(line)) {
                throw new SmtpProtocolException(SmtpProtocolException.Kind.MALFORMED,
                        "not an SMTP reply line: " + excerpt(line));
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (c < 200 || c > 599) {
                throw new SmtpProtocolException(SmtpProtocolException.Kind.MALFORMED,
                        "reply code out of range: " + excerpt(line));
            }
            if (code >= 0 && c != code) {
                throw new SmtpProtocolException(SmtpProtocolException.Kind.MALFORMED,
                        "reply code changed within one reply from " + code + " to " + excerpt(line));
            }
            code = c;
            char sep = line.length() > 3 ? line.charAt(3) : ' ';
            if (sep != ' ' && sep != '-') {
                throw new SmtpProtocolException(SmtpProtocolException.Kind.MALFORMED,
                        "bad separator after the reply code: " + excerpt(line));
            }
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (sep == ' ') {
                return new SmtpReply(code, lines);
            }
            if (lines.size() >= limits.maxLines()) {
                throw new SmtpProtocolException(SmtpProtocolException.Kind.TOO_MANY_LINES,
                        "a reply of more than " + limits.maxLines() + " lines");
            }
        }
    }

    private static boolean digits(String line) {
        return Character.isDigit(line.charAt(0)) && Character.isDigit(line.charAt(1))
                && Character.isDigit(line.charAt(2));
    }

    /** One line without its CRLF or LF. */
    private String line(long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, start, i - start);
                    start = i + 1;
                    byte[] raw = line.toByteArray();
                    int n = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
                    return new String(raw, 0, n, StandardCharsets.UTF_8);
                }
                if (line.size() + (i - start) >= limits.maxLineBytes()) {
                    throw new SmtpProtocolException(SmtpProtocolException.Kind.LINE_TOO_LONG,
                            "a reply line longer than " + limits.maxLineBytes() + " bytes");
                }
            }
            line.write(buffer, start, end - start);
            start = end;
            fill(deadline);
        }
    }

    private void fill(long deadline) throws IOException {
        while (true) {
            if (clock.getAsLong() >= deadline) {
                throw new SmtpProtocolException(SmtpProtocolException.Kind.TIMEOUT,
                        "no complete reply within " + limits.replyTimeoutMillis() + " ms");
            }
            int n;
            try {
                n = in.read(buffer, 0, buffer.length);
            } catch (InterruptedIOException e) { // a socket's (or a pipe's) read slice ran out
                continue;
            }
            if (n < 0) {
                throw new SmtpProtocolException(SmtpProtocolException.Kind.CLOSED, "the server closed the connection");
            }
            sessionBytes += n;
            if (sessionBytes > limits.maxSessionBytes()) {
                throw new SmtpProtocolException(SmtpProtocolException.Kind.TOO_MANY_BYTES,
                        "more than " + limits.maxSessionBytes() + " bytes in one session");
            }
            start = 0;
            end = n;
            if (n > 0) {
                return;
            }
        }
    }

    /** At most 80 printable characters of {@code s}, control characters escaped. */
    static String excerpt(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && b.length() < 81; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.append(s.length() > 80 ? "...\"" : "\"").toString();
    }
}
