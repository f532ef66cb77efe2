package dev.port25.agent.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Windows service's log: {@code port25-agent.YYYY-MM-DD.log} in a folder, a new file at
 * each UTC day (the date its lines' timestamps carry), appended to across restarts; when a day
 * begins, the files of more than {@code keepDays} days ago are deleted. procrun's own
 * redirection of stdout is no substitute: it names its file once, when the service starts,
 * and never rotates it. A line that cannot be written goes to {@code fallback} (stderr), with
 * why, once per failure; logging never throws.
 */
final class DailyLogFile {

    private static final Pattern NAME = Pattern.compile("port25-agent\\.(\\d{4}-\\d\\d-\\d\\d)\\.log");

    private final Path dir;
    private final int keepDays;
    private final PrintStream fallback;
    private LocalDate day;
    private Writer writer;
    private boolean failing;

    DailyLogFile(Path dir, int keepDays, PrintStream fallback) {
        if (keepDays < 1) {
            throw new IllegalArgumentException("keepDays must be 1 or more: " + keepDays);
        }
        this.dir = dir;
        this.keepDays = keepDays;
        this.fallback = fallback;
    }

    /** The file that a line written at {@code day} goes to. */
    Path file(LocalDate day) {
        return dir.resolve("port25-agent." + day + ".log");
    }

    /** Appends {@code line}, stamped {@code at}, and a line break to the file of {@code at}'s UTC day, and flushes. */
    synchronized void write(Instant at, String line) {
        try {
            LocalDate today = LocalDate.ofInstant(at, ZoneOffset.UTC);
            if (writer == null || !today.equals(day)) {
                open(today);
            }
            writer.write(line);
            writer.write(System.lineSeparator());
            writer.flush();
            failing = false;
        } catch (IOException | RuntimeException e) { // DirectoryIteratorException among them
            closeQuietly();
            if (!failing) {
                fallback.println("cannot write the log in " + dir + ": " + e.getMessage());
                failing = true;
            }
            fallback.println(line);
        }
    }

    private void open(LocalDate today) throws IOException {
        closeQuietly();
        Files.createDirectories(dir);
        writer = Files.newBufferedWriter(file(today), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        day = today;
        try {
            deleteBefore(today.minusDays(keepDays - 1L));
        } catch (IOException | RuntimeException e) {
            fallback.println("cannot list the old logs in " + dir + ": " + e.getMessage());
        }
    }

    /** Deletes this log's files of days before {@code first}; leaves every other file alone. */
    private void deleteBefore(LocalDate first) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "port25-agent.*.log")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && parse(m.group(1)).map(d -> d.isBefore(first)).orElse(false)) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException e) { // one held open elsewhere does not keep the others
                        fallback.println("cannot remove the old log " + f + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    private static Optional<LocalDate> parse(String date) {
        try {
            return Optional.of(LocalDate.parse(date));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private void closeQuietly() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // the next write opens it again, or reports why not
            }
            writer = null;
        }
    }
}
