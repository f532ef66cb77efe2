package dev.port25.agent.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.policy.Verdict;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        assertThat(StateFile.read(dir)).contains(new StateFile.Read.Found(s));
        assertThat(new ObjectMapper().readTree(dir.resolve(StateFile.NAME).toFile()).fieldNames())
                .toIterable().containsExactly("running", "pid", "startedAt", "updatedAt", "settings", "mode",
                        "lastAudit", "lastVerdict", "lastReportDelivered", "lastReportId", "spoolDepth",
                        "reportsDropped", "enforcementInPlace", "exposed", "findings", "lastError");
    }

    @Test
    void aDaemonWhoseProcessIsGoneIsNotRunning(@TempDir Path dir) throws Exception {
        DaemonState s = MetricsTest.audited(Verdict.OK, List.of(), Map.of());
        BackgroundProcess child = new CommandRunner().spawn(Command.of("true"));
        assertThat(child.waitFor(Duration.ofSeconds(10))).hasValue(0);
        long dead = child.pid(); // a process that has ended
        StateFile.write(dir, new DaemonState(true, dead, s.startedAt(), s.updatedAt(), s.settings(), s.mode(),
                s.lastAudit(), s.lastVerdict(), s.lastReportDelivered(), s.lastReportId(), s.spoolDepth(),
                s.reportsDropped(), s.enforcementInPlace(), s.exposed(), s.findings(), s.lastError()));
        StateFile.Read read = StateFile.read(dir).orElseThrow();
        assertThat(read).isInstanceOfSatisfying(StateFile.Read.Found.class, f -> assertThat(f.state().running())
                .isFalse());
        assertThat(read.summary()).startsWith("not running (last update 1970-01-01T00:01:40Z)")
                .contains("last audit 1970-01-01T00:01:30Z OK", "spool 3, dropped 7", "enforcement in place");
    }

    @Test
    void aBrokenStateFileSaysWhyAndNoDaemonIsNone(@TempDir Path dir) throws Exception {
        assertThat(StateFile.read(dir)).isEmpty();
        Files.writeString(dir.resolve(StateFile.NAME), "{\"running\": tr");
        StateFile.Read broken = StateFile.read(dir).orElseThrow();
        assertThat(broken.toJson().fieldNames()).toIterable().containsExactly("running", "lastError");
        assertThat(broken.toJson().get("running").asBoolean()).isFalse();
        assertThat(broken.toJson().get("lastError").asText()).contains("cannot be read");
        assertThat(broken.summary()).startsWith("not running (last update unknown), last audit none");
        Files.writeString(dir.resolve(StateFile.NAME), "[1, 2]");
        assertThat(StateFile.read(dir).orElseThrow().toJson().get("lastError").asText()).endsWith("not a JSON object");
    }
}
