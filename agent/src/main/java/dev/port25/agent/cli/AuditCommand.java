package dev.port25.agent.cli;

import dev.port25.agent.audit.AuditJson;
import dev.port25.agent.audit.AuditReport;
import dev.port25.agent.audit.AuditService;
import dev.port25.agent.audit.AuditText;
import dev.port25.agent.settings.SettingsException;
import dev.port25.agent.settings.SettingsLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code port25-agent audit}: a thin shell over {@link AuditService}. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {
            "The full report: this host's role (from the settings) and why, every listener on the settings' ports "
                + "and who owns it, what every firewall layer lets through, the backend that would act, and each "
                + "listener's SMTP weaknesses (probed from here and judged from the MTA's own configuration where "
                + "Postfix or Exim owns it), as findings with stable ids, remediation and references, and a verdict.",
            "Changes nothing. Needs root to see owners, read the firewall and the MTA's configuration."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also bad settings, bad usage and internal errors)"})
final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @CommandLine.Mixin
    SettingsOption settings = new SettingsOption();

    @CommandLine.Mixin
    NamespacesOption namespaces = new NamespacesOption();

    @Option(names = "--json", description = "Print the audit document (schema port25-agent/audit/v1, see "
            + "docs/audit-json.md) instead of the report.")
    boolean json;

    @Override
    public Integer call() throws SettingsException {
        SettingsLoader.Loaded loaded = namespaces.apply(settings.load());
        AuditReport report = new AuditService().audit(loaded);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(AuditJson.render(report));
        } else {
            AuditText.print(report, out);
        }
        out.flush();
        return ExitCodes.of(report.status().verdict());
    }
}
