package dev.port25.agent.report;

import dev.port25.agent.settings.Settings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every configured sink's queue: a report is added to each, and each is offered to its sink with
 * its own backoff. A sink that cannot be made (a token file others can read) keeps its queue:
 * reports wait there until the settings are mended, and {@link #problems()} says why.
 */
public final class Outbox {

    /** One configured kind's queue, and its sink unless that could not be made. */
    private record Queue(Spool spool, Optional<SinkQueue> delivery) {
    }

    private final List<Queue> queues;
    private final List<String> problems;

    private Outbox(List<Queue> queues, List<String> problems) {
        this.queues = List.copyOf(queues);
        this.problems = List.copyOf(problems);
    }

    /**
     * The daemon's way: opens the queue of each kind the settings configure, under
     * {@code spoolRoot}; a sink that cannot be made is kept in {@link #problems()} and its queue
     * opened all the same (reports wait there for the settings to be mended).
     *
     * @param backoff a fresh backoff for each sink
     */
    public static Outbox open(Settings.Report settings, Path spoolRoot, Supplier<Backoff> backoff) throws IOException {
        try {
            return open(settings, spoolRoot, backoff, false);
        } catch (ReportException e) {
            throw new AssertionError("thrown only for every sink", e);
        }
    }

    /**
     * Like {@link #open}, for new settings: each sink that delivers where one of {@code before}'s
     * did keeps its backoff.
     */
    public static Outbox reopen(Settings.Report settings, Path spoolRoot, Supplier<Backoff> backoff, Outbox before)
            throws IOException {
        Outbox o = open(settings, spoolRoot, backoff);
        for (Queue q : o.queues) {
            for (Queue b : before.queues) {
                if (q.delivery().isPresent() && b.delivery().isPresent()) {
                    q.delivery().get().continueFrom(b.delivery().get());
                }
            }
        }
        return o;
    }

    /**
     * The command line's way: like {@link #open}, but a sink that cannot be made is thrown before
     * any queue is opened, so that bad settings write nothing.
     */
    public static Outbox openEverySink(Settings.Report settings, Path spoolRoot, Supplier<Backoff> backoff)
            throws IOException, ReportException {
        return open(settings, spoolRoot, backoff, true);
    }

    private static Outbox open(Settings.Report settings, Path spoolRoot, Supplier<Backoff> backoff, boolean everySink)
            throws IOException, ReportException {
        List<String> kinds = ReportSinks.configured(settings);
        List<Optional<ReportSink>> sinks = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String kind : kinds) {
            try {
                sinks.add(Optional.of(ReportSinks.create(kind, settings)));
            } catch (ReportException e) {
                if (everySink) {
                    throw e;
                }
                problems.add(e.getMessage());
                sinks.add(Optional.empty());
            }
        }
        List<Queue> queues = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            Spool spool = Spool.open(ReportSinks.queue(spoolRoot, kinds.get(i)), settings.spool());
            queues.add(new Queue(spool, sinks.get(i).map(k -> new SinkQueue(k, spool, backoff.get()))));
        }
        return new Outbox(queues, problems);
    }

    /** True when the settings configure no sink: reports are neither spooled nor sent. */
    public boolean isEmpty() {
        return queues.isEmpty();
    }

    /** Why a configured sink could not be made, one line each; its reports wait in its queue. */
    public List<String> problems() {
        return problems;
    }

    /**
     * Renders the report and adds it to every queue.
     *
     * @return the reports the queues dropped to make room, in total
     */
    public int add(ComplianceReport report, Settings.Format format) throws IOException {
        byte[] body = ReportDocument.render(report, format);
        int dropped = 0;
        for (Queue q : queues) {
            dropped += q.spool().add(report.id().toString(), body).dropped();
        }
        return dropped;
    }

    /** Offers every queue that has a sink; see {@link SinkQueue#offer}. */
    public List<SinkQueue.Offer> offer(boolean fresh, Instant now) throws IOException {
        List<SinkQueue.Offer> out = new ArrayList<>();
        for (Queue q : queues) {
            if (q.delivery().isPresent()) {
                out.add(q.delivery().get().offer(fresh, now));
            }
        }
        return out;
    }

    /** Reports waiting, over every queue. */
    public int depth() throws IOException {
        int n = 0;
        for (Queue q : queues) {
            n += q.spool().pending().size();
        }
        return n;
    }

    /** Reports dropped because a queue was full, over every queue. */
    public long dropped() throws IOException {
        long n = 0;
        for (Queue q : queues) {
            n += q.spool().dropped();
        }
        return n;
    }

    /** The queue folders, for messages: "/var/lib/port25-agent/spool". */
    public List<Path> folders() {
        return queues.stream().map(q -> q.spool().dir()).toList();
    }
}
