package dev.port25.agent.daemon;

import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.InterruptableJob;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The daemon's tasks on Quartz (RAMJobStore, no database, daemon threads): each {@link Task}
 * runs alone (never overlapping itself), a task that throws is reported and runs again at its
 * next time.
 */
final class Schedule {

    /** The daemon's tasks. */
    enum Task {
        /** The cheap inventory, every {@code daemon.watchMillis}. */
        WATCH,
        /** The full audit, every {@code daemon.auditMinutes}. */
        AUDIT,
        /** A report on {@code daemon.reportCron}. */
        REPORT,
        /** In enforce mode: the firewall re-read and converged, every {@code daemon.driftSeconds}. */
        DRIFT,
        /** The spool offered to its sinks, every {@code daemon.flushSeconds}. */
        FLUSH,
        /** WATCHDOG=1 to the service manager, at half the interval it asked for. */
        WATCHDOG;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String SCHEDULE = "schedule";

    private final Scheduler scheduler;
    private final Map<Task, Runnable> work = new ConcurrentHashMap<>();
    private final BiConsumer<Task, RuntimeException> failed;
    /** Set by {@link #shutdown}: a job Quartz hands over late does not run its task. */
    private volatile boolean closing;

    /** @param failed told of a task that threw (the task runs again at its next time) */
    Schedule(BiConsumer<Task, RuntimeException> failed) throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "port25-agent");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "4");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        this.scheduler = new StdSchedulerFactory(p).getScheduler();
        this.failed = failed;
        scheduler.getContext().put(SCHEDULE, this);
    }

    void start() throws SchedulerException {
        scheduler.start();
    }

    /** Runs {@code task} every {@code every}, first after {@code delay}; a late run is skipped, not bunched. */
    void every(Task task, Duration every, Duration delay, Runnable run) throws SchedulerException {
        Trigger t = TriggerBuilder.newTrigger().withIdentity(task.id())
                .startAt(Date.from(Instant.now().plus(delay)))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(every.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        add(task, t, run);
    }

    /** Runs {@code task} on a Quartz cron expression; a missed time is not made up. */
    void cron(Task task, String cron, Runnable run) throws SchedulerException {
        add(task, TriggerBuilder.newTrigger().withIdentity(task.id()).withSchedule(CronScheduleBuilder
                .cronSchedule(cron).withMisfireHandlingInstructionDoNothing()).build(), run);
    }

    private void add(Task task, Trigger trigger, Runnable run) throws SchedulerException {
        work.put(task, run);
        scheduler.scheduleJob(JobBuilder.newJob(TaskJob.class).withIdentity(task.id())
                .usingJobData("task", task.name()).build(), trigger);
    }

    /** Removes every task (a reload then schedules them again). */
    void clear() throws SchedulerException {
        scheduler.clear();
        work.clear();
    }

    /**
     * Stops: no task starts any more; the running ones get {@code grace} to end, then are
     * interrupted (a command they wait on is killed, see {@code CommandRunner}) and get
     * {@code afterInterrupt} more. Returns the tasks that were interrupted, and of those the ones
     * still running when it gave up on them (a thread that ignores its interrupt: a daemon thread
     * that the JVM's exit does not wait for).
     */
    Stopped shutdown(Duration grace, Duration afterInterrupt) throws SchedulerException {
        closing = true;
        scheduler.standby();
        waitForRunning(grace);
        List<Task> interrupted = running();
        for (JobExecutionContext c : scheduler.getCurrentlyExecutingJobs()) {
            scheduler.interrupt(c.getFireInstanceId());
        }
        waitForRunning(afterInterrupt);
        List<Task> abandoned = running();
        scheduler.shutdown(false);
        return new Stopped(interrupted, abandoned);
    }

    /** What {@link #shutdown} had to cut short. */
    record Stopped(List<Task> interrupted, List<Task> abandoned) {
    }

    private List<Task> running() throws SchedulerException {
        return scheduler.getCurrentlyExecutingJobs().stream().map(Schedule::taskOf).sorted().toList();
    }

    /** The task a job runs, from the data it was scheduled with. */
    private static Task taskOf(JobExecutionContext job) {
        return Task.valueOf(job.getMergedJobDataMap().getString("task"));
    }

    private void waitForRunning(Duration wait) throws SchedulerException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!scheduler.getCurrentlyExecutingJobs().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run(Task task) {
        Runnable r = work.get(task);
        if (r == null || closing) {
            return; // cleared by a reload while it was due
        }
        try {
            r.run();
        } catch (RuntimeException e) {
            failed.accept(task, e);
        }
    }

    /**
     * The one Quartz job class; which task it runs is in its data. Interrupting it (at stop, after
     * the grace) interrupts the thread that runs it.
     */
    @DisallowConcurrentExecution
    public static final class TaskJob implements InterruptableJob {
        private final Object lock = new Object();
        private Thread thread;
        private boolean interrupted;

        @Override
        public void execute(JobExecutionContext context) {
            synchronized (lock) {
                if (interrupted) {
                    return;
                }
                thread = Thread.currentThread();
            }
            try {
                Schedule s = (Schedule) context.getScheduler().getContext().get(SCHEDULE);
                s.run(taskOf(context));
            } catch (SchedulerException e) {
                // the scheduler is gone: nothing to run
            } finally {
                synchronized (lock) {
                    thread = null;
                    Thread.interrupted(); // the pool's thread is not left interrupted
                }
            }
        }

        @Override
        public void interrupt() {
            synchronized (lock) {
                interrupted = true;
                if (thread != null) {
                    thread.interrupt();
                }
            }
        }
    }
}
