package dev.port25.agent.smtp;

import dev.port25.agent.finding.FindingKind;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.smtp.SmtpTranscript.Event;
import dev.port25.agent.smtp.SmtpTranscript.Exchange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the outside probe's first session showed (greeting, EHLO, STARTTLS, the handshake, EHLO
 * after it), judged from its recorded events; its findings are added in the order the probe
 * always gave them: not SMTP; or banner leak, no STARTTLS or weak TLS, AUTH before TLS. A step
 * whose exchange failed ends the judging there, as it ended the probe.
 *
 * @param capabilities    the EHLO keywords before TLS
 * @param starttlsOffered STARTTLS among them
 * @param tls             the handshake's facts, when STARTTLS was offered and answered
 * @param authBefore      AUTH mechanisms offered in plaintext
 * @param authAfter       AUTH mechanisms offered after STARTTLS
 */
record SmtpFirstSession(List<String> capabilities, boolean starttlsOffered, Optional<TlsFacts> tls,
                        List<String> authBefore, List<String> authAfter) {

    /** No first session, or one that ended before EHLO was answered. */
    static final SmtpFirstSession NONE = new SmtpFirstSession(List.of(), false, Optional.empty(), List.of(), List.of());

    /** Judges session 1's events (its exchanges and handshake, in order), adding what it finds to {@code findings}. */
    static SmtpFirstSession judge(List<Event> session, List<SmtpFinding> findings) {
        if (session.isEmpty()) {
            return NONE;
        }
        Exchange greeting = (Exchange) session.get(0);
        if (greeting.outcome() instanceof SmtpTranscript.NoReply n) {
            if (n.fromReader()) {
                findings.add(new SmtpFinding(FindingKind.NOT_SMTP, Severity.MEDIUM,
                        "the listener does not answer SMTP", n.message()));
            }
            return NONE;
        }
        SmtpReply g = greeting.reply().orElseThrow();
        if (g.code() != 220) {
            findings.add(new SmtpFinding(FindingKind.NOT_SMTP, Severity.MEDIUM,
                    "the server refuses to talk SMTP with this client", g.toString()));
            return NONE;
        }
        Optional<SmtpReply> ehlo = reply(session, 1);
        if (ehlo.isEmpty() || (!ehlo.get().positive() && reply(session, 2).isEmpty())) {
            return NONE; // EHLO (or the HELO after a refused one) got no reply: the probe stopped there
        }
        int next = ehlo.get().positive() ? 2 : 3;
        List<String> capabilities = ehlo.get().positive() ? ehlo.get().lines().subList(1, ehlo.get().lines().size())
                : List.of();
        List<String> authBefore = SmtpJudge.auth(capabilities);
        String said = g + "\n" + (ehlo.get().positive() ? ehlo.get().first() : "");
        for (String line : said.strip().split("\n")) {
            if (SmtpJudge.leaks(line)) {
                findings.add(new SmtpFinding(FindingKind.BANNER_LEAKS_SOFTWARE, Severity.LOW,
                        "the banner names the software or its version", line));
                break;
            }
        }
        boolean starttls = capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS"));
        Optional<TlsFacts> tls = Optional.empty();
        List<String> authAfter = List.of();
        if (!starttls) {
            findings.add(new SmtpFinding(FindingKind.NO_STARTTLS, Severity.HIGH,
                    "no STARTTLS: mail to this server travels in cleartext", "EHLO: " + capabilities));
        } else {
            Optional<SmtpReply> go = reply(session, next);
            if (go.isEmpty()) {
                return new SmtpFirstSession(capabilities, true, tls, authBefore, authAfter);
            }
            Instant at = Instant.EPOCH;
            if (go.get().code() == 220 && !(session.size() > next + 1 && session.get(next + 1) instanceof SmtpTranscript.Tls)) {
                return new SmtpFirstSession(capabilities, true, tls, authBefore, authAfter); // the probe failed there
            }
            if (go.get().code() == 220) {
                SmtpTranscript.Tls t = (SmtpTranscript.Tls) session.get(next + 1);
                tls = Optional.of(t.facts());
                at = t.at();
                if (t.facts().error().isEmpty() && session.size() > next + 2
                        && session.get(next + 2) instanceof Exchange again) {
                    if (again.outcome() instanceof SmtpTranscript.NoReply n) {
                        tls = Optional.of(TlsFacts.failed(n.message()));
                    } else if (again.reply().orElseThrow().positive()) {
                        List<String> l = again.reply().get().lines();
                        authAfter = SmtpJudge.auth(l.subList(1, l.size()));
                    }
                }
            } else {
                tls = Optional.of(TlsFacts.failed("STARTTLS was offered but answered " + go.get()));
            }
            if (tls.isPresent()) {
                weakTls(tls.get(), at, findings);
            }
        }
        if (!authBefore.isEmpty()) {
            findings.add(new SmtpFinding(FindingKind.AUTH_BEFORE_TLS, Severity.HIGH,
                    "AUTH is offered before TLS on port 25: passwords can cross in cleartext",
                    "EHLO before STARTTLS: AUTH " + String.join(" ", authBefore)));
        }
        return new SmtpFirstSession(capabilities, starttls, tls, authBefore, authAfter);
    }

    /** The reply of the {@code i}th event when it is an exchange that got one. */
    private static Optional<SmtpReply> reply(List<Event> session, int i) {
        return i < session.size() && session.get(i) instanceof Exchange x ? x.reply() : Optional.empty();
    }

    private static void weakTls(TlsFacts t, Instant at, List<SmtpFinding> findings) {
        List<String> why = new ArrayList<>();
        t.error().ifPresent(e -> why.add("handshake failed: " + e));
        if (t.error().isEmpty()) {
            if (t.oldProtocol()) {
                why.add("protocol " + t.protocol());
            }
            if (t.expired(at)) {
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
}
