package dev.port25.agent.smtp;

import dev.port25.agent.finding.FindingKind;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.smtp.SmtpProbeResult.Answer;
import dev.port25.agent.smtp.SmtpTranscript.Ask;
import dev.port25.agent.smtp.SmtpTranscript.Event;
import dev.port25.agent.smtp.SmtpTranscript.Exchange;
import dev.port25.agent.smtp.SmtpTranscript.Verb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a recorded {@link SmtpTranscript} into what the probe found: the banner and TLS verdicts
 * of the first session, how VRFY, EXPN and RCPT answer for the users against the random control
 * user ({@link UserAnswers}), the relay forms' codes, and the findings with their catalogue kinds.
 * Pure: no I/O, no clock (a certificate's expiry is judged at the time the handshake was
 * recorded). A part of the probe that an error cut short is not judged: its verdict stays
 * NOT_TESTED, as the probe left it.
 */
public final class SmtpJudge {

    private static final Pattern SOFTWARE = Pattern.compile(
            "(?i)\\b(postfix|exim|sendmail|qmail|opensmtpd|haraka|exchange|microsoft esmtp|hmailserver|mailenable"
                    + "|zimbra|courier|smail|mdaemon|kerio|ironport|coremail)\\b|\\b\\d+\\.\\d+(\\.\\d+)+\\b");

    /** An IPv4 address literal, "[198.18.27.2]". */
    private static final Pattern IPV4 = Pattern.compile("\\[\\d{1,3}(?:\\.\\d{1,3}){3}\\]");

    private final List<String> users;
    private final List<Event> events;
    private final List<SmtpFinding> findings = new ArrayList<>();
    private final Set<String> enumerable = new LinkedHashSet<>();
    private final List<String> unanswered = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private SmtpJudge(List<String> users, SmtpTranscript transcript) {
        this.users = users;
        this.events = transcript.events();
    }

    /**
     * Judges {@code transcript}, recorded by a probe with {@code options} (of which only the
     * users matter here: the order of the verdicts' user lists is theirs).
     */
    public static SmtpProbeResult judge(SmtpProbe.Options options, SmtpTranscript transcript) {
        return new SmtpJudge(options.users(), transcript).result(transcript);
    }

    private SmtpProbeResult result(SmtpTranscript transcript) {
        SmtpFirstSession s = transcript.mode() == SmtpTranscript.Mode.FULL
                ? SmtpFirstSession.judge(session(1), findings) : SmtpFirstSession.NONE;
        Answer vrfy = ended(SmtpTranscript.Part.VRFY) ? vrfy() : Answer.NOT_TESTED;
        Answer expn = ended(SmtpTranscript.Part.EXPN) ? expn() : Answer.NOT_TESTED;
        Optional<String> rcptDomain = rcptDomain();
        Answer rcpt = ended(SmtpTranscript.Part.RCPT) ? rcpt(rcptDomain) : Answer.NOT_TESTED;
        if (ended(SmtpTranscript.Part.ENUMERATION)) {
            enumerated(vrfy, expn, rcpt);
        }
        List<SmtpProbeResult.RelayAttempt> relays = relays();
        if (ended(SmtpTranscript.Part.RELAY)) {
            relays.stream().filter(SmtpProbeResult.RelayAttempt::accepted).findFirst().ifPresent(a ->
                    findings.add(new SmtpFinding(FindingKind.OPEN_RELAY, Severity.CRITICAL,
                            "open relay: a recipient in a foreign domain was accepted from an outsider",
                            "MAIL FROM:" + a.mailFrom() + " -> " + a.mailCode() + "; RCPT TO:" + a.rcptTo() + " -> "
                                    + a.rcptCode())));
        }
        Optional<String> banner = exchanges().stream().filter(Exchange::greeting).flatMap(x -> x.reply().stream())
                .filter(r -> r.code() == 220).map(SmtpReply::toString).findFirst();
        Optional<String> error = events.stream().filter(e -> e instanceof SmtpTranscript.Stopped)
                .map(e -> ((SmtpTranscript.Stopped) e).error()).findFirst();
        return new SmtpProbeResult(banner, s.capabilities(), s.starttlsOffered(), s.tls(), s.authBefore(),
                s.authAfter(), vrfy, expn, rcpt, rcptDomain, List.copyOf(enumerable), unanswered, relays, findings,
                notes, transcript.lines(), error);
    }

    private boolean ended(SmtpTranscript.Part part) {
        return events.contains(new SmtpTranscript.Ended(part));
    }

    private List<Exchange> exchanges() {
        List<Exchange> out = new ArrayList<>();
        events.forEach(e -> {
            if (e instanceof Exchange x) {
                out.add(x);
            }
        });
        return out;
    }

    private List<Event> session(int n) {
        return events.stream().filter(e -> e instanceof Exchange x && x.session() == n
                || e instanceof SmtpTranscript.Tls t && t.session() == n).toList();
    }

    /**
     * The answer to one question: its last exchange of the verb's own command that did not end
     * the session. A user asked twice (listed twice) is judged by the later question.
     */
    private Optional<SmtpReply> answer(Verb verb, Optional<String> user, String at) {
        int question = -1;
        Optional<SmtpReply> last = Optional.empty();
        for (Exchange x : exchanges()) {
            if (x.ask().isEmpty()) {
                continue;
            }
            Ask a = x.ask().get();
            if (a.verb() != verb || !a.user().equals(user) || !a.at().equals(at)) {
                continue;
            }
            if (a.question() != question) {
                question = a.question();
                last = Optional.empty();
            }
            if (verb.answers(x) && x.kept().isPresent()) {
                last = x.kept();
            }
        }
        return last;
    }

    private Map<String, Optional<SmtpReply>> answers(Verb verb, String at) {
        Map<String, Optional<SmtpReply>> m = new LinkedHashMap<>();
        users.forEach(u -> m.put(u, answer(verb, Optional.of(u), at)));
        return m;
    }

    /** What was asked at, in the order first asked. */
    private List<String> asked(Verb verb) {
        Set<String> at = new LinkedHashSet<>();
        exchanges().stream().flatMap(x -> x.ask().stream()).filter(a -> a.verb() == verb).forEach(a -> at.add(a.at()));
        return List.copyOf(at);
    }

    /**
     * VRFY's verdict: of the bare round, or, after a 501 to the bare control user, of the first
     * qualified round unless a later one tells users apart.
     */
    private Answer vrfy() {
        Optional<SmtpReply> bare = answer(Verb.VRFY, Optional.empty(), "");
        List<String> rounds = List.of("");
        if (bare.isPresent() && bare.get().code() == 501) {
            rounds = asked(Verb.VRFY).stream().filter(q -> !q.isEmpty()).toList();
        }
        UserAnswers.Verdict said = null;
        Optional<SmtpReply> control = Optional.empty();
        Map<String, Optional<SmtpReply>> replies = Map.of();
        for (String q : rounds) {
            Optional<SmtpReply> c = answer(Verb.VRFY, Optional.empty(), q);
            Map<String, Optional<SmtpReply>> a = answers(Verb.VRFY, q);
            UserAnswers.Verdict judged = UserAnswers.judge(c, a);
            if (said == null || judged.answer() == Answer.DISCLOSES) {
                said = judged;
                control = c;
                replies = a;
            }
        }
        if (said == null) {
            return Answer.NOT_TESTED; // no round was recorded
        }
        Answer vrfy = judged("VRFY", said);
        if (vrfy == Answer.DISCLOSES) {
            String u = enumerable.iterator().next();
            findings.add(new SmtpFinding(FindingKind.VRFY_DISCLOSES, Severity.MEDIUM,
                    "VRFY tells real users from unknown ones", "VRFY <random>: " + control.orElseThrow() + "; VRFY "
                            + u + ": " + replies.get(u).orElseThrow()));
        }
        return vrfy;
    }

    private Answer expn() {
        Map<String, Optional<SmtpReply>> e = answers(Verb.EXPN, "");
        Answer expn = judged("EXPN", UserAnswers.judge(answer(Verb.EXPN, Optional.empty(), ""), e));
        e.entrySet().stream().filter(x -> x.getValue().isPresent() && x.getValue().get().code() == 250).findFirst()
                .ifPresent(x -> findings.add(new SmtpFinding(FindingKind.EXPN_ENABLED, Severity.MEDIUM,
                        "EXPN answers: it discloses users and list members",
                        "EXPN " + x.getKey() + ": " + x.getValue().get())));
        return expn;
    }

    /** The first domain, in the order tried, at which one of the users (or postmaster) was accepted. */
    private Optional<String> rcptDomain() {
        for (String d : asked(Verb.RCPT)) {
            for (String u : users.contains("postmaster") ? users : plus(users, "postmaster")) {
                if (answer(Verb.RCPT, Optional.of(u), d).filter(SmtpReply::positive).isPresent()) {
                    return Optional.of(d);
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> plus(List<String> list, String one) {
        List<String> out = new ArrayList<>(list);
        out.add(one);
        return out;
    }

    /**
     * A server that refuses every address at a domain refuses the domain, not the users: that is
     * "not tested", never "uniform".
     */
    private Answer rcpt(Optional<String> domain) {
        if (domain.isEmpty()) {
            List<String> refused = asked(Verb.RCPT);
            notes.add("RCPT enumeration not tested: no recipient was accepted at " + String.join(", ", refused)
                    + " (not even postmaster), so the server does not receive mail for "
                    + (refused.size() == 1 ? "that domain" : "those domains") + "; pass --domain with its mail domain");
            return Answer.NOT_TESTED;
        }
        return judged("RCPT", UserAnswers.judge(answer(Verb.RCPT, Optional.empty(), domain.get()),
                answers(Verb.RCPT, domain.get())));
    }

    private Answer judged(String verb, UserAnswers.Verdict verdict) {
        enumerable.addAll(verdict.disclosed());
        verdict.unanswered().forEach(u -> unanswered.add(verb + " " + u));
        return verdict.answer();
    }

    private void enumerated(Answer vrfy, Answer expn, Answer rcpt) {
        if (!enumerable.isEmpty()) {
            List<String> how = new ArrayList<>();
            if (vrfy == Answer.DISCLOSES) {
                how.add("VRFY");
            }
            if (expn == Answer.DISCLOSES) {
                how.add("EXPN");
            }
            if (rcpt == Answer.DISCLOSES) {
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
     * Each relay form tried, with the code of its last MAIL FROM that kept the session and of its
     * RCPT TO (0 when none was sent or the session ended instead).
     */
    private List<SmtpProbeResult.RelayAttempt> relays() {
        List<SmtpProbeResult.RelayAttempt> out = new ArrayList<>();
        boolean relaying = false;
        int mail = 0;
        int rcpt = 0;
        for (Event e : events) {
            if (e instanceof SmtpTranscript.Ended end && end.part() == SmtpTranscript.Part.ENUMERATION) {
                relaying = true;
            } else if (relaying && e instanceof Exchange x && x.ask().isEmpty()) {
                if (x.command().startsWith("MAIL FROM:") && x.kept().isPresent()) {
                    mail = x.kept().get().code();
                    rcpt = 0;
                } else if (x.command().startsWith("RCPT TO:")) {
                    rcpt = x.kept().map(SmtpReply::code).orElse(0);
                }
            } else if (relaying && e instanceof SmtpTranscript.RelayTried t) {
                out.add(new SmtpProbeResult.RelayAttempt(t.mailFrom(), t.rcptTo(), mail, rcpt));
                mail = 0;
                rcpt = 0;
            }
        }
        return out;
    }

    /**
     * The text names an MTA product or a version number. An IPv4 address literal is no version:
     * Exim's EHLO reply names the client's ("250-mx.p25.test Hello port25-agent.invalid
     * [198.18.27.2]"), which the version pattern (three or more dotted numbers) would otherwise
     * match. A bare four-part number still counts (Sendmail's 8.17.1.9).
     */
    public static boolean leaks(String text) {
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
