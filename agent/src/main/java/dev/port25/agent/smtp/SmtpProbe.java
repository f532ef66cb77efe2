package dev.port25.agent.smtp;

import dev.port25.agent.finding.FindingKind;
import dev.port25.agent.finding.Severity;
import dev.port25.firewall.net.IpAddresses;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Probes one SMTP listener as an outsider: banner, EHLO (HELO fallback), capabilities, STARTTLS
 * and its TLS facts, AUTH before and after TLS, VRFY / EXPN / RCPT enumeration against a random
 * control user, and the relay forms nmap's smtp-open-relay tries, with RSET between tries and a
 * fresh session when the server drops one. It never sends DATA, and ends every session with QUIT.
 *
 * <p>Run from the host itself, the probe is usually a trusted client of the MTA (Postfix
 * {@code mynetworks}, Exim {@code relay_from_hosts}), so its relay verdict is only an outsider's
 * when it runs from another host.
 */
public final class SmtpProbe {

    /**
     * @param heloName    the name said in EHLO/HELO
     * @param users       users to test for enumeration
     * @param domain      the server's domain for RCPT and relay tests, the only one tried; empty:
     *                    {@code mailDomains}, then the names the server gives and their parents
     * @param mailDomains mail domains known from settings, tried first when {@code domain} is empty
     * @param connectTimeout per connection
     * @param limits      reply bounds
     */
    public record Options(String heloName, List<String> users, Optional<String> domain, List<String> mailDomains,
                          Duration connectTimeout, SmtpReader.Limits limits) {
        public static Options defaults() {
            return new Options("port25-agent.invalid", List.of("root", "postmaster"), Optional.empty(), List.of(),
                    Duration.ofSeconds(10), SmtpReader.Limits.DEFAULT);
        }

        public Options {
            users = List.copyOf(users);
            mailDomains = List.copyOf(mailDomains);
        }
    }

    private static final Pattern HOST_NAME = Pattern.compile("(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*");

    /**
     * RCPT's candidate domains: {@code mailDomains}, the EHLO name, the name in the banner
     * ("220 vm ESMTP OpenSMTPD": vm), then each name's parent domains down to two labels
     * (mx.p25.test: p25.test), without repeats, in lower case. Never empty: a server that names
     * nothing is asked at "localhost".
     */
    static List<String> candidateDomains(List<String> mailDomains, String ehloName, Optional<String> banner) {
        Set<String> names = new LinkedHashSet<>();
        mailDomains.forEach(d -> names.add(d.toLowerCase(Locale.ROOT)));
        List<String> own = new ArrayList<>();
        own.add(ehloName);
        // "220 name text" or "220-name text": the code and one separator, then the name
        banner.map(b -> b.split("\n")[0]).filter(l -> l.length() > 4).ifPresent(l -> own.add(l.substring(4).split(" ")[0]));
        for (String n : own) {
            if (HOST_NAME.matcher(n).matches()) {
                names.add(n.toLowerCase(Locale.ROOT));
            }
        }
        for (String n : List.copyOf(names)) {
            String[] labels = n.split("\\.");
            for (int i = 1; i + 2 <= labels.length; i++) {
                names.add(String.join(".", Arrays.copyOfRange(labels, i, labels.length)));
            }
        }
        return names.isEmpty() ? List.of("localhost") : List.copyOf(names);
    }

    /** The foreign domain of relay tests: reserved (RFC 2606), and the probe never sends DATA anyway. */
    static final String FOREIGN = "example.net";
    private static final Pattern SOFTWARE = Pattern.compile(
            "(?i)\\b(postfix|exim|sendmail|qmail|opensmtpd|haraka|exchange|microsoft esmtp|hmailserver|mailenable"
                    + "|zimbra|courier|smail|mdaemon|kerio|ironport|coremail)\\b|\\b\\d+\\.\\d+(\\.\\d+)+\\b");

    /** An IPv4 address literal, "[198.18.27.2]". */
    private static final Pattern IPV4 = Pattern.compile("\\[\\d{1,3}(?:\\.\\d{1,3}){3}\\]");

    private final Options options;
    private final SecureRandom random = new SecureRandom();

    public SmtpProbe(Options options) {
        this.options = options;
    }

    /** The reply bounds every session of this probe reads with. */
    public SmtpReader.Limits limits() {
        return options.limits();
    }

    /**
     * Probes {@code target}; {@code name} is the name probed (for SNI and the certificate name
     * check; an address literal when probed by address). Never throws for what the server does:
     * that ends up in the result.
     */
    public SmtpProbeResult probe(InetSocketAddress target, String name) {
        return run(new Run(() -> SmtpSession.open(target, options.connectTimeout(), options.limits()),
                target.getAddress()), run -> {
            run.first(name);
            if (run.banner.isPresent()) {
                run.enumerate();
                run.relay();
            }
        });
    }

    /** Opens one session whose greeting is still to be read. */
    @FunctionalInterface
    public interface Connector {
        SmtpSession open() throws IOException;
    }

    /**
     * Only the enumeration and relay tries, over sessions {@code connector} opens (no STARTTLS,
     * AUTH or banner verdicts): for an MTA that runs its own policy for a client address it is
     * told, {@code exim -bh}. {@code server} is the listener's address, for the IP-literal forms.
     */
    public SmtpProbeResult probeAccess(Connector connector, InetAddress server) {
        return run(new Run(connector, server), run -> {
            run.enumerate();
            run.relay();
        });
    }

    private interface Steps {
        void on(Run run) throws IOException;
    }

    /**
     * Runs the steps; what the server did that stopped them goes into the result as its error.
     * So does a failure of the probe's own code: the result, with the transcript up to that point,
     * is still what the caller reports, never an "internal error" without it.
     */
    private static SmtpProbeResult run(Run run, Steps steps) {
        try {
            steps.on(run);
        } catch (IOException e) {
            run.error = Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (RuntimeException e) {
            run.error = Optional.of("the probe failed on this server's answers (" + e + "); the transcript shows where");
        } finally {
            run.close();
        }
        return run.result();
    }

    /** One probe's sessions and what they found. */
    private final class Run {
        final Connector connector;
        final InetAddress server;
        SmtpSession session;
        final List<String> transcript = new ArrayList<>();
        Optional<String> banner = Optional.empty();
        String ehloName = "";
        List<String> capabilities = List.of();
        List<String> authBefore = List.of();
        List<String> authAfter = List.of();
        Optional<TlsFacts> tls = Optional.empty();
        SmtpProbeResult.Answer vrfy = SmtpProbeResult.Answer.NOT_TESTED;
        SmtpProbeResult.Answer expn = SmtpProbeResult.Answer.NOT_TESTED;
        SmtpProbeResult.Answer rcpt = SmtpProbeResult.Answer.NOT_TESTED;
        final Set<String> enumerable = new LinkedHashSet<>();
        final List<SmtpProbeResult.RelayAttempt> relays = new ArrayList<>();
        final List<SmtpFinding> findings = new ArrayList<>();
        Optional<String> error = Optional.empty();
        boolean expnAnswers;
        /** A MAIL FROM was accepted in this session and not yet reset. */
        boolean inTransaction;
        Optional<String> rcptDomain = Optional.empty();
        final List<String> unanswered = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Run(Connector connector, InetAddress server) {
            this.connector = connector;
            this.server = server;
        }

        /** Session 1: banner, EHLO, STARTTLS and TLS facts, AUTH before and after. */
        void first(String name) throws IOException {
            SmtpReply greeting;
            try {
                session = connector.open();
                greeting = session.greeting();
            } catch (SmtpProtocolException e) {
                findings.add(new SmtpFinding(FindingKind.NOT_SMTP, Severity.MEDIUM,
                        "the listener does not answer SMTP", e.getMessage()));
                return;
            }
            if (greeting.code() != 220) {
                findings.add(new SmtpFinding(FindingKind.NOT_SMTP, Severity.MEDIUM,
                        "the server refuses to talk SMTP with this client", greeting.toString()));
                return;
            }
            banner = Optional.of(greeting.toString());
            SmtpReply ehlo = hello();
            if (ehlo.positive()) {
                ehloName = ehlo.first().split(" ")[0];
                capabilities = ehlo.lines().subList(1, ehlo.lines().size());
            }
            authBefore = auth(capabilities);
            leak(greeting.toString() + "\n" + (ehlo.positive() ? ehlo.first() : ""));
            if (!capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS"))) {
                findings.add(new SmtpFinding(FindingKind.NO_STARTTLS, Severity.HIGH,
                        "no STARTTLS: mail to this server travels in cleartext", "EHLO: " + capabilities));
            } else {
                SmtpReply go = session.send("STARTTLS");
                if (go.code() == 220) {
                    try {
                        tls = Optional.of(session.startTls(name));
                        SmtpReply again = session.send("EHLO " + options.heloName());
                        authAfter = again.positive() ? auth(again.lines().subList(1, again.lines().size())) : List.of();
                    } catch (IOException e) {
                        tls = Optional.of(TlsFacts.failed(e.getMessage() == null ? e.toString() : e.getMessage()));
                    }
                } else {
                    tls = Optional.of(TlsFacts.failed("STARTTLS was offered but answered " + go));
                }
                weakTls();
            }
            if (!authBefore.isEmpty()) {
                findings.add(new SmtpFinding(FindingKind.AUTH_BEFORE_TLS, Severity.HIGH,
                        "AUTH is offered before TLS on port 25: passwords can cross in cleartext",
                        "EHLO before STARTTLS: AUTH " + String.join(" ", authBefore)));
            }
            quit();
        }

        SmtpReply hello() throws IOException {
            SmtpReply ehlo = session.send("EHLO " + options.heloName());
            if (ehlo.positive()) {
                return ehlo;
            }
            session.send("HELO " + options.heloName());
            return ehlo;
        }

        void weakTls() {
            TlsFacts t = tls.orElseThrow();
            List<String> why = new ArrayList<>();
            t.error().ifPresent(e -> why.add("handshake failed: " + e));
            if (t.error().isEmpty()) {
                if (t.oldProtocol()) {
                    why.add("protocol " + t.protocol());
                }
                if (t.expired(Instant.now())) {
                    why.add("certificate expired " + t.notAfter().orElseThrow());
                }
                if (t.selfSigned()) {
                    why.add("self-signed certificate " + t.subject());
                }
                if (!t.nameMatches()) {
                    why.add("certificate " + t.subject() + " does not name the server");
                }
            }
            if (!why.isEmpty()) {
                findings.add(new SmtpFinding(FindingKind.WEAK_TLS, t.oldProtocol() || t.error().isPresent()
                        ? Severity.HIGH : Severity.MEDIUM, "weak TLS", String.join("; ", why)));
            }
        }

        void leak(String text) {
            for (String line : text.strip().split("\n")) {
                if (leaks(line)) {
                    findings.add(new SmtpFinding(FindingKind.BANNER_LEAKS_SOFTWARE, Severity.LOW,
                            "the banner names the software or its version", line));
                    return;
                }
            }
        }

        /** A fresh plaintext session, greeted and EHLO'd, for enumeration and relay tries. */
        void reopen() throws IOException {
            close();
            inTransaction = false;
            session = connector.open();
            if (!transcript.isEmpty()) {
                transcript.add("--");
            }
            SmtpReply g = session.greeting();
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

        /** The domain of the RCPT tries and the relay forms: the one a recipient was accepted at, else the first candidate. */
        String domain() {
            return rcptDomain.orElseGet(() -> candidateDomains().get(0));
        }

        /**
         * Where RCPT may find local users, best first: the domain given; else the mail domains
         * known from settings, the server's EHLO and banner names (Postfix's mydestination and
         * Exim's local_domains hold the host name by default), and their parent domains.
         */
        List<String> candidateDomains() {
            if (options.domain().isPresent()) {
                return List.of(options.domain().get());
            }
            return SmtpProbe.candidateDomains(options.mailDomains(), ehloName, banner);
        }

        void enumerate() throws IOException {
            String control = "p25x" + HexFormat.of().formatHex(random.generateSeed(5));
            // each verb in a session of its own: a server counts rejected commands per session
            // (Postfix's smtpd_hard_error_limit, Exim's smtp_max_synprot_errors) and drops it
            reopen();
            Optional<SmtpReply> vc = askVerb("VRFY", control);
            // Exim wants an address: "501 root: recipient address must contain a domain". Asked at
            // the domain given, then at the server's own name: --domain is the RCPT domain, and a
            // server whose local domain is only its own name refuses everyone alike at another
            // (Exim 4.96 given p25.test while local_domains is mx.p25.test; found by ProbeFuzzIT)
            List<String> qualifiers = new ArrayList<>(List.of(""));
            if (vc.isPresent() && vc.get().code() == 501) {
                List<String> at = new ArrayList<>(List.of("@" + domain()));
                if (HOST_NAME.matcher(ehloName).matches()) {
                    at.add("@" + ehloName.toLowerCase(Locale.ROOT));
                }
                qualifiers = new ArrayList<>(new LinkedHashSet<>(at));
            }
            Map<String, Optional<SmtpReply>> v = new LinkedHashMap<>();
            UserAnswers.Verdict said = null;
            for (int round = 0; round < qualifiers.size(); round++) {
                String qualify = qualifiers.get(round);
                if (round > 0) {
                    reopen(); // a session of its own, as for each verb: the server's limits count per session
                }
                Optional<SmtpReply> control2 = qualify.isEmpty() ? vc : askVerb("VRFY", control + qualify);
                Map<String, Optional<SmtpReply>> answers = new LinkedHashMap<>();
                for (String u : options.users()) {
                    answers.put(u, askVerb("VRFY", u + qualify));
                }
                UserAnswers.Verdict judged = UserAnswers.judge(control2, answers);
                // the first round's verdict stands unless a later one tells users apart
                if (said == null || judged.answer() == SmtpProbeResult.Answer.DISCLOSES) {
                    said = judged;
                    vc = control2;
                    v = answers;
                }
                if (said.answer() == SmtpProbeResult.Answer.DISCLOSES) {
                    break;
                }
            }
            vrfy = judged("VRFY", said);
            if (vrfy == SmtpProbeResult.Answer.DISCLOSES) {
                String u = enumerable.iterator().next();
                findings.add(new SmtpFinding(FindingKind.VRFY_DISCLOSES, Severity.MEDIUM,
                        "VRFY tells real users from unknown ones", "VRFY <random>: " + vc.get() + "; VRFY " + u + ": "
                                + v.get(u).orElseThrow()));
            }
            reopen();
            Map<String, Optional<SmtpReply>> e = new LinkedHashMap<>();
            Optional<SmtpReply> ec = askVerb("EXPN", control);
            for (String u : options.users()) {
                e.put(u, askVerb("EXPN", u));
            }
            expn = judged("EXPN", UserAnswers.judge(ec, e));
            expnAnswers = e.values().stream().anyMatch(r -> r.isPresent() && r.get().code() == 250);
            if (expnAnswers) {
                findings.add(new SmtpFinding(FindingKind.EXPN_ENABLED, Severity.MEDIUM,
                        "EXPN answers: it discloses users and list members", first(e, 250)));
            }
            reopen();
            rcpt(control);
            if (!enumerable.isEmpty()) {
                List<String> how = new ArrayList<>();
                if (vrfy == SmtpProbeResult.Answer.DISCLOSES) {
                    how.add("VRFY");
                }
                if (expn == SmtpProbeResult.Answer.DISCLOSES) {
                    how.add("EXPN");
                }
                if (rcpt == SmtpProbeResult.Answer.DISCLOSES) {
                    how.add("RCPT TO");
                }
                findings.add(new SmtpFinding(FindingKind.USER_ENUMERATION, Severity.HIGH,
                        "users can be enumerated with " + String.join(", ", how),
                        "users told apart from a random one: " + String.join(", ", enumerable)));
            }
            if (!unanswered.isEmpty()) {
                notes.add("no answer about " + String.join(", ", unanswered) + " (a lost transaction, a dropped "
                        + "session or a temporary failure, asked twice): not counted either way");
            }
        }

        /**
         * RCPT enumeration: first a domain at which the server accepts a recipient (one of the
         * users, else postmaster, which RFC 5321 requires), then the control user there. A server
         * that refuses every address at a domain refuses the domain, not the users: that is
         * "not tested", never "uniform".
         */
        void rcpt(String control) throws IOException {
            Map<String, Optional<SmtpReply>> answers = new LinkedHashMap<>();
            List<String> asked = new ArrayList<>(options.users());
            if (!asked.contains("postmaster")) {
                asked.add("postmaster");
            }
            List<String> refused = new ArrayList<>();
            for (String d : candidateDomains()) {
                Map<String, Optional<SmtpReply>> here = new LinkedHashMap<>();
                for (String u : asked) {
                    Optional<SmtpReply> r = askRcpt(u + "@" + d);
                    here.put(u, r);
                    if (r.isPresent() && r.get().positive()) {
                        rcptDomain = Optional.of(d);
                        break;
                    }
                }
                if (rcptDomain.isPresent()) {
                    answers = here;
                    break;
                }
                refused.add(d);
            }
            if (rcptDomain.isEmpty()) {
                rcpt = SmtpProbeResult.Answer.NOT_TESTED;
                notes.add("RCPT enumeration not tested: no recipient was accepted at " + String.join(", ", refused)
                        + " (not even postmaster), so the server does not receive mail for "
                        + (refused.size() == 1 ? "that domain" : "those domains") + "; pass --domain with its mail domain");
                return;
            }
            if (!options.users().contains("postmaster")) {
                answers.remove("postmaster"); // asked only to find the domain
            }
            // the users asked so far are the first of the list, in its order: the rest follow
            for (String u : options.users()) {
                if (!answers.containsKey(u)) {
                    answers.put(u, askRcpt(u + "@" + rcptDomain.get()));
                }
            }
            Optional<SmtpReply> rc = askRcpt(control + "@" + rcptDomain.get());
            rcpt = judged("RCPT", UserAnswers.judge(rc, answers));
            if (inTransaction) {
                send("RSET");
                inTransaction = false;
            }
        }

        SmtpProbeResult.Answer judged(String verb, UserAnswers.Verdict verdict) {
            enumerable.addAll(verdict.disclosed());
            verdict.unanswered().forEach(u -> unanswered.add(verb + " " + u));
            return verdict.answer();
        }

        /** One try at a question: its reply, or null when the session ended before one came. */
        interface Question {
            SmtpReply ask() throws IOException;
        }

        /**
         * Asks; a reply that is no answer about the user (see {@link UserAnswers}: a lost
         * transaction's 503, a 4xx, a dropped session) is asked again once in a fresh session.
         * Empty when no reply came either time.
         */
        Optional<SmtpReply> askTwice(Question question) throws IOException {
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

        Optional<SmtpReply> askVerb(String verb, String arg) throws IOException {
            return askTwice(() -> send(verb + " " + arg));
        }

        /** {@code RCPT TO:<address>} within a transaction, one begun when none is open. */
        Optional<SmtpReply> askRcpt(String address) throws IOException {
            return askTwice(() -> {
                if (!inTransaction) {
                    SmtpReply mail = send("MAIL FROM:<>");
                    if (mail == null || !mail.positive()) {
                        return null;
                    }
                    inTransaction = true;
                }
                return send("RCPT TO:<" + address + ">");
            });
        }

        /** Sends; when the server dropped the session (421, closed, reset) opens a new one and returns null. */
        SmtpReply send(String command) throws IOException {
            try {
                SmtpReply r = session.send(command);
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

        String first(Map<String, Optional<SmtpReply>> replies, int code) {
            for (Map.Entry<String, Optional<SmtpReply>> e : replies.entrySet()) {
                if (e.getValue().isPresent() && e.getValue().get().code() == code) {
                    return "EXPN " + e.getKey() + ": " + e.getValue().get();
                }
            }
            return "";
        }

        /** nmap smtp-open-relay's forms: sender and recipient spellings a careless MTA may relay. */
        void relay() throws IOException {
            String d = domain();
            String ip = IpAddresses.text(server);
            String lit = server instanceof Inet6Address ? "[IPv6:" + ip + "]" : "[" + ip + "]";
            String to = "relaytest@" + FOREIGN;
            List<String[]> forms = List.of(
                    new String[] {"<>", "<" + to + ">"},
                    new String[] {"<antispam@" + d + ">", "<" + to + ">"},
                    new String[] {"<antispam@" + lit + ">", "<" + to + ">"},
                    new String[] {"<antispam@" + d + ">", "<relaytest%" + FOREIGN + "@" + d + ">"},
                    new String[] {"<antispam@" + d + ">", "<relaytest%" + FOREIGN + "@" + lit + ">"},
                    new String[] {"<antispam@" + d + ">", "<\"" + to + "\">"},
                    new String[] {"<antispam@" + d + ">", "<\"relaytest%" + FOREIGN + "\">"},
                    new String[] {"<antispam@" + d + ">", "<\"" + to + "\"@" + d + ">"},
                    new String[] {"<antispam@" + d + ">", "<@" + d + ":" + to + ">"},
                    new String[] {"<antispam@" + d + ">", "<@" + lit + ":" + to + ">"},
                    new String[] {"<antispam@" + d + ">", "<" + FOREIGN + "!relaytest>"},
                    new String[] {"<antispam@" + d + ">", "<" + FOREIGN + "!relaytest@" + d + ">"},
                    new String[] {"<antispam@" + d + ">", "<" + FOREIGN + "!relaytest@" + lit + ">"});
            for (String[] f : forms) {
                SmtpReply mail = send("MAIL FROM:" + f[0]);
                if (mail == null) {
                    mail = send("MAIL FROM:" + f[0]);
                }
                if (mail == null) {
                    break;
                }
                SmtpReply rc = mail.positive() ? send("RCPT TO:" + f[1]) : null;
                relays.add(new SmtpProbeResult.RelayAttempt(f[0], f[1], mail.code(), rc == null ? 0 : rc.code()));
                if (rc != null) {
                    send("RSET");
                }
            }
            relays.stream().filter(SmtpProbeResult.RelayAttempt::accepted).findFirst().ifPresent(a ->
                    findings.add(new SmtpFinding(FindingKind.OPEN_RELAY, Severity.CRITICAL,
                            "open relay: a recipient in a foreign domain was accepted from an outsider",
                            "MAIL FROM:" + a.mailFrom() + " -> " + a.mailCode() + "; RCPT TO:" + a.rcptTo() + " -> "
                                    + a.rcptCode())));
            quit();
        }

        void quit() {
            if (session != null) {
                try {
                    session.send("QUIT");
                } catch (IOException | RuntimeException e) {
                    // the server may already have hung up; nothing to report
                }
            }
            close();
        }

        void close() {
            if (session != null) {
                transcript.addAll(session.transcript());
                try {
                    session.close();
                } catch (IOException e) {
                    // closing a socket that is gone
                }
                session = null;
            }
        }

        SmtpProbeResult result() {
            return new SmtpProbeResult(banner, capabilities,
                    capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS")), tls, authBefore, authAfter,
                    vrfy, expn, rcpt, rcptDomain, List.copyOf(enumerable), unanswered, relays, findings, notes,
                    transcript, error);
        }
    }

    /**
     * The text names an MTA product or a version number. An IPv4 address literal is no version:
     * Exim's EHLO reply names the client's ("250-mx.p25.test Hello port25-agent.invalid
     * [198.18.27.2]"), which the version pattern (three or more dotted numbers) would otherwise
     * match. A bare four-part number still counts (Sendmail's 8.17.1.9).
     */
    static boolean leaks(String text) {
        return SOFTWARE.matcher(IPV4.matcher(text).replaceAll("")).find();
    }

    /** "AUTH PLAIN LOGIN" (or the old "AUTH=PLAIN LOGIN") to its mechanisms. */
    static List<String> auth(List<String> capabilities) {
        for (String c : capabilities) {
            String u = c.toUpperCase(Locale.ROOT);
            if (u.startsWith("AUTH ") || u.startsWith("AUTH=")) {
                return List.of(c.substring(5).trim().split("\\s+"));
            }
        }
        return List.of();
    }
}
