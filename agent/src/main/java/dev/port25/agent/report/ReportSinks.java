package dev.port25.agent.report;

import dev.port25.agent.settings.Settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sink kinds, by name, and the sinks the settings configure. A new kind is one entry here, its
 * class, and its harness in the conformance test, which fails for a kind without one.
 */
public final class ReportSinks {

    /** One kind: whether the settings configure it, and how to make it from them. */
    interface Kind {
        boolean configured(Settings.Report settings);

        /** The sink; every file the settings name for it is read and checked now. */
        ReportSink create(Settings.Report settings) throws ReportException;
    }

    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put(HttpsSink.KIND, new Kind() {
            @Override
            public boolean configured(Settings.Report settings) {
                return settings.endpoint().isPresent();
            }

            @Override
            public ReportSink create(Settings.Report settings) throws ReportException {
                return HttpsSink.of(settings);
            }
        });
    }

    private ReportSinks() {
    }

    /** Every kind there is, in the order their queues are offered. */
    public static Set<String> kinds() {
        return Collections.unmodifiableSet(KINDS.keySet());
    }

    /** The kinds these settings configure, in order; none when no endpoint is set. */
    public static List<String> configured(Settings.Report settings) {
        List<String> out = new ArrayList<>();
        KINDS.forEach((name, kind) -> {
            if (kind.configured(settings)) {
                out.add(name);
            }
        });
        return out;
    }

    /** The sink of one kind from the settings; every file they name for it is read and checked now. */
    public static ReportSink create(String kind, Settings.Report settings) throws ReportException {
        Kind k = KINDS.get(kind);
        if (k == null) {
            throw new ReportException("no report sink of kind '" + kind + "'; there are " + kinds());
        }
        return k.create(settings);
    }

    /**
     * A kind's queue on the spool. The https sink keeps the spool's own folder, where earlier
     * builds spooled its reports; every other kind gets a folder of its name beneath it (beside
     * "rejected", which is the https queue's).
     */
    public static Path queue(Path spool, String kind) {
        return kind.equals(HttpsSink.KIND) ? spool : spool.resolve(kind);
    }
}
