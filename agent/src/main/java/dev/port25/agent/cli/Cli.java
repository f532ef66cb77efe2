package dev.port25.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.Properties;

/** The picocli command tree and its error handling. */
@Command(name = "port25-agent",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        description = {"Host agent for port 25 (SMTP) exposure: it keeps each host's port 25 where its role (from "
            + "/etc/port25-agent/agent.yml, on Windows %%ProgramData%%\\port25-agent\\agent.yml) says it should "
            + "be. 'status' is the quick check, 'audit' the full report, "
            + "'enforce' converges the firewall and 'undo' removes what it added; 'probe' tests an SMTP server, "
            + "'firewall' shows what every firewall layer does to a port, 'config check' checks a settings file."},
        footerHeading = "%nExit codes (monitoring-plugin convention):%n",
        footer = {"  0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also bad usage and internal errors)"},
        subcommands = {StatusCommand.class, AuditCommand.class, FirewallCommand.class, ProbeCommand.class,
            EnforceCommand.class, UndoCommand.class, ReportCommand.class, RunCommand.class, ConfigCommand.class, VersionCommand.class,
            CommandLine.HelpCommand.class})
public final class Cli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Cli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> ExitCodes.UNKNOWN);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("port25-agent: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return ExitCodes.UNKNOWN;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            Optional<String> failure = ExitCodes.failure(e);
            if (failure.isPresent()) {
                c.getErr().println("port25-agent: " + failure.get());
                return ExitCodes.UNKNOWN;
            }
            c.getErr().println("port25-agent: internal error: " + e);
            for (StackTraceElement frame : e.getStackTrace()) {
                c.getErr().println("\tat " + frame);
            }
            return ExitCodes.UNKNOWN;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        // No subcommand: show usage and say the check could not run.
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The version from the build. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = Cli.class.getResourceAsStream("/dev/port25/agent/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** Supplies {@code --version}. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"port25-agent " + version()};
        }
    }
}
