package dev.port25.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code port25-agent version}. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the agent version and the Java runtime it runs on.")
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("port25-agent " + Cli.version());
        spec.commandLine().getOut().println("java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.name") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ")");
        return ExitCodes.OK;
    }
}
