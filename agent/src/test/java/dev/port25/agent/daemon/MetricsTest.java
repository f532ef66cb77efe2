package dev.port25.agent.daemon;

import dev.port25.agent.finding.Severity;
import dev.port25.agent.policy.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {

    static DaemonState audited(Verdict v, List<String> exposed, Map<Severity, Long> findings) {
        return new DaemonState(true, 42, Instant.EPOCH, Instant.ofEpochSecond(100), Optional.of("agent.yml"),
                Optional.of("enforce"), Optional.of(Instant.ofEpochSecond(90)), Optional.of(v),
                Optional.of(Instant.ofEpochSecond(95)), Optional.of("id-1"), OptionalInt.of(3), OptionalLong.of(7),
                true, exposed, findings, Optional.empty());
    }

    @Test
    void theTextfileIsReadableByAllWhateverTheModeItsTemporaryFileWasMadeWith(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("port25.prom");
        // what a umask of 0077 (the service's) gives a new file
        Files.createFile(dir.resolve(".port25.prom.tmp"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));

        Metrics.write(target, audited(Verdict.OK, List.of(), Map.of()));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(target)).contains("port25_verdict 0\n");
        assertThat(dir.resolve(".port25.prom.tmp")).doesNotExist();
    }

    @Test
    void theMetricsRenderTheDaemonsState() {
        String m = Metrics.render(audited(Verdict.CRITICAL, List.of("tcp 0.0.0.0:25", "tcp [::]:25",
                        "docker/1a2b3c4d5e6f tcp 0.0.0.0:25", "docker/1a2b3c4d5e6f tcp [::]:25", "netns/blue tcp 0.0.0.0:25"),
                Map.of(Severity.CRITICAL, 1L, Severity.LOW, 2L)));
        assertThat(m).contains("port25_namespace_exposed_listeners{namespace=\"host\"} 2\n"
                + "port25_namespace_exposed_listeners{namespace=\"netns/blue\"} 1\n");
        assertThat(m).contains("port25_namespace_exposed_listeners{namespace=\"docker/1a2b3c4d5e6f\"} 2\n");
        assertThat(m).contains("port25_verdict 2\n", "port25_exposed_listeners 5\n",
                "port25_findings{severity=\"critical\"} 1\n", "port25_findings{severity=\"high\"} 0\n",
                "port25_findings{severity=\"low\"} 2\n", "port25_last_audit_timestamp_seconds 90\n",
                "port25_last_report_delivered_timestamp_seconds 95\n", "port25_spool_reports 3\n",
                "port25_reports_dropped_total 7\n");
    }

    @Test
    void aHostWithNoExposedListenerStillHasItsSeriesAndLabelValuesAreEscaped() {
        assertThat(Metrics.render(audited(Verdict.OK, List.of(), Map.of())))
                .contains("port25_exposed_listeners 0\n", "port25_namespace_exposed_listeners{namespace=\"host\"} 0\n");
        // an ip netns name may hold any character but '/' and NUL
        assertThat(Metrics.label("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
        assertThat(Metrics.namespaceOf("netns/x\"y z tcp 0.0.0.0:25")).isEqualTo("netns/x\"y z");
        assertThat(Metrics.namespaceOf("0.0.0.0:25")).as("the state of a daemon before namespaces").isEqualTo("host");
    }
}
