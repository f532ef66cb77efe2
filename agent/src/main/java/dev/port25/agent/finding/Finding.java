package dev.port25.agent.finding;

import java.util.Objects;

/**
 * One finding about this host: its kind (id, title, remediation and references come from the
 * catalogue), how bad it is here, and what shows it.
 *
 * @param kind     the catalogue entry
 * @param severity here and now (a kind may weigh differently by role and firewall state)
 * @param evidence the facts that show it, one line
 */
public record Finding(FindingKind kind, Severity severity, String evidence) {
    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(evidence, "evidence");
    }
}
