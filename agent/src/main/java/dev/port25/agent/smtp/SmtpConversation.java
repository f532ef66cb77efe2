package dev.port25.agent.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
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
 * The probe's side of the protocol: what it asks, in which session, over {@link SmtpSessions},
 * which records everything in a {@link SmtpTranscript}. It decides only what the protocol needs for its next step (HELO
 * after a refused EHLO, STARTTLS when offered, a VRFY qualifier after a 501, a fresh session when
 * a reply says nothing about the user, the next RCPT domain while none accepts a recipient);
 * {@link SmtpJudge} says what it all means.
 */
final class SmtpConversation {

    private final SmtpProbe.Options options;
    private final InetAddress server;
    private final SecureRandom random;
    private final SmtpSessions sessions;
    private int questions;
    private Optional<String> rcptDomain = Optional.empty();

    private SmtpConversation(SmtpProbe.Options options, SmtpProbe.Connector connector, InetAddress server,
                             SecureRandom random) {
        this.options = options;
        this.server = server;
        this.random = random;
        this.sessions = new SmtpSessions(options.heloName(), connector);
    }

    /** The outside probe: a first session for banner, EHLO, STARTTLS and AUTH, then enumeration and relay. */
    static SmtpTranscript full(SmtpProbe.Options options, SmtpProbe.Connector connector, InetAddress server,
                               String name, SecureRandom random) {
        SmtpConversation c = new SmtpConversation(options, connector, server, random);
        return c.run(SmtpTranscript.Mode.FULL, () -> {
            c.first(name);
            if (c.sessions.banner().isPresent()) {
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
            sessions.note(new SmtpTranscript.Stopped(e.getMessage() == null ? e.toString() : e.getMessage()));
        } catch (RuntimeException e) {
            sessions.note(new SmtpTranscript.Stopped("the probe failed on this server's answers (" + e
                    + "); the transcript shows where"));
        } finally {
            sessions.close();
        }
        return sessions.transcript(mode);
    }

    /** Session 1: banner, EHLO, STARTTLS and the handshake, EHLO again after it. */
    private void first(String name) throws IOException {
        SmtpReply greeting;
        try {
            greeting = sessions.open();
        } catch (SmtpProtocolException e) {
            return;
        }
        if (greeting.code() != 220) {
            return;
        }
        SmtpReply ehlo = sessions.hello();
        List<String> capabilities = ehlo.positive() ? ehlo.lines().subList(1, ehlo.lines().size()) : List.of();
        if (capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS"))
                && sessions.say("STARTTLS", Optional.empty()).code() == 220 && sessions.startTls(name)) {
            try {
                sessions.say("EHLO " + options.heloName(), Optional.empty());
            } catch (IOException e) {
                // the exchange shows what failed after the handshake
            }
        }
        sessions.quit();
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
        return options.domain().map(List::of).orElseGet(() -> SmtpDomains.candidates(options.mailDomains(), sessions.ehloName(), sessions.banner()));
    }

    /** VRFY, EXPN and RCPT for each user and a random control user, each verb in a session of its own. */
    private void enumerate() throws IOException {
        String control = "p25x" + HexFormat.of().formatHex(random.generateSeed(5));
        // a server counts rejected commands per session (Postfix's smtpd_hard_error_limit, Exim's
        // smtp_max_synprot_errors) and drops it
        sessions.reopen();
        vrfy(control);
        sessions.reopen();
        ask(SmtpTranscript.Verb.EXPN, Optional.empty(), "", control);
        for (String u : options.users()) {
            ask(SmtpTranscript.Verb.EXPN, Optional.of(u), "", u);
        }
        sessions.note(new SmtpTranscript.Ended(SmtpTranscript.Part.EXPN));
        sessions.reopen();
        rcpt(control);
        sessions.note(new SmtpTranscript.Ended(SmtpTranscript.Part.ENUMERATION));
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
            if (SmtpDomains.hostName(sessions.ehloName())) {
                at.add("@" + sessions.ehloName().toLowerCase(Locale.ROOT));
            }
            qualifiers = List.copyOf(at);
        }
        for (int round = 0; round < qualifiers.size(); round++) {
            String q = qualifiers.get(round);
            if (round > 0) {
                sessions.reopen();
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
        sessions.note(new SmtpTranscript.Ended(SmtpTranscript.Part.VRFY));
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
            sessions.note(new SmtpTranscript.Ended(SmtpTranscript.Part.RCPT));
            return;
        }
        String d = rcptDomain.get();
        for (String u : options.users()) {
            if (!here.contains(u)) {
                ask(SmtpTranscript.Verb.RCPT, Optional.of(u), d, u + "@" + d);
            }
        }
        ask(SmtpTranscript.Verb.RCPT, Optional.empty(), d, control + "@" + d);
        sessions.note(new SmtpTranscript.Ended(SmtpTranscript.Part.RCPT));
        if (sessions.inTransaction) {
            sessions.send("RSET", Optional.empty());
            sessions.inTransaction = false;
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
        Question question = verb == SmtpTranscript.Verb.RCPT ? () -> rcptOnce(arg, label)
                : () -> sessions.send(verb.name() + " " + arg, label);
        Optional<SmtpReply> last = Optional.empty();
        for (int attempt = 0; attempt < 2; attempt++) {
            if (attempt > 0) {
                sessions.reopen();
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

    /** {@code RCPT TO:<address>} within a transaction, one begun when none is open; null when MAIL was refused or the session ended. */
    private SmtpReply rcptOnce(String address, Optional<SmtpTranscript.Ask> label) throws IOException {
        if (!sessions.inTransaction) {
            SmtpReply mail = sessions.send("MAIL FROM:<>", label);
            if (mail == null || !mail.positive()) {
                return null;
            }
            sessions.inTransaction = true;
        }
        return sessions.send("RCPT TO:<" + address + ">", label);
    }

    /** Each relay form in a transaction of its own, RSET between them. */
    private void relay() throws IOException {
        for (SmtpRelayForms.Form f : SmtpRelayForms.of(domain(), server)) {
            SmtpReply mail = sessions.send("MAIL FROM:" + f.mailFrom(), Optional.empty());
            if (mail == null) {
                mail = sessions.send("MAIL FROM:" + f.mailFrom(), Optional.empty());
            }
            if (mail == null) {
                break;
            }
            SmtpReply rc = mail.positive() ? sessions.send("RCPT TO:" + f.rcptTo(), Optional.empty()) : null;
            sessions.note(new SmtpTranscript.RelayTried(f.mailFrom(), f.rcptTo()));
            if (rc != null) {
                sessions.send("RSET", Optional.empty());
            }
        }
        sessions.note(new SmtpTranscript.Ended(SmtpTranscript.Part.RELAY));
        sessions.quit();
    }
}
