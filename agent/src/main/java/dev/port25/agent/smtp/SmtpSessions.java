package dev.port25.agent.smtp;

import java.io.IOException;
import java.net.SocketException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sessions of one probe run, one at a time, and their record: opens them through the
 * connector, greets and EHLOs a fresh one, says each command, and writes every exchange (with
 * its session number and the question it belongs to) and handshake into the transcript's events.
 * It remembers what the server called itself (the first 220 greeting and EHLO name) and whether
 * a transaction is open.
 */
final class SmtpSessions {

    private final String heloName;
    private final SmtpProbe.Connector connector;
    private final List<SmtpTranscript.Event> events = new ArrayList<>();
    private SmtpSession session;
    private int sessions;
    /** Exchanges of the current session already in {@link #events}. */
    private int recorded;
    private Optional<String> banner = Optional.empty();
    private String ehloName = "";
    /** A MAIL FROM was accepted in this session and not yet reset. */
    boolean inTransaction;

    SmtpSessions(String heloName, SmtpProbe.Connector connector) {
        this.heloName = heloName;
        this.connector = connector;
    }

    /** The first 220 greeting, as it came. */
    Optional<String> banner() {
        return banner;
    }

    /** The name in the first positive EHLO reply that named one; empty before. */
    String ehloName() {
        return ehloName;
    }

    /** Adds an event of the conversation's own (a part ended, a relay form tried, the stop). */
    void note(SmtpTranscript.Event e) {
        events.add(e);
    }

    SmtpTranscript transcript(SmtpTranscript.Mode mode) {
        return new SmtpTranscript(mode, events);
    }

    /** Connects a new session and reads its greeting. */
    SmtpReply open() throws IOException {
        close();
        inTransaction = false;
        session = connector.open();
        recorded = 0;
        events.add(new SmtpTranscript.Connected(++sessions));
        SmtpReply g = say("", Optional.empty());
        if (g.code() == 220 && banner.isEmpty()) {
            banner = Optional.of(g.toString());
        }
        return g;
    }

    /** EHLO, and HELO after a refused one; the EHLO reply either way. */
    SmtpReply hello() throws IOException {
        SmtpReply ehlo = say("EHLO " + heloName, Optional.empty());
        if (!ehlo.positive()) {
            say("HELO " + heloName, Optional.empty());
        }
        if (ehloName.isEmpty() && ehlo.positive()) {
            ehloName = ehlo.first().split(" ")[0];
        }
        return ehlo;
    }

    /** A fresh plaintext session, greeted and EHLO'd, for enumeration and relay tries. */
    void reopen() throws IOException {
        SmtpReply g = open();
        if (g.code() != 220) {
            throw new IOException("the server refused a new session: " + g);
        }
        hello();
    }

    /** Says {@code command} (reads the greeting when empty) in the current session, and records the exchange. */
    SmtpReply say(String command, Optional<SmtpTranscript.Ask> ask) throws IOException {
        try {
            return command.isEmpty() ? session.greeting() : session.send(command);
        } finally {
            List<SmtpTranscript.Exchange> all = session.exchanges();
            for (SmtpTranscript.Exchange x : all.subList(recorded, all.size())) {
                events.add(new SmtpTranscript.Exchange(sessions, x.command(), x.outcome(), ask));
            }
            recorded = all.size();
        }
    }

    /** Says; when the server dropped the session (421, closed, reset) opens a new one and returns null. */
    SmtpReply send(String command, Optional<SmtpTranscript.Ask> ask) throws IOException {
        try {
            SmtpReply r = say(command, ask);
            if (r.code() == 421) {
                reopen();
                return null;
            }
            return r;
        } catch (SmtpProtocolException e) {
            if (e.kind() != SmtpProtocolException.Kind.CLOSED) {
                throw e;
            }
            reopen();
            return null;
        } catch (SocketException e) {
            // reset or broken pipe: Exim drops a session after too many rejected commands
            reopen();
            return null;
        }
    }

    /** The handshake after a 220 to STARTTLS, recorded with its facts or its failure; false when it failed. */
    boolean startTls(String name) {
        TlsFacts facts;
        try {
            facts = session.startTls(name);
        } catch (IOException e) {
            facts = TlsFacts.failed(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        events.add(new SmtpTranscript.Tls(sessions, facts, Instant.now()));
        return facts.error().isEmpty();
    }

    /** QUIT, whatever the server does with it, and close. */
    void quit() {
        if (session != null) {
            try {
                say("QUIT", Optional.empty());
            } catch (IOException | RuntimeException e) {
                // the server may already have hung up; nothing to report
            }
        }
        close();
    }

    void close() {
        if (session != null) {
            try {
                session.close();
            } catch (IOException e) {
                // closing a socket that is gone
            }
            session = null;
        }
    }
}
