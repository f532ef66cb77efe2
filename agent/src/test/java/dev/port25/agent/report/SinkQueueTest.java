package dev.port25.agent.report;

import dev.port25.agent.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** One sink's queue and its backoff, with a sink that answers as it is told. */
class SinkQueueTest {

    /** Answers from a script; records what it was offered. */
    static final class ScriptedSink implements ReportSink {
        final Deque<Answer> answers = new ArrayDeque<>();
        final List<String> offered = new ArrayList<>();
        final String target;

        ScriptedSink(String target) {
            this.target = target;
        }

        @Override
        public String kind() {
            return "scripted";
        }

        @Override
        public String target() {
            return target;
        }

        @Override
        public Answer send(String id, byte[] body) {
            offered.add(id);
            return answers.isEmpty() ? new Answer.Delivered(200) : answers.removeFirst();
        }
    }

    static Backoff backoff() {
        return new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(600), new Random(1));
    }

    /** A report id (a UUID) for a short name. */
    static String id(String name) {
        return String.format("00000000-0000-4000-8000-%012x", name.hashCode());
    }

    static Spool spool(Path dir, String... names) throws Exception {
        Spool s = Spool.open(dir, new Settings.Spool(null, null));
        for (String name : names) {
            String id = id(name);
            s.add(id, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        return s;
    }

    @Test
    void aFailingSinkWaitsItsBackoffAndAFreshReportDoesNotJumpIt(@TempDir Path dir) throws Exception {
        ScriptedSink sink = new ScriptedSink("far");
        sink.answers.add(new ReportSink.Answer.Retry("503"));
        SinkQueue q = new SinkQueue(sink, spool(dir, "r1", "r2"), backoff());
        Instant t0 = Instant.parse("2026-12-03T00:00:00Z");

        SinkQueue.Offer first = q.offer(true, t0);
        assertThat(first.round()).hasValueSatisfying(r -> assertThat(r.remaining()).isEqualTo(2));
        assertThat(first.waitFor()).isPresent();
        Duration wait = first.waitFor().get();
        assertThat(wait).isLessThanOrEqualTo(Duration.ofSeconds(10));

        assertThat(q.offer(true, t0.plusMillis(1)).round()).as("a new report while failing waits").isEmpty();
        if (!wait.isZero()) {
            assertThat(q.offer(false, t0.plus(wait).minusMillis(1)).round()).as("before the backoff ends").isEmpty();
        }
        SinkQueue.Offer later = q.offer(false, t0.plus(wait));
        assertThat(later.round()).hasValueSatisfying(r -> assertThat(r.delivered()).containsExactly(id("r1"), id("r2")));
        assertThat(sink.offered).containsExactly(id("r1"), id("r1"), id("r2"));
        assertThat(q.offer(true, t0.plus(wait).plusMillis(1)).round()).as("after a success, at once again").isPresent();
    }

    @Test
    void aReloadKeepsTheBackoffOfASinkThatDeliversToTheSamePlace(@TempDir Path dir) throws Exception {
        ScriptedSink before = new ScriptedSink("far");
        before.answers.add(new ReportSink.Answer.Retry("503"));
        SinkQueue old = new SinkQueue(before, spool(dir.resolve("a"), "r1"), backoff());
        Instant t0 = Instant.parse("2026-12-03T00:00:00Z");
        old.offer(true, t0);

        SinkQueue same = new SinkQueue(new ScriptedSink("far"), spool(dir.resolve("a")), backoff());
        same.continueFrom(old);
        assertThat(same.offer(true, t0.plusMillis(1)).round()).as("still failing: a fresh report waits").isEmpty();

        SinkQueue elsewhere = new SinkQueue(new ScriptedSink("near"), spool(dir.resolve("a")), backoff());
        elsewhere.continueFrom(old);
        assertThat(elsewhere.offer(true, t0.plusMillis(1)).round()).as("another far end starts afresh").isPresent();
    }
}
