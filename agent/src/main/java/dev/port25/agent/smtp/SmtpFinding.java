package dev.port25.agent.smtp;

import dev.port25.agent.finding.FindingKind;
import dev.port25.agent.finding.Severity;

import java.util.Objects;

/**
 * One weakness the probe found, as this server showed it.
 *
 * @param kind     the catalogue entry (P25-101 to P25-109): its id is what policies and reports key on
 * @param severity how bad, from what the probe met (a failed handshake weighs more than a self-signed certificate)
 * @param title    one line, worded for this server ("users can be enumerated with VRFY, RCPT TO")
 * @param evidence what was said that shows it (commands and replies)
 */
public record SmtpFinding(FindingKind kind, Severity severity, String title, String evidence) {

    public SmtpFinding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(evidence, "evidence");
    }
}
