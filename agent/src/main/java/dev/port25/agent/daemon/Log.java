package dev.port25.agent.daemon;

import dev.port25.agent.platform.ServiceHost;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The daemon's log, one line per event. By default on stdout (info) or stderr (warnings,
 * errors); under systemd (JOURNAL_STREAM set) each line starts with its syslog priority,
 * "&lt;6&gt;", which journald reads as the level and strips; elsewhere with a UTC timestamp. As
 * the Windows service, every line, with its timestamp and level, into a {@link DailyLogFile}.
 */
final class Log {

    /** The Windows service's daily log files kept: a month. */
    static final int KEEP_DAYS = 31;

    private interface Sink {
        void line(boolean error, int priority, String level, String text);
    }

    private final Sink sink;

    private Log(Sink sink) {
        this.sink = sink;
    }

    Log(PrintStream out, PrintStream err, boolean journal) {
        this((error, priority, level, text) -> {
            PrintStream to = error ? err : out;
            to.println(journal ? "<" + priority + ">" + text : stamped(Instant.now(), level, text));
            to.flush();
        });
    }

    /** Into daily files in {@code dir}, the timestamps and the days after {@code clock}. */
    static Log daily(Path dir, Clock clock, PrintStream fallback) {
        DailyLogFile file = new DailyLogFile(dir, KEEP_DAYS, fallback);
        return new Log((error, priority, level, text) -> {
            Instant at = clock.instant(); // one reading: the line's stamp and its file's day agree
            file.write(at, stamped(at, level, text));
        });
    }

    /**
     * The log for a daemon under {@code host}: daily files in {@code STATE-DIR/logs} when the host
     * keeps none of its own (the Windows service), else stdout and stderr.
     */
    static Log standard(ServiceHost host, Path stateDir) {
        if (host.wantsLogFiles()) {
            return daily(stateDir.resolve("logs"), Clock.systemUTC(), System.err);
        }
        return new Log(System.out, System.err, System.getenv("JOURNAL_STREAM") != null);
    }

    void info(String message) {
        line(false, 6, "info", message);
    }

    void warn(String message) {
        line(true, 4, "warning", message);
    }

    void error(String message) {
        line(true, 3, "error", message);
    }

    private synchronized void line(boolean error, int priority, String level, String message) {
        sink.line(error, priority, level, message.replace('\n', ' '));
    }

    /** "2026-12-06T23:59:59.500Z info text": a line where nothing else says when and how grave. */
    private static String stamped(Instant at, String level, String text) {
        return at.truncatedTo(ChronoUnit.MILLIS) + " " + level + " " + text;
    }
}
