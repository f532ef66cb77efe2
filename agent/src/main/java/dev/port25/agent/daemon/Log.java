package dev.port25.agent.daemon;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The daemon's log: one line per event on stdout (info) or stderr (warnings, errors). Under
 * systemd (JOURNAL_STREAM set) each line starts with its syslog priority, "&lt;6&gt;", which
 * journald reads as the level and strips; elsewhere with a UTC timestamp.
 */
final class Log {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean journal;

    Log(PrintStream out, PrintStream err, boolean journal) {
        this.out = out;
        this.err = err;
        this.journal = journal;
    }

    static Log standard() {
        return new Log(System.out, System.err, System.getenv("JOURNAL_STREAM") != null);
    }

    void info(String message) {
        line(out, 6, "info", message);
    }

    void warn(String message) {
        line(err, 4, "warning", message);
    }

    void error(String message) {
        line(err, 3, "error", message);
    }

    private synchronized void line(PrintStream to, int priority, String level, String message) {
        String text = message.replace('\n', ' ');
        to.println(journal ? "<" + priority + ">" + text
                : Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + level + " " + text);
        to.flush();
    }
}
