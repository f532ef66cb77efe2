package dev.port25.agent.report;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Delivers the spool in order, oldest first: each report the endpoint takes leaves the spool;
 * one it refuses for good, or that is no longer readable JSON, moves aside; the first that must
 * be retried stops the round, so that order is kept and an endpoint that is down is asked once,
 * not once per report.
 */
public final class Delivery {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Delivery() {
    }

    /**
     * @param delivered ids the endpoint took
     * @param rejected  ids moved aside, each with why
     * @param stopped   why the round stopped before the spool was empty
     * @param remaining reports still spooled
     */
    public record Round(List<String> delivered, List<String> rejected, Optional<String> stopped, int remaining) {
        public Round {
            delivered = List.copyOf(delivered);
            rejected = List.copyOf(rejected);
        }
    }

    public static Round flush(Spool spool, ReportSink sink) throws IOException {
        List<String> delivered = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        List<Spool.Entry> pending = spool.pending();
        for (int i = 0; i < pending.size(); i++) {
            Spool.Entry e = pending.get(i);
            byte[] body;
            try {
                body = spool.read(e);
                JSON.readTree(body);
            } catch (NoSuchFileException gone) {
                continue; // another process delivered it meanwhile
            } catch (IOException unreadable) {
                spool.reject(e);
                rejected.add(e.id() + ": unreadable: " + unreadable.getMessage());
                continue;
            }
            ReportSink.Answer o = sink.send(e.id(), body);
            if (o instanceof ReportSink.Answer.Delivered) {
                spool.delivered(e);
                delivered.add(e.id());
            } else if (o instanceof ReportSink.Answer.Rejected r) {
                spool.reject(e);
                rejected.add(e.id() + ": " + r.why());
            } else if (o instanceof ReportSink.Answer.Retry r) {
                return new Round(delivered, rejected, Optional.of(r.why()), pending.size() - i);
            }
        }
        return new Round(delivered, rejected, Optional.empty(), 0);
    }
}
