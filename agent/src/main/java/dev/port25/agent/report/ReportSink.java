package dev.port25.agent.report;

/**
 * Where reports go: one kind of fleet system (today {@code https}; Splunk HEC, OpenSearch
 * {@code _bulk}, syslog and OTLP are the next). {@link ReportSinks} makes them from the settings
 * by kind; each gets its own queue on the spool and its own backoff ({@link SinkQueue}). Every
 * kind passes the same conformance cases (ReportSinkConformanceIT): 2xx, 400, 413, 429, 503, no
 * answer in time, connection refused, and an answer too large to read.
 */
public interface ReportSink {

    /** The kind, as the settings and the spool's queue folder name it: "https". */
    String kind();

    /** Where this sink sends, for messages: "https://collector.example:8443/api/reports". */
    String target();

    /**
     * Offers one report (already rendered) and says what became of it. Never throws: every
     * failure, of the network or of the far end, is an answer.
     *
     * @param id   the report's id, the far end's idempotency key
     * @param body the report document
     */
    Answer send(String id, byte[] body);

    /** What became of one report. */
    sealed interface Answer {
        /** The far end took it. */
        record Delivered(int status) implements Answer {
        }

        /** Not now: keep it and try again later. */
        record Retry(String why) implements Answer {
        }

        /** Never: the far end refuses this report itself; it is moved aside. */
        record Rejected(int status, String why) implements Answer {
        }
    }
}
