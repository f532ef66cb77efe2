package dev.port25.agent.audit;

import dev.port25.agent.dns.MailDomainRecords;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.status.StatusReport;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code port25-agent audit} found: everything {@code status} does, plus the backend that
 * would act and each listener's SMTP audit (probe and MTA configuration).
 *
 * @param status   the role, listeners, firewall, findings and verdict
 * @param hostname the host name the role rules were matched against
 * @param mode     the settings' mode
 * @param smtp     each TCP listener's local SMTP audit, in every namespace listed, the agent's own first
 * @param dns      a MAIL_SERVER's mail domains' records as asked; empty for other roles
 */
public record AuditReport(StatusReport status, String hostname, Settings.Mode mode, List<LocalSmtpAudit.Report> smtp,
                          Optional<List<MailDomainRecords>> dns) {
    public AuditReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(mode, "mode");
        smtp = List.copyOf(smtp);
        dns = dns.map(List::copyOf);
    }
}
