package dev.port25.agent.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.policy.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The state file, status and the metrics render one record; the file reads back to it. */
class DaemonStateTest {

    @Test
    void theStateFileReadsBackToTheSameStateWhileItsProcessLives(@TempDir Path dir) throws Exception {
        DaemonState s = MetricsTest.audited(Verdict.WARNING, List.of("0.0.0.0:25", "[::]:25"),
                Map.of(Severity.HIGH, 1L));
        s = new DaemonState(true, ProcessHandle.current().pid(), s.startedAt(), s.updatedAt(), s.settings(), s.mode(),
                s.lastAudit(), s.lastVerdict(), s.lastReportDelivered(), s.lastReportId(), s.spoolDepth(),
                s.reportsDropped(), s.enforcementInPlace(), s.exposed(), s.findings(), s.lastError());
        StateFile.write(dir, s);
        assertThat(StateFile.read(dir)).contains(s);
        assertThat(new ObjectMapper().readTree(dir.resolve(StateFile.NAME).toFile()).fieldNames())
                .toIterable().containsExactly("running", "pid", "startedAt", "updatedAt", "settings", "mode",
                        "lastAudit", "lastVerdict", "lastReportDelivered", "lastReportId", "spoolDepth",
                        "reportsDropped", "enforcementInPlace", "exposed", "findings", "lastError");
    }

    @Test
    void aDaemonWhoseProcessIsGoneIsNotRunning(@TempDir Path dir) throws Exception {
        DaemonState s = MetricsTest.audited(Verdict.OK, List.of(), Map.of()); // pid 42: not this test's
        long dead = ProcessHandle.of(42).map(ProcessHandle::isAlive).orElse(false) ? -1 : 42;
        StateFile.write(dir, new DaemonState(true, dead, s.startedAt(), s.updatedAt(), s.settings(), s.mode(),
                s.lastAudit(), s.lastVerdict(), s.lastReportDelivered(), s.lastReportId(), s.spoolDepth(),
                s.reportsDropped(), s.enforcementInPlace(), s.exposed(), s.findings(), s.lastError()));
        assertThat(StateFile.read(dir).orElseThrow().running()).isFalse();
        assertThat(StateFile.read(dir).orElseThrow().summary()).startsWith("not running (last update 1970-01-01T00:01:40Z)")
                .contains("last audit 1970-01-01T00:01:30Z OK", "spool 3, dropped 7", "enforcement in place");
    }

    @Test
    void aBrokenStateFileSaysWhyAndNoDaemonIsNone(@TempDir Path dir) throws Exception {
        assertThat(StateFile.read(dir)).isEmpty();
        Files.writeString(dir.resolve(StateFile.NAME), "{\"running\": tr");
        DaemonState broken = StateFile.read(dir).orElseThrow();
        assertThat(broken.running()).isFalse();
        assertThat(broken.lastError()).hasValueSatisfying(e -> assertThat(e).contains("cannot be read"));
        assertThat(broken.summary()).startsWith("not running (last update unknown), last audit none");
    }
}
