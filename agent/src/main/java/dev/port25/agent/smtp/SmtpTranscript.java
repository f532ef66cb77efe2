package dev.port25.agent.smtp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one probe run said and met, in order: the sessions it opened, each command with the
 * reply or the trouble it met, the TLS handshakes, where each part of the probe ended, and why it
 * stopped early. The conversation ({@link SmtpConversation}) records it; {@link SmtpJudge} turns
 * it into a {@link SmtpProbeResult} without any I/O, so a transcript recorded from a real server
 * can be judged again anywhere ({@link SmtpTranscriptJson} reads and writes it).
 *
 * <p>No field of an event is null: what may be absent is an {@link Optional}. The conversation
 * and {@link SmtpTranscriptJson} are the only producers, and neither makes one.
 *
 * @param mode   what the run did: the full outside probe, or only enumeration and relay
 * @param events what happened, in order
 */
public record SmtpTranscript(Mode mode, List<Event> events) {

    public SmtpTranscript {
        Objects.requireNonNull(mode, "mode");
        events = List.copyOf(events);
    }

    /** What a run does. */
    public enum Mode {
        /** {@link SmtpProbe#probe}: banner, EHLO, STARTTLS and AUTH in a first session, then enumeration and relay. */
        FULL,
        /** {@link SmtpProbe#probeAccess}: enumeration and relay only. */
        ACCESS
    }

    /** One thing that happened in a run. */
    public sealed interface Event permits Connected, Exchange, Tls, Ended, RelayTried, Stopped {
    }

    /**
     * A new session's connection is up; its greeting is the next exchange of that session.
     *
     * @param session 1 for the first session of the run, then 2, 3...
     */
    public record Connected(int session) implements Event {
    }

    /**
     * One command and what came back, or the greeting (then {@code command} is empty).
     *
     * @param session the session it was said in
     * @param command the line sent, exactly; empty for the greeting
     * @param outcome the reply, or what happened instead
     * @param ask     the question about a user it belongs to, when it does
     */
    public record Exchange(int session, String command, Outcome outcome, Optional<Ask> ask) implements Event {
        public Exchange {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(ask, "ask");
        }

        /** The greeting rather than a command's reply. */
        public boolean greeting() {
            return command.isEmpty();
        }

        /** The reply, when one came. */
        public Optional<SmtpReply> reply() {
            return outcome instanceof Replied r ? Optional.of(r.reply()) : Optional.empty();
        }

        /**
         * The reply the probe goes on with: none when the server ended the session instead (a
         * 421, a closed connection, a reset), after which the probe opens a new one.
         */
        public Optional<SmtpReply> kept() {
            return reply().filter(r -> r.code() != 421);
        }
    }

    /** What a command met. */
    public sealed interface Outcome permits Replied, NoReply {
    }

    /** A complete reply. */
    public record Replied(SmtpReply reply) implements Outcome {
        public Replied {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /**
     * No reply: the connection closed, timed out, was reset, or the reply broke the reader's bounds.
     *
     * @param trouble what happened
     * @param detail  the reader's message, or the operating system's for a failed write or a reset
     */
    public record NoReply(Trouble trouble, String detail) implements Outcome {
        public NoReply {
            Objects.requireNonNull(trouble, "trouble");
            Objects.requireNonNull(detail, "detail");
        }

        /** The message of the exception the session threw. */
        public String message() {
            return trouble == Trouble.WRITE_FAILED ? "the server closed the connection (" + detail + ")" : detail;
        }

        /** The session ended and the probe may go on in a new one, as after a 421. */
        public boolean sessionLost() {
            return trouble == Trouble.CLOSED || trouble == Trouble.WRITE_FAILED || trouble == Trouble.RESET;
        }

        /** The reader's own complaint, which the transcript shows as "S: (...)". */
        public boolean fromReader() {
            return trouble != Trouble.WRITE_FAILED && trouble != Trouble.RESET && trouble != Trouble.IO_ERROR;
        }
    }

    /** Why no reply came. The first six are {@link SmtpProtocolException.Kind}s of the reader. */
    public enum Trouble {
        MALFORMED, LINE_TOO_LONG, TOO_MANY_LINES, TOO_MANY_BYTES, TIMEOUT, CLOSED,
        /** The command could not be written: the peer is gone ("Broken pipe"). */
        WRITE_FAILED,
        /** The read was reset by the peer ({@link java.net.SocketException}). */
        RESET,
        /** Any other I/O error of the read. */
        IO_ERROR
    }

    /**
     * The question about one user an exchange belongs to: the answer is the last reply to the
     * verb's own command among the exchanges of the question (a {@code MAIL FROM} that opens the
     * transaction belongs to it too) that did not end the session.
     *
     * @param question its number in the run, so that a user asked twice is judged by the later question
     * @param verb     VRFY, EXPN or RCPT
     * @param user     the user asked about; empty for the random control user
     * @param at       VRFY: what was appended to the user ("" or "@domain"); RCPT: the domain; EXPN: ""
     */
    public record Ask(int question, Verb verb, Optional<String> user, String at) {
        public Ask {
            Objects.requireNonNull(verb, "verb");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(at, "at");
        }

        public boolean control() {
            return user.isEmpty();
        }
    }

    /** The verbs that ask about users, with the command that carries the answer. */
    public enum Verb {
        VRFY("VRFY "), EXPN("EXPN "), RCPT("RCPT TO:");

        private final String command;

        Verb(String command) {
            this.command = command;
        }

        /** The exchange carries this verb's answer (not the MAIL FROM before a RCPT). */
        public boolean answers(Exchange e) {
            return e.command().startsWith(command);
        }
    }

    /**
     * The TLS handshake after a 220 to STARTTLS: its facts, or the failure.
     *
     * @param at when it was made, for the certificate's expiry
     */
    public record Tls(int session, TlsFacts facts, Instant at) implements Event {
        public Tls {
            Objects.requireNonNull(facts, "facts");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A part of the probe ran to its end: what it asked may be judged. */
    public record Ended(Part part) implements Event {
    }

    /** The parts of a run a judge must see finished before it judges them. */
    public enum Part {
        /** Every VRFY question of every round. */
        VRFY,
        /** Every EXPN question. */
        EXPN,
        /** The RCPT questions, up to the control user (the RSET after it is not part of it). */
        RCPT,
        /** All three verbs. */
        ENUMERATION,
        /** Every relay form. */
        RELAY
    }

    /**
     * One relay form was tried: its codes are those of the {@code MAIL FROM} and {@code RCPT TO}
     * exchanges since the previous form.
     */
    public record RelayTried(String mailFrom, String rcptTo) implements Event {
    }

    /** The run stopped early; {@code error} says why (the result's error). */
    public record Stopped(String error) implements Event {
    }

    /**
     * The transcript as the result shows it: "C: " and "S: " lines, "(TLS ...)" after a
     * handshake, "S: (...)" for what the reader refused, sessions separated by "--".
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Connected && !out.isEmpty()) {
                out.add("--");
            } else if (e instanceof Exchange x) {
                lines(x, out);
            } else if (e instanceof Tls t && t.facts().error().isEmpty()) {
                out.add("(TLS " + t.facts().protocol() + " " + t.facts().cipher() + ")");
            }
        }
        return List.copyOf(out);
    }

    static void lines(Exchange x, List<String> out) {
        if (!x.greeting()) {
            out.add("C: " + x.command());
        }
        if (x.outcome() instanceof Replied r) {
            for (String l : r.reply().toString().split("\n")) {
                out.add("S: " + l);
            }
        } else if (x.outcome() instanceof NoReply n && n.trouble() == Trouble.WRITE_FAILED) {
            out.add("S: (closed: " + n.detail() + ")");
        } else if (x.outcome() instanceof NoReply n && n.fromReader()) {
            out.add("S: (" + n.detail() + ")");
        }
    }
}
