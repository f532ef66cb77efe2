package dev.port25.agent.daemon;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stop's bound: a task that ends within the grace is left to end; one that waits on a command
 * (a Windows firewall read can take minutes) is interrupted and its command killed; one that
 * ignores the interrupt does not hold the stop.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScheduleTest {

    private static final Duration NOW = Duration.ZERO;
    private static final Duration LONG = Duration.ofHours(1);

    private final List<Schedule> made = new ArrayList<>();

    @Test
    void aTaskThatEndsWithinTheGraceIsLeftToEnd() throws Exception {
        Schedule schedule = track(new Schedule((t, e) -> { }));
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> ended = new CompletableFuture<>();
        schedule.every(Schedule.Task.AUDIT, LONG, NOW, () -> {
            started.countDown();
            try {
                Thread.sleep(300);
                ended.complete("slept");
            } catch (InterruptedException e) {
                ended.complete("interrupted");
            }
        });
        schedule.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        Schedule.Stopped stopped = schedule.shutdown(Duration.ofSeconds(10), Duration.ofSeconds(1));

        assertThat(stopped.interrupted()).isEmpty();
        assertThat(stopped.abandoned()).isEmpty();
        assertThat(ended.getNow("still running")).isEqualTo("slept");
    }

    @Test
    void aTaskWaitingOnACommandIsInterruptedAfterTheGraceAndTheCommandKilled() throws Exception {
        Schedule schedule = track(new Schedule((t, e) -> { }));
        CompletableFuture<Exception> outcome = new CompletableFuture<>();
        schedule.every(Schedule.Task.DRIFT, LONG, NOW, () -> {
            try {
                new CommandRunner().run(Command.of("sleep", "600").withTimeout(Duration.ofMinutes(20)));
                outcome.complete(null);
            } catch (CommandException e) {
                outcome.complete(e);
            }
        });
        schedule.start();
        ProcessHandle sleep = child("600");

        Schedule.Stopped stopped = schedule.shutdown(Duration.ofMillis(300), Duration.ofSeconds(10));

        assertThat(stopped.interrupted()).containsExactly(Schedule.Task.DRIFT);
        assertThat(stopped.abandoned()).isEmpty();
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(CommandException.Interrupted.class);
        assertThat(sleep.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
    }

    @Test
    void aTaskThatIgnoresItsInterruptDoesNotHoldTheStop() throws Exception {
        Schedule schedule = track(new Schedule((t, e) -> { }));
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean release = new AtomicBoolean();
        schedule.every(Schedule.Task.WATCH, LONG, NOW, () -> {
            started.countDown();
            while (!release.get()) {
                Thread.onSpinWait();
            }
        });
        schedule.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        Schedule.Stopped stopped = schedule.shutdown(Duration.ofMillis(100), Duration.ofMillis(300));
        release.set(true);

        assertThat(stopped.interrupted()).containsExactly(Schedule.Task.WATCH);
        assertThat(stopped.abandoned()).containsExactly(Schedule.Task.WATCH);
    }

    @Test
    void noTaskStartsOnceTheStopBegins() throws Exception {
        Schedule schedule = track(new Schedule((t, e) -> { }));
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean ran = new AtomicBoolean();
        // the stop stays open for 1.5 s on the running AUDIT, while FLUSH falls due at 0.5 s
        schedule.every(Schedule.Task.AUDIT, LONG, NOW, () -> {
            started.countDown();
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        schedule.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        schedule.every(Schedule.Task.FLUSH, LONG, Duration.ofMillis(500), () -> ran.set(true));

        Schedule.Stopped stopped = schedule.shutdown(Duration.ofSeconds(10), Duration.ofSeconds(1));

        assertThat(stopped.interrupted()).isEmpty();
        assertThat(ran).as("FLUSH was due during the stop").isFalse();
    }

    @AfterEach
    void shutDownWhatATestLeft() throws Exception {
        for (Schedule s : made) {
            s.shutdown(NOW, NOW); // the schedulers share a name: a live one would pass its jobs on
        }
    }

    private Schedule track(Schedule s) {
        made.add(s);
        return s;
    }

    /** The child process of this JVM whose last argument is {@code lastArgument}, once it has started. */
    private static ProcessHandle child(String lastArgument) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            Optional<ProcessHandle> p = ProcessHandle.current().descendants()
                    .filter(h -> h.info().arguments().map(a -> a.length > 0 && a[a.length - 1].equals(lastArgument))
                            .orElse(false)).findFirst();
            if (p.isPresent()) {
                return p.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no child with " + lastArgument + " started; children: "
                + ProcessHandle.current().children().map(h -> h.info().command()).toList());
    }
}
