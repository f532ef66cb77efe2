package dev.port25.agent.smtp;

import dev.port25.agent.finding.FindingKind;

import java.util.List;
import java.util.Optional;

/**
 * What a probe of one SMTP listener found, as an outsider sees it.
 *
 * @param banner           the greeting, when one came
 * @param capabilities     the EHLO keywords before TLS ("PIPELINING", "STARTTLS", "AUTH PLAIN LOGIN")
 * @param starttlsOffered  STARTTLS among them
 * @param tls              the handshake's facts, when STARTTLS was offered
 * @param authBeforeTls    AUTH mechanisms offered in plaintext
 * @param authAfterTls     AUTH mechanisms offered after STARTTLS
 * @param vrfy             how VRFY answers
 * @param expn             how EXPN answers
 * @param rcpt             how RCPT TO answers at {@code rcptDomain}
 * @param rcptDomain       the domain at which the server accepted a recipient, where RCPT was judged;
 *                         empty when it accepted none at any domain tried (then RCPT is NOT_TESTED)
 * @param enumerableUsers  users the server told apart from a random one, by any of the three
 * @param unansweredUsers  "VERB user" (or "VERB control") for each question that got no answer about
 *                         the user, asked twice: a lost transaction, a dropped session, a 4xx; such a
 *                         user is neither enumerable nor shown absent
 * @param relayAttempts    every relay form tried, in order
 * @param findings         the weaknesses, each with its catalogue kind
 * @param notes            what the probe could not test and what to pass so that it can
 * @param transcript       everything said, "C: " and "S: " lines, sessions separated by "--"
 * @param error            why the probe stopped early, when it did
 */
public record SmtpProbeResult(Optional<String> banner, List<String> capabilities, boolean starttlsOffered,
                              Optional<TlsFacts> tls, List<String> authBeforeTls, List<String> authAfterTls,
                              Answer vrfy, Answer expn, Answer rcpt, Optional<String> rcptDomain,
                              List<String> enumerableUsers, List<String> unansweredUsers,
                              List<RelayAttempt> relayAttempts, List<SmtpFinding> findings, List<String> notes,
                              List<String> transcript, Optional<String> error) {

    /** How a verb answers for real users against a random control user. */
    public enum Answer {
        /** 500/502/504: the command is off. */
        DISABLED,
        /** The same answer for everyone (Exim's 252): nothing is disclosed. */
        UNIFORM,
        /** 2xx for a real user, 5xx for the random one: users can be enumerated. */
        DISCLOSES,
        /** Answers differ in another way; see the transcript. */
        OTHER,
        /**
         * Not tested: the session ended first, the transaction was refused, the control user got
         * no answer, or (RCPT) no recipient was accepted at any domain tried.
         */
        NOT_TESTED
    }

    /** One relay form: the envelope tried and the codes it met. */
    public record RelayAttempt(String mailFrom, String rcptTo, int mailCode, int rcptCode) {
        public boolean accepted() {
            return mailCode / 100 == 2 && rcptCode / 100 == 2;
        }
    }

    public SmtpProbeResult {
        capabilities = List.copyOf(capabilities);
        authBeforeTls = List.copyOf(authBeforeTls);
        authAfterTls = List.copyOf(authAfterTls);
        enumerableUsers = List.copyOf(enumerableUsers);
        unansweredUsers = List.copyOf(unansweredUsers);
        notes = List.copyOf(notes);
        relayAttempts = List.copyOf(relayAttempts);
        findings = List.copyOf(findings);
        transcript = List.copyOf(transcript);
    }

    public boolean openRelay() {
        return relayAttempts.stream().anyMatch(RelayAttempt::accepted);
    }

    public boolean has(FindingKind kind) {
        return findings.stream().anyMatch(f -> f.kind() == kind);
    }
}
