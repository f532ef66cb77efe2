package dev.port25.agent.cli;

import dev.port25.agent.audit.AuditService;
import dev.port25.agent.report.Backoff;
import dev.port25.agent.report.ComplianceReport;
import dev.port25.agent.report.Delivery;
import dev.port25.agent.report.Outbox;
import dev.port25.agent.report.ReportDocument;
import dev.port25.agent.report.ReportException;
import dev.port25.agent.report.ReportSinks;
import dev.port25.agent.report.SinkQueue;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.settings.SettingsException;
import dev.port25.agent.settings.SettingsLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

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
    NamespacesOption namespaces = new NamespacesOption();

    @CommandLine.Mixin
    StateDirOption state = new StateDirOption();

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "port25 (report/v1) or ocsf (OCSF events). Default: report.format in the settings.")
    Optional<String> format = Optional.empty();

    @Option(names = "--send", description = "Spool the report and deliver the spool to report.endpoint.")
    boolean send;

    /** The queues of every configured sink, each sink made now; none configured, or one that cannot be made, is an error. */
    private Outbox sendable(Settings.Report r) throws ReportException, IOException {
        if (ReportSinks.configured(r).isEmpty()) {
            throw new ReportException("report.endpoint is not set: there is nowhere to send reports");
        }
        return Outbox.openEverySink(r, state.dir.resolve("spool"), () -> new Backoff(Duration.ofSeconds(1),
                Duration.ofSeconds(1), new Random()));
    }

    @Override
    public Integer call() throws SettingsException, ReportException {
        SettingsLoader.Loaded loaded = namespaces.apply(settings.load());
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
            Outbox outbox = send ? sendable(s.report()) : null;
            ComplianceReport report = ComplianceReport.assemble(ComplianceReport.Trigger.MANUAL, Cli.version(),
                    new AuditService().audit(loaded), List.of(), outbox == null ? 0 : outbox.dropped());
            if (!send) {
                out.print(new String(ReportDocument.render(report, fmt), StandardCharsets.UTF_8));
                out.flush();
                return ExitCodes.of(report.audit().status().verdict());
            }
            int dropped = outbox.add(report, fmt);
            out.println("report " + report.id() + " (" + report.audit().status().verdict() + ") spooled in "
                    + outbox.folders().stream().map(Path::toString).collect(Collectors.joining(", "))
                    + (dropped > 0 ? "; the spool was full: dropped the " + dropped + " oldest" : ""));
            List<Delivery.Round> rounds = new ArrayList<>();
            for (SinkQueue.Offer offer : outbox.offer(true, Instant.now())) {
                Delivery.Round round = offer.round().orElseThrow(); // a fresh queue is always offered
                rounds.add(round);
                round.delivered().forEach(id -> out.println("delivered " + id + " to " + offer.sink().target()));
                round.rejected().forEach(r -> out.println("rejected for good (moved to "
                        + offer.queue().resolve("rejected") + "): " + r));
                if (round.remaining() > 0) {
                    out.println("kept " + round.remaining() + " report(s) in the spool: " + round.stopped().orElse(""));
                }
            }
            out.flush();
            return ExitCodes.ofRounds(rounds);
        } catch (IOException e) {
            throw new CommandFailure("report spool in " + state.dir.resolve("spool") + ": " + e.getMessage(), e);
        }
    }
}
