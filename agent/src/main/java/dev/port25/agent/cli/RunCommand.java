package dev.port25.agent.cli;

import dev.port25.agent.daemon.Daemon;
import dev.port25.agent.platform.ServiceHost;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code port25-agent run}: the service. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Run as the service: watch the listeners on the settings' ports (daemon.watchMillis; in enforce mode a "
                + "new exposure is closed at once), audit fully every daemon.auditMinutes (a verdict change sends a "
                + "report), check the firewall for drift in enforce mode, send reports on daemon.reportCron through "
                + "the spool, with backoff while the endpoint is away.",
            "SIGHUP reloads the settings (a bad file keeps the last good ones and logs why); SIGTERM and SIGINT stop "
                + "after the running tasks (interrupted after 15 s). Under systemd (Type=notify) it sends READY, "
                + "RELOADING, STOPPING and, when WatchdogSec is set, WATCHDOG. As the Windows service (procrun) the "
                + "service manager's stop stops it and a restart of the service reloads; from a Windows console Ctrl+C "
                + "stops. Logs go to stdout and stderr (the Windows service's: "
                + "STATE-DIR\\logs\\port25-agent.YYYY-MM-DD.log, a file per UTC day, a month kept). 'status' shows "
                + "the daemon's state (STATE-DIR/daemon.json)."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 stopped by a signal, 3 bad settings at start or an internal error"})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @CommandLine.Mixin
    SettingsOption settings = new SettingsOption();

    @CommandLine.Mixin
    StateDirOption state = new StateDirOption();

    @Override
    public Integer call() throws Exception {
        ServiceHost host = ServiceHost.current();
        Daemon daemon = new Daemon(Optional.ofNullable(settings.file), state.dir, Cli.version(), host);
        try {
            daemon.start();
        } catch (IOException e) {
            throw new CommandFailure("state in " + state.dir + ": " + e.getMessage(), e);
        }
        host.onRequests(daemon::stop, daemon::reload);
        daemon.awaitStop();
        return ExitCodes.OK;
    }
}
