package dev.port25.agent.cli;

import dev.port25.agent.audit.AuditService;
import dev.port25.agent.report.ComplianceReport;
import dev.port25.agent.report.Delivery;
import dev.port25.agent.report.HostIdentity;
import dev.port25.agent.report.ReportDocument;
import dev.port25.agent.report.ReportException;
import dev.port25.agent.report.ReportSender;
import dev.port25.agent.report.Spool;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.settings.SettingsException;
import dev.port25.agent.settings.SettingsLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code port25-agent report [--send]}: the compliance report, printed or delivered. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {
            "Audit this host (as 'audit' does) and render the compliance report: who the host is (host name, "
                + "machine id, OS, agent version), its role, listeners, firewall, findings and verdict "
                + "(schema port25-agent/report/v1, docs/report-json.md), or OCSF Compliance Finding events.",
            "With --send, the report is written to the spool (STATE-DIR/spool) and the spool is delivered to "
                + "report.endpoint now, oldest first, by HTTPS POST with the report id as Idempotency-Key; what "
                + "the endpoint does not take now stays spooled for the next --send or the daemon."},
        footerHeading = "%nExit codes:%n",
        footer = {"  without --send: the verdict, 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
            "  with --send: 0 the spool is delivered, 1 reports remain spooled (the endpoint did not take them now),",
            "  3 bad settings (no endpoint, a token file others can read, bad PEM files), bad usage or internal errors"})
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @CommandLine.Mixin
    SettingsOption settings = new SettingsOption();

    @CommandLine.Mixin
    StateDirOption state = new StateDirOption();

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "port25 (report/v1) or ocsf (OCSF events). Default: report.format in the settings.")
    Optional<String> format = Optional.empty();

    @Option(names = "--send", description = "Spool the report and deliver the spool to report.endpoint.")
    boolean send;

    @Override
    public Integer call() throws SettingsException, ReportException {
        SettingsLoader.Loaded loaded = settings.load();
        Settings s = loaded.settings();
        PrintWriter out = spec.commandLine().getOut();
        Settings.Format fmt = s.report().format();
        if (format.isPresent()) {
            switch (format.get()) {
                case "port25" -> fmt = Settings.Format.PORT25;
                case "ocsf" -> fmt = Settings.Format.OCSF;
                default -> throw new CommandFailure("--format " + format.get() + ": use port25 or ocsf");
            }
        }
        try {
            ReportSender sender = send ? ReportSender.of(s.report()) : null;
            Spool spool = send ? Spool.open(state.dir.resolve("spool"), s.report().spool()) : null;
            ComplianceReport report = new ComplianceReport(UUID.randomUUID(), Instant.now(),
                    ComplianceReport.Trigger.MANUAL, HostIdentity.local(Cli.version()),
                    new AuditService().audit(loaded), List.of(), spool == null ? 0 : spool.dropped());
            byte[] body = ReportDocument.render(report, fmt);
            if (!send) {
                out.print(new String(body, StandardCharsets.UTF_8));
                out.flush();
                return ExitCodes.of(report.audit().status().verdict());
            }
            Spool.Added added = spool.add(report.id().toString(), body);
            out.println("report " + report.id() + " (" + report.audit().status().verdict() + ") spooled in "
                    + spool.dir() + (added.dropped() > 0 ? "; the spool was full: dropped the " + added.dropped()
                    + " oldest" : ""));
            Delivery.Round round = Delivery.flush(spool, sender);
            round.delivered().forEach(id -> out.println("delivered " + id + " to " + sender.endpoint()));
            round.rejected().forEach(r -> out.println("rejected for good (moved to " + spool.dir().resolve("rejected")
                    + "): " + r));
            if (round.remaining() > 0) {
                out.println("kept " + round.remaining() + " report(s) in the spool: " + round.stopped().orElse(""));
            }
            out.flush();
            return ExitCodes.of(round);
        } catch (IOException e) {
            throw new CommandFailure("report spool in " + state.dir.resolve("spool") + ": " + e.getMessage(), e);
        }
    }
}
