package dev.port25.agent.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DailyLogFileTest {

    private static final Instant DAY_ONE = Instant.parse("2026-12-06T23:59:59.500Z");

    private final ByteArrayOutputStream fallback = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(fallback, true, StandardCharsets.UTF_8);

    /** A clock that the test moves. */
    private static final class Moving extends Clock {
        private Instant now;

        Moving(Instant start) {
            now = start;
        }

        void add(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void eachUtcDayHasItsFileAndTheLinesTheirTimestampAndLevel(@TempDir Path dir) throws Exception {
        Moving clock = new Moving(DAY_ONE);
        Log log = Log.daily(dir.resolve("logs"), clock, stderr);
        log.info("started");
        clock.add(Duration.ofSeconds(1)); // past midnight UTC
        log.error("drift check failed:\nno nft");

        assertThat(names(dir.resolve("logs"))).containsExactly("port25-agent.2026-12-06.log", "port25-agent.2026-12-07.log");
        assertThat(Files.readString(dir.resolve("logs/port25-agent.2026-12-06.log")))
                .isEqualTo("2026-12-06T23:59:59.500Z info started" + System.lineSeparator());
        assertThat(Files.readString(dir.resolve("logs/port25-agent.2026-12-07.log")))
                .isEqualTo("2026-12-07T00:00:00.500Z error drift check failed: no nft" + System.lineSeparator());
        assertThat(fallback.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aLineGoesToTheDayItsStampCarriesWhateverTheTimeItIsWritten(@TempDir Path dir) throws Exception {
        DailyLogFile file = new DailyLogFile(dir, 31, stderr);
        file.write(DAY_ONE, "stamped before midnight");
        file.write(DAY_ONE.plusSeconds(1), "after");
        file.write(DAY_ONE, "written late, stamped before");
        assertThat(Files.readAllLines(dir.resolve("port25-agent.2026-12-06.log")))
                .containsExactly("stamped before midnight", "written late, stamped before");
        assertThat(Files.readAllLines(dir.resolve("port25-agent.2026-12-07.log"))).containsExactly("after");
    }

    @Test
    void aRestartAppendsToTheDaysFile(@TempDir Path dir) throws Exception {
        Moving clock = new Moving(DAY_ONE);
        new DailyLogFile(dir, 31, stderr).write(clock.instant(), "first run");
        new DailyLogFile(dir, 31, stderr).write(clock.instant(), "second run");

        assertThat(Files.readAllLines(dir.resolve("port25-agent.2026-12-06.log"))).containsExactly("first run", "second run");
    }

    @Test
    void aNewDayDeletesOnlyThisLogsFilesOlderThanItKeeps(@TempDir Path dir) throws Exception {
        LocalDate today = LocalDate.of(2026, 12, 7);
        for (int back = 1; back <= 5; back++) {
            Files.writeString(dir.resolve("port25-agent." + today.minusDays(back) + ".log"), "old\n");
        }
        List<String> others = List.of("procrun.2026-11-01.log", "port25-agent-stdout.2026-11-01.log",
                "port25-agent.2026-13-45.log", "port25-agent.notes.log", "agent.yml");
        for (String o : others) {
            Files.writeString(dir.resolve(o), "not the daemon's daily log\n");
        }
        Moving clock = new Moving(DAY_ONE);
        clock.add(Duration.ofSeconds(1));

        new DailyLogFile(dir, 3, stderr).write(clock.instant(), "a new day");

        assertThat(names(dir)).containsExactlyInAnyOrder(Stream.concat(others.stream(), Stream.of(
                "port25-agent.2026-12-05.log", "port25-agent.2026-12-06.log", "port25-agent.2026-12-07.log"))
                .toArray(String[]::new));
    }

    @Test
    void aLineThatCannotBeWrittenGoesToStderrWithWhyAndNothingThrows(@TempDir Path dir) throws Exception {
        Path notADir = Files.writeString(dir.resolve("logs"), "a file where the folder should be");
        DailyLogFile file = new DailyLogFile(notADir, 31, stderr);
        file.write(DAY_ONE, "first");
        file.write(DAY_ONE, "second");

        String said = fallback.toString(StandardCharsets.UTF_8);
        assertThat(said).startsWith("cannot write the log in " + notADir + ": ");
        assertThat(said.lines().filter(l -> l.startsWith("cannot write"))).hasSize(1);
        assertThat(said.lines().toList()).contains("first", "second");
    }
}
