package dev.port25.agent.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One sink's queue on the spool and its own backoff: a sink that is down waits alone, and the
 * others go on delivering. Not thread-safe: the daemon offers the queues from one task at a time.
 */
public final class SinkQueue {

    /**
     * What one offer of the queue did.
     *
     * @param queue   the queue's folder
     * @param round   the delivery round; empty when the queue was not offered (backing off)
     * @param waitFor the backoff started by this round's stop, if it stopped
     */
    public record Offer(ReportSink sink, Path queue, Optional<Delivery.Round> round, Optional<Duration> waitFor) {
    }

    private final ReportSink sink;
    private final Spool spool;
    private final Backoff backoff;
    private int failures;
    private Instant next = Instant.EPOCH;

    public SinkQueue(ReportSink sink, Spool spool, Backoff backoff) {
        this.sink = sink;
        this.spool = spool;
        this.backoff = backoff;
    }

    /**
     * Takes over {@code before}'s backoff (its failures in a row and when to try next) when it
     * delivered to the same place: a reload of the settings must not make a whole fleet retry at once.
     */
    void continueFrom(SinkQueue before) {
        if (before.sink.kind().equals(sink.kind()) && before.sink.target().equals(sink.target())) {
            failures = before.failures;
            next = before.next;
        }
    }

    /**
     * Offers the queue to the sink unless backing off.
     *
     * @param fresh a report was just added: offer it at once, unless the sink is already failing
     *              (then it waits for its backoff, like the rest)
     */
    public Offer offer(boolean fresh, Instant now) throws IOException {
        if ((fresh && failures > 0) || (!fresh && now.isBefore(next))) {
            return new Offer(sink, spool.dir(), Optional.empty(), Optional.empty());
        }
        Delivery.Round round = Delivery.flush(spool, sink);
        if (round.stopped().isEmpty()) {
            failures = 0;
            next = Instant.EPOCH;
            return new Offer(sink, spool.dir(), Optional.of(round), Optional.empty());
        }
        failures++;
        Duration wait = backoff.delay(failures);
        next = now.plus(wait);
        return new Offer(sink, spool.dir(), Optional.of(round), Optional.of(wait));
    }
}
