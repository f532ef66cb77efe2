package dev.port25.agent.daemon;

import dev.port25.agent.audit.AuditReport;
import dev.port25.agent.audit.AuditService;
import dev.port25.agent.enforce.EnforcementPolicy;
import dev.port25.agent.enforce.Enforcer;
import dev.port25.agent.enforce.Journal;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.NamespaceInventory;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.Scope;
import dev.port25.agent.platform.NetworkNamespaces;
import dev.port25.agent.platform.ServiceHost;
import dev.port25.agent.platform.SocketInventories;
import dev.port25.agent.policy.Verdict;
import dev.port25.agent.report.Backoff;
import dev.port25.agent.report.ComplianceReport;
import dev.port25.agent.report.Outbox;
import dev.port25.agent.report.SinkQueue;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.settings.SettingsException;
import dev.port25.agent.settings.SettingsLoader;
import dev.port25.firewall.spi.FirewallException;
import org.quartz.SchedulerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@code port25-agent run}: a thin scheduler over the services. The {@link Schedule} runs a
 * listener watch (every {@code daemon.watchMillis}: a new exposure, in enforce mode, converges
 * the firewall at once), the full audit (every {@code auditMinutes}; a verdict change sends a
 * report), a drift check in enforce mode, reports on {@code reportCron}, and the {@link Outbox}'s
 * delivery, each sink with its own backoff. SIGHUP reloads the settings (a bad file keeps the last
 * good ones, and says why); SIGTERM stops after the running tasks (interrupted after 15 s). What
 * the tasks learn is kept in {@link DaemonStatus} and written as a {@link DaemonState} to the
 * {@link StateFile} and the metrics.
 */
public final class Daemon {

    /** How long a stop waits for the running tasks before it interrupts them. */
    static final Duration STOP_GRACE = Duration.ofSeconds(15);
    /** How long an interrupted task gets to end before the stop goes on without it. */
    static final Duration AFTER_INTERRUPT = Duration.ofSeconds(5);

    private final Optional<Path> configFile;
    private final Path stateDir;
    private final String agentVersion;
    private final Log log;
    private final ServiceHost host;
    private final DaemonStatus status = new DaemonStatus();
    private final Convergence convergence;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Set once, by the first stop: from then on no result of a task cut short is taken for true. */
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** One delivery round at a time (the flush task, and a report made meanwhile). */
    private final Object delivery = new Object();
    /** State snapshots are written in the order they are taken. */
    private final Object stateWrite = new Object();

    private volatile SettingsLoader.Loaded loaded;
    private volatile Outbox outbox;
    private Schedule schedule;

    /** A daemon that tells {@code host} (the service manager it runs under) how it is doing. */
    public Daemon(Optional<Path> configFile, Path stateDir, String agentVersion, ServiceHost host) {
        this(configFile, stateDir, agentVersion, Log.standard(host, stateDir), host);
    }

    Daemon(Optional<Path> configFile, Path stateDir, String agentVersion, Log log, ServiceHost host) {
        this.configFile = configFile;
        this.stateDir = stateDir;
        this.agentVersion = agentVersion;
        this.log = log;
        this.host = host;
        this.convergence = new Convergence(stateDir);
    }

    /** Reads the settings and starts the schedules; a bad settings file stops it here. */
    public void start() throws SettingsException, IOException, SchedulerException {
        loaded = SettingsLoader.load(configFile);
        outbox = openOutbox(loaded.settings(), Optional.empty());
        schedule = new Schedule((task, e) -> {
            log.error(task.id() + " failed: " + e);
            status.error(task.id() + ": " + e);
        });
        schedule(loaded.settings());
        schedule.start();
        log.info("started: settings " + loaded.source() + ", mode " + loaded.settings().mode() + ", state in "
                + stateDir);
        writeState(true);
        host.ready("watching port 25");
        scheduleWatchdog();
    }

    /** Blocks until {@link #stop()}. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** SIGHUP: the settings again; a bad file keeps the last good ones. */
    public void reload() {
        if (stopping.get()) {
            log.warn("reload ignored: the daemon is stopping");
            return;
        }
        host.reloading();
        try {
            SettingsLoader.Loaded fresh = SettingsLoader.load(configFile);
            synchronized (delivery) { // not while a round runs: its backoff goes on in the new outbox
                outbox = openOutbox(fresh.settings(), Optional.of(outbox));
                loaded = fresh;
                convergence.forgetBackend();
                schedule.clear();
                schedule(fresh.settings());
                scheduleWatchdog();
            }
            log.info("reloaded the settings from " + fresh.source() + ", mode " + fresh.settings().mode());
        } catch (SettingsException e) {
            log.error("reload refused, keeping the settings in force: " + e.getMessage());
            status.error("reload refused: " + e.getMessage());
        } catch (IOException | SchedulerException e) {
            log.error("reload failed, keeping the settings in force: " + e.getMessage());
            status.error("reload failed: " + e.getMessage());
        }
        writeState(true);
        host.reloaded();
    }

    /**
     * SIGTERM or the Windows service's stop: waits {@link #STOP_GRACE} for the running tasks, then
     * interrupts them (the command a task waits on, a firewall read or apply, is killed; the next
     * start's drift check converges what an apply left half done), writes the state, and lets
     * {@link #awaitStop()} return: well within the systemd unit's TimeoutStopSec (30 s), the 30 s
     * that Windows Installer waits for a service it stops, and procrun's stop timeout (60 s), after
     * which the service manager would kill the JVM with nothing written.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return; // a second request (SIGINT after SIGTERM) while the first one stops it
        }
        host.stopping();
        try {
            if (schedule != null) {
                Schedule.Stopped cut = schedule.shutdown(STOP_GRACE, AFTER_INTERRUPT);
                if (!cut.interrupted().isEmpty()) {
                    log.warn("stopping: interrupted " + ids(cut.interrupted()) + ", still running after "
                            + STOP_GRACE.toSeconds() + " s");
                }
                if (!cut.abandoned().isEmpty()) {
                    log.error("stopping: " + ids(cut.abandoned()) + " did not end when interrupted; left behind");
                }
            }
        } catch (SchedulerException e) {
            log.error("stopping the scheduler: " + e.getMessage());
        }
        writeState(false);
        log.info("stopped");
        stopped.countDown();
    }

    private static String ids(List<Schedule.Task> tasks) {
        return String.join(", ", tasks.stream().map(Schedule.Task::id).toList());
    }

    private String mode() {
        return loaded.settings().mode().name().toLowerCase(Locale.ROOT);
    }

    /**
     * The sinks' queues for these settings, each keeping its backoff from {@code before}; a sink
     * that cannot be made is logged: its reports then wait.
     */
    private Outbox openOutbox(Settings s, Optional<Outbox> before) throws IOException {
        Settings.Daemon d = s.daemon();
        Supplier<Backoff> backoff = () -> new Backoff(Duration.ofSeconds(Math.min(d.flushSeconds(),
                d.backoffCapSeconds())), Duration.ofSeconds(d.backoffCapSeconds()), new Random());
        Path spool = stateDir.resolve("spool");
        Outbox o = before.isPresent() ? Outbox.reopen(s.report(), spool, backoff, before.get())
                : Outbox.open(s.report(), spool, backoff);
        for (String p : o.problems()) {
            log.error("reports are spooled but not sent: " + p);
            status.error(p);
        }
        return o;
    }

    private void schedule(Settings s) throws SchedulerException {
        Settings.Daemon d = s.daemon();
        schedule.every(Schedule.Task.WATCH, Duration.ofMillis(d.watchMillis()), Duration.ZERO, this::watch);
        schedule.every(Schedule.Task.AUDIT, Duration.ofMinutes(d.auditMinutes()), Duration.ZERO,
                () -> audit(Optional.empty()));
        if (s.mode() == Settings.Mode.ENFORCE) {
            // at once: a NONE host's inbound 25 is closed before anything listens (defence in depth)
            schedule.every(Schedule.Task.DRIFT, Duration.ofSeconds(d.driftSeconds()), Duration.ZERO,
                    () -> converge("drift check", true));
        }
        schedule.every(Schedule.Task.FLUSH, Duration.ofSeconds(d.flushSeconds()), Duration.ofSeconds(d.flushSeconds()),
                () -> flush(false));
        schedule.cron(Schedule.Task.REPORT, d.reportCron(), () -> audit(Optional.of(ComplianceReport.Trigger.SCHEDULE)));
    }

    /** WATCHDOG=1 at half the interval the service manager asked for, when it asked; after READY=1. */
    private void scheduleWatchdog() {
        Optional<Duration> watchdog = host.watchdog();
        if (watchdog.isPresent()) {
            try {
                schedule.every(Schedule.Task.WATCHDOG, Duration.ofMillis(Math.max(100, watchdog.get().toMillis() / 2)),
                        Duration.ZERO, host::alive);
            } catch (SchedulerException e) {
                log.error("cannot schedule the watchdog: " + e.getMessage());
            }
        }
    }

    /**
     * The cheap inventory (sockets, not owners) of every network namespace the settings cover; a
     * new listener beyond loopback is logged and, in enforce mode, closed at once. One in another
     * namespace is named after it ("netns/blue tcp 0.0.0.0:25"): its published ports are closed by
     * the same rules as the host's own port.
     */
    void watch() {
        Settings s = loaded.settings();
        // sockets only: the owners would cost a walk of every process's open files a second (the
        // namespaces' scan reads one link per process)
        List<NamespaceInventory> listed = SocketInventories.listSockets(
                NetworkNamespaces.gathered(s.inventory().namespaces()).namespaces(), new TreeSet<>(s.ports()));
        if (listed.get(0).error().isPresent()) {
            log.error("listing the listeners failed: " + listed.get(0).error().get());
            return;
        }
        Set<String> now = new TreeSet<>();
        for (NamespaceInventory ni : listed) {
            for (Listener l : ni.inventory().map(Inventory::listeners).orElse(List.of())) {
                if (l.protocol() == Protocol.TCP && l.scope() != Scope.LOOPBACK) {
                    now.add(ni.namespace().isHost() ? l.endpoint() : ni.namespace().name() + " " + l.endpoint());
                }
            }
        }
        DaemonStatus.Watched w = status.watched(now);
        if (w.changed()) {
            writeState(true); // a listener gone is shown too
        }
        if (!w.fresh().isEmpty()) {
            log.info("new listener beyond loopback: " + String.join(", ", w.fresh()));
            if (s.mode() == Settings.Mode.ENFORCE) {
                converge("new listener " + String.join(", ", w.fresh()), false);
            }
        }
    }

    /** Enforce mode: the firewall as the role needs it; what it changed is logged and reported. */
    void converge(String why, boolean reselect) {
        Settings s = loaded.settings();
        if (s.mode() != Settings.Mode.ENFORCE) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            Optional<Enforcer.Outcome> done = convergence.converge(s, reselect);
            if (done.isEmpty()) {
                return;
            }
            Enforcer.Outcome o = done.get();
            String line = why + ": " + String.join("; ", o.lines()) + " ("
                    + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms)";
            status.action(line);
            if (!o.converged()) {
                status.error(line);
            }
            writeState(true); // before the log line: what the log says, the state file already shows
            if (o.converged()) {
                log.info(line);
            } else {
                log.error(line);
            }
        } catch (EnforcementPolicy.Refused e) {
            log.warn(why + ": enforcement refused: " + e.getMessage());
        } catch (FirewallException | IOException e) {
            if (stopping.get()) {
                log.warn(why + ": cut short by the stop (the journal holds what it may have left; the next start "
                        + "converges it): " + e.getMessage());
                return;
            }
            log.error(why + ": enforcement failed: " + e.getMessage());
            status.error(why + ": " + e.getMessage());
        }
    }

    /** The full audit; a report when asked, or when the verdict changed. */
    void audit(Optional<ComplianceReport.Trigger> trigger) {
        AuditReport audit = new AuditService().audit(loaded);
        if (stopping.get()) { // its firewall read may have been killed: not a verdict
            log.warn("an audit cut short by the stop: its result is dropped");
            return;
        }
        Verdict v = audit.status().verdict();
        Optional<Verdict> before = status.audited(v, audit.status().findings());
        if (trigger.isEmpty()) {
            before.ifPresent(b -> log.info("verdict " + b + " -> " + v));
        }
        Optional<ComplianceReport.Trigger> why = trigger.or(() -> before.map(b -> ComplianceReport.Trigger.VERDICT_CHANGE));
        if (why.isPresent()) {
            report(why.get(), audit);
        }
        writeState(true);
    }

    private void report(ComplianceReport.Trigger trigger, AuditReport audit) {
        Outbox o = outbox;
        if (o.isEmpty()) {
            return;
        }
        try {
            ComplianceReport r = ComplianceReport.assemble(trigger, agentVersion, audit, status.takeActions(),
                    o.dropped());
            int dropped = o.add(r, loaded.settings().report().format());
            log.info("report " + r.id() + " (" + trigger.label() + ", " + audit.status().verdict() + ") spooled"
                    + (dropped > 0 ? "; dropped the " + dropped + " oldest" : ""));
            flush(true);
        } catch (IOException e) {
            log.error("cannot spool the report: " + e.getMessage());
            status.error("spool: " + e.getMessage());
        }
    }

    /** Offers each sink its queue unless it is backing off ({@code fresh}: a new report, offered at once if not). */
    void flush(boolean fresh) {
        boolean offered;
        synchronized (delivery) {
            offered = deliver(fresh);
        }
        if (offered) {
            writeState(true);
        }
    }

    /** True when a sink was offered its queue (not all were backing off, and there is a sink). */
    private boolean deliver(boolean fresh) {
        boolean offered = false;
        try {
            for (SinkQueue.Offer offer : outbox.offer(fresh, Instant.now())) {
                if (offer.round().isEmpty()) {
                    continue;
                }
                offered = true;
                var round = offer.round().get();
                String sink = offer.sink().kind() + " " + offer.sink().target();
                if (!round.delivered().isEmpty()) {
                    status.delivered(round.delivered().get(round.delivered().size() - 1));
                    log.info("delivered " + round.delivered().size() + " report(s) to " + sink);
                }
                round.rejected().forEach(x -> log.error(sink + " refused a report for good: " + x));
                offer.waitFor().ifPresent(wait -> log.warn(round.remaining() + " report(s) wait for " + sink
                        + ", next try in " + wait.toSeconds() + " s: " + round.stopped().orElse("")));
            }
        } catch (IOException e) {
            log.error("spool: " + e.getMessage());
        }
        return offered;
    }

    /** The state file, and the metrics once an audit ran; what cannot be written is logged. */
    private void writeState(boolean running) {
        if (running && stopping.get()) {
            return; // the stop writes the last state, which says stopped
        }
        synchronized (stateWrite) {
            write(running);
        }
    }

    private void write(boolean running) {
        SettingsLoader.Loaded l = loaded;
        Outbox o = outbox;
        DaemonStatus.SpoolCounts counts;
        try {
            counts = o == null ? new DaemonStatus.SpoolCounts(OptionalInt.of(0), OptionalLong.of(0))
                    : new DaemonStatus.SpoolCounts(OptionalInt.of(o.depth()), OptionalLong.of(o.dropped()));
        } catch (IOException e) {
            counts = new DaemonStatus.SpoolCounts(OptionalInt.empty(), OptionalLong.empty());
        }
        Optional<DaemonStatus.Source> source = l == null ? Optional.empty()
                : Optional.of(new DaemonStatus.Source(l.source(), mode()));
        DaemonState state = status.snapshot(running, source, counts, Files.exists(stateDir.resolve(Journal.FILE)));
        Optional<Path> textfile = l == null ? Optional.empty() : l.settings().daemon().textfile();
        if (textfile.isPresent() && state.lastVerdict().isPresent()) {
            try {
                Metrics.write(textfile.get(), state);
            } catch (IOException e) {
                log.error("cannot write the metrics to " + textfile.get() + ": " + e.getMessage());
            }
        }
        try {
            StateFile.write(stateDir, state);
        } catch (IOException e) {
            log.error("cannot write " + stateDir.resolve(StateFile.NAME) + ": " + e.getMessage());
        }
    }
}
