package dev.port25.agent.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The probe's side of the protocol: opens the sessions, says what it asks, and records everything
 * in a {@link SmtpTranscript}. It decides only what the protocol needs for its next step (HELO
 * after a refused EHLO, STARTTLS when offered, a VRFY qualifier after a 501, a fresh session when
 * a reply says nothing about the user, the next RCPT domain while none accepts a recipient);
 * {@link SmtpJudge} says what it all means.
 */
final class SmtpConversation {

    private final SmtpProbe.Options options;
    private final SmtpProbe.Connector connector;
    private final InetAddress server;
    private final SecureRandom random;
    private final List<SmtpTranscript.Event> events = new ArrayList<>();
    private SmtpSession session;
    private int sessions;
    /** Exchanges of the current session already in {@link #events}. */
    private int recorded;
    private int questions;
    private Optional<String> banner = Optional.empty();
    private String ehloName = "";
    /** A MAIL FROM was accepted in this session and not yet reset. */
    private boolean inTransaction;
    private Optional<String> rcptDomain = Optional.empty();

    private SmtpConversation(SmtpProbe.Options options, SmtpProbe.Connector connector, InetAddress server,
                             SecureRandom random) {
        this.options = options;
        this.connector = connector;
        this.server = server;
        this.random = random;
    }

    /** The outside probe: a first session for banner, EHLO, STARTTLS and AUTH, then enumeration and relay. */
    static SmtpTranscript full(SmtpProbe.Options options, SmtpProbe.Connector connector, InetAddress server,
                               String name, SecureRandom random) {
        SmtpConversation c = new SmtpConversation(options, connector, server, random);
        return c.run(SmtpTranscript.Mode.FULL, () -> {
            c.first(name);
            if (c.banner.isPresent()) {
                c.enumerate();
                c.relay();
            }
        });
    }

    /** Enumeration and relay only. */
    static SmtpTranscript access(SmtpProbe.Options options, SmtpProbe.Connector connector, InetAddress server,
                                 SecureRandom random) {
        SmtpConversation c = new SmtpConversation(options, connector, server, random);
        return c.run(SmtpTranscript.Mode.ACCESS, () -> {
            c.enumerate();
            c.relay();
        });
    }

    private interface Steps {
        void run() throws IOException;
    }

    /**
     * Runs the steps; what stopped them is the transcript's last event. So is a failure of the
     * probe's own code: the transcript up to that point is still what the caller reports.
     */
    private SmtpTranscript run(SmtpTranscript.Mode mode, Steps steps) {
        try {
            steps.run();
        } catch (IOException e) {
            events.add(new SmtpTranscript.Stopped(e.getMessage() == null ? e.toString() : e.getMessage()));
        } catch (RuntimeException e) {
            events.add(new SmtpTranscript.Stopped("the probe failed on this server's answers (" + e
                    + "); the transcript shows where"));
        } finally {
            close();
        }
        return new SmtpTranscript(mode, events);
    }

    /** Session 1: banner, EHLO, STARTTLS and the handshake, EHLO again after it. */
    private void first(String name) throws IOException {
        SmtpReply greeting;
        try {
            open();
            greeting = exchange("", Optional.empty());
        } catch (SmtpProtocolException e) {
            return;
        }
        if (greeting.code() != 220) {
            return;
        }
        banner = Optional.of(greeting.toString());
        SmtpReply ehlo = hello();
        List<String> capabilities = List.of();
        if (ehlo.positive()) {
            ehloName = ehlo.first().split(" ")[0];
            capabilities = ehlo.lines().subList(1, ehlo.lines().size());
        }
        if (capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS"))
                && exchange("STARTTLS", Optional.empty()).code() == 220) {
            boolean shaken = false;
            try {
                TlsFacts facts = session.startTls(name);
                events.add(new SmtpTranscript.Tls(sessions, facts, Instant.now()));
                shaken = true;
                exchange("EHLO " + options.heloName(), Optional.empty());
            } catch (IOException e) {
                // after the handshake: the EHLO's own exchange shows what failed
                if (!shaken) {
                    events.add(new SmtpTranscript.Tls(sessions, TlsFacts.failed(e.getMessage() == null ? e.toString()
                            : e.getMessage()), Instant.now()));
                }
            }
        }
        quit();
    }

    private SmtpReply hello() throws IOException {
        SmtpReply ehlo = exchange("EHLO " + options.heloName(), Optional.empty());
        if (!ehlo.positive()) {
            exchange("HELO " + options.heloName(), Optional.empty());
        }
        return ehlo;
    }

    private void open() throws IOException {
        session = connector.open();
        recorded = 0;
        events.add(new SmtpTranscript.Connected(++sessions));
    }

    /** Says {@code command} (the greeting when empty) in the current session and records the exchange. */
    private SmtpReply exchange(String command, Optional<SmtpTranscript.Ask> ask) throws IOException {
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

    /** A fresh plaintext session, greeted and EHLO'd, for enumeration and relay tries. */
    private void reopen() throws IOException {
        close();
        inTransaction = false;
        open();
        SmtpReply g = exchange("", Optional.empty());
        if (g.code() != 220) {
            throw new IOException("the server refused a new session: " + g);
        }
        if (banner.isEmpty()) {
            banner = Optional.of(g.toString());
        }
        SmtpReply ehlo = hello();
        if (ehloName.isEmpty() && ehlo.positive()) {
            ehloName = ehlo.first().split(" ")[0];
        }
    }

    /** The domain of the relay forms and the first VRFY qualifier: where a recipient was accepted, else the first candidate. */
    private String domain() {
        return rcptDomain.orElseGet(() -> candidateDomains().get(0));
    }

    /**
     * Where RCPT may find local users, best first: the domain given; else the mail domains
     * known from settings, the server's EHLO and banner names (Postfix's mydestination and
     * Exim's local_domains hold the host name by default), and their parent domains.
     */
    private List<String> candidateDomains() {
        return options.domain().map(List::of).orElseGet(() -> SmtpDomains.candidates(options.mailDomains(), ehloName, banner));
    }

    /** VRFY, EXPN and RCPT for each user and a random control user, each verb in a session of its own. */
    private void enumerate() throws IOException {
        String control = "p25x" + HexFormat.of().formatHex(random.generateSeed(5));
        // a server counts rejected commands per session (Postfix's smtpd_hard_error_limit, Exim's
        // smtp_max_synprot_errors) and drops it
        reopen();
        vrfy(control);
        reopen();
        ask(SmtpTranscript.Verb.EXPN, Optional.empty(), "", control);
        for (String u : options.users()) {
            ask(SmtpTranscript.Verb.EXPN, Optional.of(u), "", u);
        }
        events.add(new SmtpTranscript.Ended(SmtpTranscript.Part.EXPN));
        reopen();
        rcpt(control);
        events.add(new SmtpTranscript.Ended(SmtpTranscript.Part.ENUMERATION));
    }

    /**
     * Exim wants an address ("501 root: recipient address must contain a domain"): then VRFY is
     * asked at the domain given, then at the server's own name, each in a session of its own,
     * until one round tells users apart. --domain is the RCPT domain, and a server whose local
     * domain is only its own name refuses everyone alike at another (Exim 4.96 given p25.test
     * while local_domains is mx.p25.test; found by ProbeFuzzIT).
     */
    private void vrfy(String control) throws IOException {
        Optional<SmtpReply> bare = ask(SmtpTranscript.Verb.VRFY, Optional.empty(), "", control);
        List<String> qualifiers = List.of("");
        if (bare.isPresent() && bare.get().code() == 501) {
            Set<String> at = new LinkedHashSet<>(List.of("@" + domain()));
            if (SmtpDomains.hostName(ehloName)) {
                at.add("@" + ehloName.toLowerCase(Locale.ROOT));
            }
            qualifiers = List.copyOf(at);
        }
        for (int round = 0; round < qualifiers.size(); round++) {
            String q = qualifiers.get(round);
            if (round > 0) {
                reopen();
            }
            Optional<SmtpReply> c = q.isEmpty() ? bare : ask(SmtpTranscript.Verb.VRFY, Optional.empty(), q, control + q);
            Map<String, Optional<SmtpReply>> answers = new LinkedHashMap<>();
            for (String u : options.users()) {
                answers.put(u, ask(SmtpTranscript.Verb.VRFY, Optional.of(u), q, u + q));
            }
            if (UserAnswers.judge(c, answers).answer() == SmtpProbeResult.Answer.DISCLOSES) {
                break;
            }
        }
        events.add(new SmtpTranscript.Ended(SmtpTranscript.Part.VRFY));
    }

    /**
     * RCPT: first a domain at which the server accepts a recipient (one of the users, else
     * postmaster, which RFC 5321 requires), then the other users and the control user there.
     */
    private void rcpt(String control) throws IOException {
        List<String> asked = new ArrayList<>(options.users());
        if (!asked.contains("postmaster")) {
            asked.add("postmaster");
        }
        Set<String> here = new LinkedHashSet<>();
        for (String d : candidateDomains()) {
            here.clear();
            for (String u : asked) {
                Optional<SmtpReply> r = ask(SmtpTranscript.Verb.RCPT, Optional.of(u), d, u + "@" + d);
                here.add(u);
                if (r.isPresent() && r.get().positive()) {
                    rcptDomain = Optional.of(d);
                    break;
                }
            }
            if (rcptDomain.isPresent()) {
                break;
            }
        }
        if (rcptDomain.isEmpty()) {
            events.add(new SmtpTranscript.Ended(SmtpTranscript.Part.RCPT));
            return;
        }
        String d = rcptDomain.get();
        for (String u : options.users()) {
            if (!here.contains(u)) {
                ask(SmtpTranscript.Verb.RCPT, Optional.of(u), d, u + "@" + d);
            }
        }
        ask(SmtpTranscript.Verb.RCPT, Optional.empty(), d, control + "@" + d);
        events.add(new SmtpTranscript.Ended(SmtpTranscript.Part.RCPT));
        if (inTransaction) {
            send("RSET", Optional.empty());
            inTransaction = false;
        }
    }

    /** One try at a question: its reply, or null when the session ended before one came. */
    private interface Question {
        SmtpReply ask() throws IOException;
    }

    /**
     * Asks about {@code user} (the control user when empty) with {@code arg}; a reply that is no
     * answer about the user (see {@link UserAnswers}: a lost transaction's 503, a 4xx, a dropped
     * session) is asked again once in a fresh session. Empty when no reply came either time.
     */
    private Optional<SmtpReply> ask(SmtpTranscript.Verb verb, Optional<String> user, String at, String arg)
            throws IOException {
        Optional<SmtpTranscript.Ask> label = Optional.of(new SmtpTranscript.Ask(++questions, verb, user, at));
        Question question = verb != SmtpTranscript.Verb.RCPT ? () -> send(verb.name() + " " + arg, label) : () -> {
            if (!inTransaction) {
                SmtpReply mail = send("MAIL FROM:<>", label);
                if (mail == null || !mail.positive()) {
                    return null;
                }
                inTransaction = true;
            }
            return send("RCPT TO:<" + arg + ">", label);
        };
        Optional<SmtpReply> last = Optional.empty();
        for (int attempt = 0; attempt < 2; attempt++) {
            if (attempt > 0) {
                reopen();
            }
            SmtpReply r = question.ask();
            if (r != null) {
                last = Optional.of(r);
                if (UserAnswers.Said.of(r) != UserAnswers.Said.NOTHING) {
                    break;
                }
            }
        }
        return last;
    }

    /** Sends; when the server dropped the session (421, closed, reset) opens a new one and returns null. */
    private SmtpReply send(String command, Optional<SmtpTranscript.Ask> ask) throws IOException {
        try {
            SmtpReply r = exchange(command, ask);
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

    /** Each relay form in a transaction of its own, RSET between them. */
    private void relay() throws IOException {
        for (SmtpRelayForms.Form f : SmtpRelayForms.of(domain(), server)) {
            SmtpReply mail = send("MAIL FROM:" + f.mailFrom(), Optional.empty());
            if (mail == null) {
                mail = send("MAIL FROM:" + f.mailFrom(), Optional.empty());
            }
            if (mail == null) {
                break;
            }
            SmtpReply rc = mail.positive() ? send("RCPT TO:" + f.rcptTo(), Optional.empty()) : null;
            events.add(new SmtpTranscript.RelayTried(f.mailFrom(), f.rcptTo()));
            if (rc != null) {
                send("RSET", Optional.empty());
            }
        }
        events.add(new SmtpTranscript.Ended(SmtpTranscript.Part.RELAY));
        quit();
    }

    private void quit() {
        if (session != null) {
            try {
                exchange("QUIT", Optional.empty());
            } catch (IOException | RuntimeException e) {
                // the server may already have hung up; nothing to report
            }
        }
        close();
    }

    private void close() {
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
