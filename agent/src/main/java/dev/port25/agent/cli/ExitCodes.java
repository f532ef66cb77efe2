package dev.port25.agent.cli;

import dev.port25.agent.enforce.EnforcementPolicy;
import dev.port25.agent.enforce.Enforcer;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.firewall.FirewallReport;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.policy.Verdict;
import dev.port25.agent.report.Delivery;
import dev.port25.agent.report.ReportException;
import dev.port25.agent.settings.SettingsException;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.smtp.SmtpProbeResult;
import dev.port25.firewall.spi.FirewallException;

import java.util.List;
import java.util.Optional;

/**
 * The one place where outcomes become exit codes, after the monitoring-plugin convention so
 * that {@code status} serves as a Nagios/Icinga check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 * Commands return {@code ExitCodes.of(outcome)} and let failures through; {@link #failure}
 * turns those into the line on stderr and UNKNOWN.
 */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int WARNING = 1;
    public static final int CRITICAL = 2;
    /** Also used for bad usage and internal errors: the check could not say. */
    public static final int UNKNOWN = 3;

    private ExitCodes() {
    }

    /** {@code status}, {@code audit}, {@code report}: the verdict. */
    public static int of(Verdict verdict) {
        return switch (verdict) {
            case OK -> OK;
            case WARNING -> WARNING;
            case CRITICAL -> CRITICAL;
            case UNKNOWN -> UNKNOWN;
        };
    }

    /** {@code enforce}: not converged is UNKNOWN; converged while foreign rules still decide, WARNING. */
    public static int ofEnforcement(Enforcer.Outcome o) {
        return !o.converged() ? UNKNOWN : o.unmet().isEmpty() ? OK : WARNING;
    }

    /** {@code undo}: converged or UNKNOWN (what stays is not the agent's to remove). */
    public static int ofUndo(Enforcer.Outcome o) {
        return o.converged() ? OK : UNKNOWN;
    }

    /** {@code report --send}: reports still waiting in the spool are a WARNING. */
    public static int of(Delivery.Round round) {
        return round.remaining() > 0 ? WARNING : OK;
    }

    /** {@code report --send} over several sinks: any of them left reports waiting, WARNING. */
    public static int ofRounds(List<Delivery.Round> rounds) {
        return rounds.stream().mapToInt(ExitCodes::of).max().orElse(OK);
    }

    /**
     * {@code probe HOST}: a CRITICAL finding is CRITICAL; a probe that did not get through is
     * UNKNOWN (what it did not test is not clean); a finding above LOW is a WARNING.
     */
    public static int ofProbe(SmtpProbeResult r) {
        if (r.findings().stream().anyMatch(f -> f.severity() == Severity.CRITICAL)) {
            return CRITICAL;
        }
        if (r.error().isPresent() || (r.banner().isEmpty() && r.findings().isEmpty())) {
            return UNKNOWN;
        }
        return r.findings().stream().anyMatch(f -> f.severity() != Severity.LOW) ? WARNING : OK;
    }

    /**
     * {@code probe --local}: an open relay is CRITICAL; enumeration, VRFY, no STARTTLS, AUTH
     * before TLS, or a relay verdict that cannot be given is a WARNING.
     */
    public static int ofLocalProbe(List<LocalSmtpAudit.Report> reports) {
        int code = OK;
        for (LocalSmtpAudit.Report r : reports) {
            if (r.openRelay().value().orElse(false)) {
                return CRITICAL;
            }
            if (r.vrfyDisclosesUsers().value().orElse(false) || r.userEnumeration().value().orElse(false)
                    || !r.starttlsOffered().value().orElse(true) || r.authBeforeTls().value().orElse(false)
                    || r.openRelay().value().isEmpty()) {
                code = WARNING;
            }
        }
        return code;
    }

    /** {@code firewall}: a verdict the layers did not decide is UNKNOWN. */
    public static int of(FirewallReport report) {
        return report.decided() ? OK : UNKNOWN;
    }

    /**
     * What a command that could not do what was asked says on stderr (after "port25-agent: "); it
     * exits UNKNOWN. Empty for anything else: an internal error, printed with its stack.
     */
    public static Optional<String> failure(Throwable e) {
        if (e instanceof EnforcementPolicy.Refused) {
            return Optional.of("enforce refused: " + e.getMessage());
        }
        if (e instanceof CommandFailure || e instanceof SettingsException || e instanceof FirewallException
                || e instanceof ReportException || e instanceof InventoryException) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }
}
