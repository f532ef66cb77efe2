package dev.port25.agent.daemon;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LogTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Log log(boolean journal) {
        return new Log(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                journal);
    }

    @Test
    void underJournaldEachLineStartsWithItsSyslogPriorityAndNoTimestamp() {
        Log log = log(true);
        log.info("started");
        log.warn("enforcement refused:\nno role");
        log.error("reload refused");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("<6>started" + System.lineSeparator());
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("<4>enforcement refused: no role" + System.lineSeparator()
                + "<3>reload refused" + System.lineSeparator());
    }

    @Test
    void elsewhereEachLineCarriesAUtcTimestampAndItsLevel() {
        Log log = log(false);
        log.info("started");
        log.error("reload refused");
        assertThat(out.toString(StandardCharsets.UTF_8)).matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z info started\\R");
        assertThat(err.toString(StandardCharsets.UTF_8)).matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z error reload refused\\R");
    }
}
