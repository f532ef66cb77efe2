package dev.port25.agent.cli;

import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.settings.SettingsException;
import dev.port25.agent.settings.SettingsLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code port25-agent config check [FILE]}. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Work with the settings file (/etc/port25-agent/agent.yml; on Windows "
                + "%%ProgramData%%\\port25-agent\\agent.yml).",
        subcommands = {ConfigCommand.Check.class, CommandLine.HelpCommand.class})
final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a config command is required (check)");
    }

    /** {@code config check}: load the file as every command would, and say what it means for this host. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check a settings file: every key known, every value of the right type and form (CIDRs, "
                    + "host name patterns, URLs). Prints what the file means for this host (its role and why), or "
                    + "one error naming the file, line and key.",
                "Without FILE: /etc/port25-agent/agent.yml (on Windows %%ProgramData%%\\port25-agent\\agent.yml), "
                    + "or, when there is none, the built-in defaults."},
            footerHeading = "%nExit codes:%n",
            footer = {"  0 the settings are good, 3 they are not (or bad usage)"})
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The settings file to check.")
        Path file;

        @Override
        public Integer call() throws SettingsException {
            SettingsLoader.Loaded loaded = SettingsLoader.load(Optional.ofNullable(file));
            Settings s = loaded.settings();
            PrintWriter out = spec.commandLine().getOut();
            out.println(loaded.source() + ": OK");
            String host = RoleResolver.localHostname();
            RoleResolver.Decision role = RoleResolver.resolve(s, host);
            out.println("  mode " + s.mode().name().toLowerCase(Locale.ROOT) + ", ports " + s.ports() + ", "
                    + s.roles().rules().size() + " role rule" + (s.roles().rules().size() == 1 ? "" : "s")
                    + ", firewall backend " + s.firewall().backend().pin().orElse("auto"));
            out.println("  this host (" + host + "): " + role.role() + ", " + role.why());
            out.flush();
            return ExitCodes.OK;
        }
    }
}
