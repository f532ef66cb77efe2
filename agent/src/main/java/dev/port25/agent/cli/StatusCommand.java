package dev.port25.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.daemon.StateFile;
import dev.port25.agent.platform.SocketInventories;
import dev.port25.agent.settings.SettingsException;
import dev.port25.agent.settings.SettingsLoader;
import dev.port25.agent.status.StatusJson;
import dev.port25.agent.status.StatusReport;
import dev.port25.agent.status.StatusService;
import dev.port25.agent.status.StatusText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code port25-agent status}: a thin shell over {@link StatusService}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "Show every socket listening on the watched ports (default 25; TCP LISTEN and bound UDP, "
                + "IPv4 and IPv6), the processes that hold it, how far it is exposed, and a verdict.",
            "",
            "The verdict weighs the host's role (from the settings), its listeners and every firewall layer: "
                + "on a host that is not a mail server (role NONE, the default) a TCP listener beyond loopback is "
                + "CRITICAL unless the firewall verifiably blocks it on every family it listens on (then WARNING), "
                + "and loopback-only is OK; a firewall or inventory that cannot be read is never OK. The SMTP "
                + "service itself is judged by 'audit'.",
            "As non-root the socket list is complete, but owners in other users' processes "
                + "are shown as unknown, with the reason."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also bad usage and internal errors)"})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "Port to watch, 1-65535; repeat for more (465, 587, ...). Default: the settings' ports (25).")
    List<Integer> ports = List.of();

    @CommandLine.Mixin
    SettingsOption settings = new SettingsOption();

    @CommandLine.Mixin
    NamespacesOption namespaces = new NamespacesOption();

    @CommandLine.Mixin
    StateDirOption state = new StateDirOption();

    @Option(names = "--json", description = "Print the status document (schema port25-agent/status/v1, "
            + "see docs/status-json.md) instead of the summary.")
    boolean json;

    @Option(names = "--source", paramLabel = "SOURCE",
            description = "Inventory source: ${COMPLETION-CANDIDATES} (any case). AUTO: netlink on Linux, "
                    + "OSHI where netlink is not available (its gaps are printed). Default: ${DEFAULT-VALUE}.")
    SocketInventories.Choice source = SocketInventories.Choice.AUTO;

    @Override
    public Integer call() throws SettingsException {
        Set<Integer> watched = new TreeSet<>(ports);
        for (int port : watched) {
            if (port < 1 || port > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--port': " + port + " is not a port (1-65535)");
            }
        }
        SettingsLoader.Loaded loaded = namespaces.apply(settings.load());
        StatusReport report = new StatusService().status(loaded.settings(), loaded.source(), source, watched);
        PrintWriter out = spec.commandLine().getOut();
        // what the daemon last wrote (STATE-DIR/daemon.json); absent when no daemon ever ran here
        Optional<StateFile.Read> daemon = StateFile.read(state.dir);
        if (json) {
            ObjectNode tree = StatusJson.tree(report);
            if (daemon.isPresent()) {
                tree.set("daemon", daemon.get().toJson());
            } else {
                tree.putNull("daemon");
            }
            out.print(StatusJson.render(tree));
        } else {
            StatusText.print(report, out);
            out.println("  daemon: " + daemon.map(StateFile.Read::summary).orElse("never ran here (" + state.dir + ")"));
        }
        out.flush();
        return ExitCodes.of(report.verdict());
    }
}
