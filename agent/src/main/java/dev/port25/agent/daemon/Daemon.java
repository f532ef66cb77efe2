package dev.port25.agent.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.audit.AuditReport;
import dev.port25.agent.audit.AuditService;
import dev.port25.agent.enforce.EnforcementPolicy;
import dev.port25.agent.enforce.Enforcer;
import dev.port25.agent.enforce.Journal;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.finding.Finding;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.Scope;
import dev.port25.agent.platform.SocketInventories;
import dev.port25.agent.policy.Verdict;
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
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallSelector;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code port25-agent run}: Quartz (RAMJobStore, no database) runs a listener watch (every
 * {@code daemon.watchMillis}: a new exposure, in enforce mode, converges the firewall at once),
 * the full audit (every {@code auditMinutes}; a verdict change sends a report), a drift check in
 * enforce mode, reports on {@code reportCron}, and spool delivery with exponential backoff.
 * SIGHUP reloads the settings (a bad file keeps the last good ones, and says why); SIGTERM stops
 * after the running tasks. State for {@code status}: {@value #STATE_FILE} in the state folder.
 */
public final class Daemon {

    public static final String STATE_FILE = "daemon.json";
    /** The firewall changes kept for the next report. */
    private static final int MAX_ACTIONS = 100;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Optional<Path> configFile;
    private final Path stateDir;
    private final String agentVersion;
    private final Log log;
    private final SystemdNotify notify;
    private final CommandRunner runner = new CommandRunner();
    private final FirewallSelector selector = new FirewallSelector();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile SettingsLoader.Loaded loaded;
    private volatile Optional<ReportSender> sender = Optional.empty();
    private volatile Spool spool;
    private Scheduler scheduler;
    private Backoff backoff;
    /** The backend selected at the last drift check (or reload), for the watch's fast path. */
    private FirewallAdapter adapter;

    // what the tasks keep between runs (guarded by this)
    private Set<String> exposed = Set.of();
    private Verdict lastVerdict;
    private Instant lastAudit;
    private List<Finding> lastFindings = List.of();
    private Instant lastDelivered;
    private String lastDeliveredId;
    private String lastError;
    private final List<String> actions = new ArrayList<>();
    private int failures;
    private Instant nextDelivery = Instant.EPOCH;
    private final Instant started = Instant.now();

    public Daemon(Optional<Path> configFile, Path stateDir, String agentVersion) {
        this(configFile, stateDir, agentVersion, Log.standard(), SystemdNotify.fromEnvironment());
    }

    Daemon(Optional<Path> configFile, Path stateDir, String agentVersion, Log log, SystemdNotify notify) {
        this.configFile = configFile;
        this.stateDir = stateDir;
        this.agentVersion = agentVersion;
        this.log = log;
        this.notify = notify;
    }

    /** Reads the settings and starts the schedules; a bad settings file stops it here. */
    public void start() throws SettingsException, IOException, SchedulerException {
        loaded = SettingsLoader.load(configFile);
        apply(loaded);
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "port25-agent");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "4");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.getContext().put("daemon", this);
        schedule(loaded.settings());
        scheduler.start();
        log.info("started: settings " + loaded.source() + ", mode " + mode() + ", state in " + stateDir);
        writeState();
        notify.send("READY=1\nSTATUS=watching port 25");
        scheduleWatchdog();
    }

    /** Blocks until {@link #stop()}. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** SIGHUP: the settings again; a bad file keeps the last good ones. */
    public void reload() {
        notify.send("RELOADING=1");
        try {
            SettingsLoader.Loaded fresh = SettingsLoader.load(configFile);
            synchronized (this) {
                apply(fresh);
                loaded = fresh;
                adapter = null; // the settings may pin another backend
                scheduler.clear();
                schedule(fresh.settings());
                scheduleWatchdog();
            }
            log.info("reloaded the settings from " + fresh.source() + ", mode " + mode());
        } catch (SettingsException e) {
            log.error("reload refused, keeping the settings in force: " + e.getMessage());
            lastError = "reload refused: " + e.getMessage();
        } catch (IOException | SchedulerException e) {
            log.error("reload failed, keeping the settings in force: " + e.getMessage());
            lastError = "reload failed: " + e.getMessage();
        }
        writeState();
        notify.send("READY=1");
    }

    /** SIGTERM: waits for the running tasks, writes the state, and lets {@link #awaitStop()} return. */
    public void stop() {
        notify.send("STOPPING=1");
        try {
            if (scheduler != null) {
                scheduler.shutdown(true);
            }
        } catch (SchedulerException e) {
            log.error("stopping the scheduler: " + e.getMessage());
        }
        synchronized (this) {
            writeState(false);
        }
        log.info("stopped");
        stopped.countDown();
    }

    private Settings.Mode mode() {
        return loaded.settings().mode();
    }

    /** Opens the spool and the sender for these settings (a sender error is logged: reports then wait). */
    private void apply(SettingsLoader.Loaded s) throws IOException {
        Settings.Daemon d = s.settings().daemon();
        backoff = new Backoff(Duration.ofSeconds(Math.min(d.flushSeconds(), d.backoffCapSeconds())),
                Duration.ofSeconds(d.backoffCapSeconds()), new Random());
        spool = Spool.open(stateDir.resolve("spool"), s.settings().report().spool());
        if (s.settings().report().endpoint().isEmpty()) {
            sender = Optional.empty();
            return;
        }
        try {
            sender = Optional.of(ReportSender.of(s.settings().report()));
        } catch (ReportException e) {
            sender = Optional.empty();
            log.error("reports are spooled but not sent: " + e.getMessage());
            lastError = e.getMessage();
        }
    }

    private void schedule(Settings s) throws SchedulerException {
        Settings.Daemon d = s.daemon();
        scheduleRepeating("watch", Duration.ofMillis(d.watchMillis()), Duration.ZERO);
        scheduleRepeating("audit", Duration.ofMinutes(d.auditMinutes()), Duration.ZERO);
        if (s.mode() == Settings.Mode.ENFORCE) {
            // at once: a NONE host's inbound 25 is closed before anything listens (defence in depth)
            scheduleRepeating("drift", Duration.ofSeconds(d.driftSeconds()), Duration.ZERO);
        }
        scheduleRepeating("flush", Duration.ofSeconds(d.flushSeconds()), Duration.ofSeconds(d.flushSeconds()));
        scheduler.scheduleJob(JobBuilder.newJob(Task.class).withIdentity("report").usingJobData("task", "report").build(),
                TriggerBuilder.newTrigger().withIdentity("report").withSchedule(CronScheduleBuilder
                        .cronSchedule(d.reportCron()).withMisfireHandlingInstructionDoNothing()).build());
    }

    /** WATCHDOG=1 at half the interval systemd asked for, when it asked. */
    private void scheduleWatchdog() {
        SystemdNotify.watchdog().ifPresent(interval -> {
            try {
                scheduleRepeating("watchdog", Duration.ofMillis(Math.max(100, interval.toMillis() / 2)), Duration.ZERO);
            } catch (SchedulerException e) {
                log.error("cannot schedule the systemd watchdog: " + e.getMessage());
            }
        });
    }

    private void scheduleRepeating(String task, Duration every, Duration delay) throws SchedulerException {
        Trigger t = TriggerBuilder.newTrigger().withIdentity(task)
                .startAt(Date.from(Instant.now().plus(delay)))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(every.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        scheduler.scheduleJob(JobBuilder.newJob(Task.class).withIdentity(task).usingJobData("task", task).build(), t);
    }

    /** One Quartz job class for every task; each task runs alone (no overlap with itself). */
    @DisallowConcurrentExecution
    public static final class Task implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            Daemon d;
            try {
                d = (Daemon) context.getScheduler().getContext().get("daemon");
            } catch (SchedulerException e) {
                return;
            }
            String task = context.getMergedJobDataMap().getString("task");
            try {
                switch (task) {
                    case "watch" -> d.watch();
                    case "audit" -> d.audit(Optional.empty());
                    case "report" -> d.audit(Optional.of(ComplianceReport.Trigger.SCHEDULE));
                    case "drift" -> d.converge("drift check", true);
                    case "flush" -> d.flush(false);
                    case "watchdog" -> d.notify.send("WATCHDOG=1");
                    default -> d.log.error("unknown task " + task);
                }
            } catch (RuntimeException e) {
                d.log.error(task + " failed: " + e);
                d.lastError = task + ": " + e;
            }
        }
    }

    /** The cheap inventory (sockets, not owners); a new listener beyond loopback is logged and, in enforce mode, closed at once. */
    void watch() {
        Settings s = loaded.settings();
        Inventory inv;
        try {
            inv = SocketInventories.listSockets(new TreeSet<>(s.ports())); // owners would cost a /proc walk a second
        } catch (InventoryException e) {
            log.error("listing the listeners failed: " + e.getMessage());
            return;
        }
        Set<String> now = new TreeSet<>();
        for (Listener l : inv.listeners()) {
            if (l.protocol() == Protocol.TCP && l.scope() != Scope.LOOPBACK) {
                now.add(l.endpoint());
            }
        }
        Set<String> fresh = new TreeSet<>(now);
        boolean changed;
        synchronized (this) {
            fresh.removeAll(exposed);
            changed = !now.equals(exposed);
            exposed = now;
        }
        if (changed) {
            writeState(); // a listener gone is shown too
        }
        if (!fresh.isEmpty()) {
            log.info("new listener beyond loopback: " + String.join(", ", fresh));
            if (s.mode() == Settings.Mode.ENFORCE) {
                converge("new listener " + String.join(", ", fresh), false);
            }
        }
    }

    /**
     * Enforce mode: the firewall as the role needs it; what it changed is logged and reported.
     *
     * @param reselect detect the backend again (the drift check does; a new listener uses the
     *                 backend selected last, to close it sooner)
     */
    synchronized void converge(String why, boolean reselect) {
        Settings s = loaded.settings();
        if (s.mode() != Settings.Mode.ENFORCE) {
            return;
        }
        long t0 = System.nanoTime();
        RoleResolver.Decision role = RoleResolver.resolve(s, RoleResolver.localHostname());
        Enforcer enforcer = new Enforcer(runner, selector, stateDir);
        try {
            EnforcementPolicy.desired(s, role.role()); // a refusal before detection runs the backends' tools
            if (reselect || adapter == null) {
                adapter = selector.select(runner, s.firewall().backend().pin()).adapter();
            }
            Enforcer.Proposal p = enforcer.propose(s, role, adapter);
            if (p.plan().changes().isEmpty() && p.cleanup().isEmpty()) {
                return;
            }
            Enforcer.Outcome o = enforcer.enforce(p);
            String line = why + ": " + String.join("; ", o.lines()) + " ("
                    + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms)";
            actions.add(Instant.now() + " " + line);
            if (actions.size() > MAX_ACTIONS) {
                actions.remove(0); // no endpoint takes them: keep the latest only
            }
            if (!o.converged()) {
                lastError = line;
            }
            writeState(); // before the log line: what the log says, the state file already shows
            if (o.converged()) {
                log.info(line);
            } else {
                log.error(line);
            }
        } catch (EnforcementPolicy.Refused e) {
            log.warn(why + ": enforcement refused: " + e.getMessage());
        } catch (FirewallException | IOException e) {
            log.error(why + ": enforcement failed: " + e.getMessage());
            lastError = why + ": " + e.getMessage();
        }
    }

    /** The full audit; a report when asked, or when the verdict changed. */
    void audit(Optional<ComplianceReport.Trigger> trigger) {
        AuditReport audit = new AuditService().audit(loaded);
        Verdict v = audit.status().verdict();
        Optional<ComplianceReport.Trigger> why = trigger;
        synchronized (this) {
            if (why.isEmpty() && lastVerdict != null && lastVerdict != v) {
                why = Optional.of(ComplianceReport.Trigger.VERDICT_CHANGE);
                log.info("verdict " + lastVerdict + " -> " + v);
            }
            lastVerdict = v;
            lastAudit = Instant.now();
        }
        synchronized (this) {
            lastFindings = audit.status().findings();
        }
        if (why.isPresent()) {
            report(why.get(), audit);
        }
        writeState();
    }

    private void report(ComplianceReport.Trigger trigger, AuditReport audit) {
        if (loaded.settings().report().endpoint().isEmpty()) {
            return;
        }
        try {
            List<String> taken;
            synchronized (this) {
                taken = List.copyOf(actions);
                actions.clear();
            }
            ComplianceReport r = new ComplianceReport(UUID.randomUUID(), Instant.now(), trigger,
                    HostIdentity.local(agentVersion), audit, taken, spool.dropped());
            Spool.Added added = spool.add(r.id().toString(), ReportDocument.render(r, loaded.settings().report().format()));
            log.info("report " + r.id() + " (" + trigger.label() + ", "
                    + audit.status().verdict() + ") spooled" + (added.dropped() > 0 ? "; dropped the "
                    + added.dropped() + " oldest" : ""));
            flush(true);
        } catch (IOException e) {
            log.error("cannot spool the report: " + e.getMessage());
            lastError = "spool: " + e.getMessage();
        }
    }

    /** Offers the spool to the endpoint unless backing off ({@code now}: a new report, try at once if not). */
    synchronized void flush(boolean now) {
        if (sender.isEmpty() || (!now && Instant.now().isBefore(nextDelivery)) || (now && failures > 0)) {
            return;
        }
        try {
            Delivery.Round round = Delivery.flush(spool, sender.get());
            if (!round.delivered().isEmpty()) {
                lastDelivered = Instant.now();
                lastDeliveredId = round.delivered().get(round.delivered().size() - 1);
                log.info("delivered " + round.delivered().size() + " report(s)");
            }
            round.rejected().forEach(x -> log.error("the endpoint refused a report for good: " + x));
            if (round.stopped().isPresent()) {
                failures++;
                Duration wait = backoff.delay(failures);
                nextDelivery = Instant.now().plus(wait);
                log.warn(round.remaining() + " report(s) wait, next try in " + wait.toSeconds() + " s: "
                        + round.stopped().get());
            } else {
                failures = 0;
                nextDelivery = Instant.EPOCH;
            }
        } catch (IOException e) {
            log.error("spool: " + e.getMessage());
        }
        writeState();
    }

    private void writeState() {
        synchronized (this) {
            writeState(true);
        }
    }

    /** {@value #STATE_FILE}: what {@code status} shows of the daemon. Temp file and rename. */
    private void writeState(boolean running) {
        ObjectNode n = JSON.createObjectNode();
        n.put("running", running);
        n.put("pid", ProcessHandle.current().pid());
        n.put("startedAt", started.toString());
        n.put("updatedAt", Instant.now().toString());
        n.put("settings", loaded == null ? null : loaded.source());
        n.put("mode", loaded == null ? null : mode().name().toLowerCase(Locale.ROOT));
        n.put("lastAudit", lastAudit == null ? null : lastAudit.toString());
        n.put("lastVerdict", lastVerdict == null ? null : lastVerdict.name());
        n.put("lastReportDelivered", lastDelivered == null ? null : lastDelivered.toString());
        n.put("lastReportId", lastDeliveredId);
        try {
            n.put("spoolDepth", spool == null ? 0 : spool.pending().size());
            n.put("reportsDropped", spool == null ? 0 : spool.dropped());
        } catch (IOException e) {
            n.putNull("spoolDepth");
            n.putNull("reportsDropped");
        }
        n.put("enforcementInPlace", Files.exists(stateDir.resolve(Journal.FILE)));
        n.put("exposed", String.join(", ", exposed));
        n.put("lastError", lastError);
        Optional<Path> textfile = loaded == null ? Optional.empty() : loaded.settings().daemon().textfile();
        if (textfile.isPresent() && lastVerdict != null) {
            try {
                Metrics.write(textfile.get(), new Metrics.Snapshot(lastVerdict, exposed.size(), lastFindings, lastAudit,
                        Optional.ofNullable(lastDelivered), n.path("spoolDepth").asInt(), n.path("reportsDropped").asLong()));
            } catch (IOException e) {
                log.error("cannot write the metrics to " + textfile.get() + ": " + e.getMessage());
            }
        }
        try {
            Files.createDirectories(stateDir);
            Path tmp = stateDir.resolve(STATE_FILE + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(n));
            Files.move(tmp, stateDir.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.error("cannot write " + stateDir.resolve(STATE_FILE) + ": " + e.getMessage());
        }
    }
}
