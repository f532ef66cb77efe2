package dev.port25.agent.report;

import dev.port25.agent.audit.AuditReport;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * One compliance report: an audit of this host, who it is, what the agent did since the last
 * report, and how many earlier reports the spool had to drop.
 *
 * @param id       unique; the endpoint deduplicates by it (the Idempotency-Key header)
 * @param created  when the audit ran
 * @param trigger  why the report was made
 * @param host     who made it
 * @param audit    what was found
 * @param actions  changes the agent made to the firewall since the last report, one line each
 * @param dropped  reports the spool has dropped so far (oldest first, past its bounds)
 */
public record ComplianceReport(UUID id, Instant created, Trigger trigger, HostIdentity host, AuditReport audit,
                               List<String> actions, long dropped) {

    /** Why a report was made. */
    public enum Trigger {
        /** Asked for on the command line. */
        MANUAL,
        /** The report schedule came due. */
        SCHEDULE,
        /** The verdict changed since the last audit. */
        VERDICT_CHANGE;

        /** As the report document and the daemon's log spell it: "verdict-change". */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public ComplianceReport {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(audit, "audit");
        actions = List.copyOf(actions);
        if (dropped < 0) {
            throw new IllegalArgumentException("dropped < 0");
        }
    }

    /**
     * A new report of an audit just run: the one place where reports are assembled, for the
     * {@code report} command and the daemon alike.
     *
     * @param agentVersion the agent's version, for the host's identity
     * @param actions      firewall changes since the last report
     * @param dropped      reports the spool has dropped so far
     */
    public static ComplianceReport assemble(Trigger trigger, String agentVersion, AuditReport audit,
                                            List<String> actions, long dropped) {
        return new ComplianceReport(UUID.randomUUID(), Instant.now(), trigger, HostIdentity.local(agentVersion),
                audit, actions, dropped);
    }
}
