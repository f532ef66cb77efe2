package dev.port25.agent.smtp;

import java.util.Objects;

/**
 * One weakness the probe found.
 *
 * @param id       stable id (the policy and reports key on it): see {@link Id}
 * @param severity CRITICAL, HIGH, MEDIUM, LOW
 * @param title    one line
 * @param evidence what was said that shows it (commands and replies)
 */
public record SmtpFinding(Id id, Severity severity, String title, String evidence) {

    /** Stable finding ids. */
    public enum Id {
        /** P25-101: the server accepted a recipient in a foreign domain from an outsider. */
        OPEN_RELAY("P25-101"),
        /** P25-102: existing users can be told from non-existing ones (VRFY, EXPN or RCPT). */
        USER_ENUMERATION("P25-102"),
        /** P25-103: VRFY answers 2xx for a real user and 5xx for a random one. */
        VRFY_DISCLOSES("P25-103"),
        /** P25-104: EXPN answers. */
        EXPN_ENABLED("P25-104"),
        /** P25-105: no STARTTLS offered. */
        NO_STARTTLS("P25-105"),
        /** P25-106: AUTH offered on port 25 before TLS. */
        AUTH_BEFORE_TLS("P25-106"),
        /** P25-107: TLS below 1.2, expired, self-signed, name mismatch, or a failed handshake. */
        WEAK_TLS("P25-107"),
        /** P25-108: the banner or EHLO reply names the software or its version. */
        BANNER_LEAKS_SOFTWARE("P25-108"),
        /** P25-109: the listener does not answer SMTP. */
        NOT_SMTP("P25-109");

        private final String code;

        Id(String code) {
            this.code = code;
        }

        /** "P25-101". */
        public String code() {
            return code;
        }
    }

    /** How bad. */
    public enum Severity { CRITICAL, HIGH, MEDIUM, LOW }

    public SmtpFinding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(evidence, "evidence");
    }
}
