package dev.port25.agent.report;

import dev.port25.agent.settings.SettingsLoader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Sends one report through a sink of the registry, as the daemon would, and prints the answer on
 * one line: "Delivered 200", "Retry WHY" or "Rejected 400 WHY". Run by ReportSinkConformanceIT
 * inside its namespace, with a small heap. Arguments: kind, settings file.
 */
public final class SinkDriver {

    /** The report the driver sends, and its id. */
    static final String ID = "00000000-0000-4000-8000-000000000025";
    static final String BODY = "{\"id\":\"" + ID + "\",\"conformance\":true}";

    private SinkDriver() {
    }

    public static void main(String[] args) throws Exception {
        ReportSink sink = ReportSinks.create(args[0], SettingsLoader.load(Optional.of(Path.of(args[1])))
                .settings().report());
        ReportSink.Answer a = sink.send(ID, BODY.getBytes(StandardCharsets.UTF_8));
        if (a instanceof ReportSink.Answer.Delivered d) {
            System.out.println("Delivered " + d.status());
        } else if (a instanceof ReportSink.Answer.Rejected r) {
            System.out.println("Rejected " + r.status() + " " + r.why());
        } else if (a instanceof ReportSink.Answer.Retry r) {
            System.out.println("Retry " + r.why());
        }
    }
}
