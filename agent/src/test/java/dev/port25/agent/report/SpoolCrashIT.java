package dev.port25.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process adding reports to the spool is killed with SIGKILL at random points, five times over
 * the same spool: every report whose add had returned is there, whole, and nothing else is but
 * whole reports (a kill between the temporary file and its rename leaves only a temporary file,
 * which the next open removes).
 */
class SpoolCrashIT {

    @Test
    void killNineWhileSpoolingLosesNothingAndCorruptsNothing() throws Exception {
        Path root = Files.createTempDirectory("p25-spool-crash-");
        Path dir = root.resolve("spool");
        CommandRunner runner = new CommandRunner();
        ObjectMapper json = new ObjectMapper();
        Set<String> acknowledged = new HashSet<>();
        try {
            for (int round = 0; round < 5; round++) {
                BackgroundProcess writer = runner.spawn(Command.of(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), SpoolWriter.class.getName(), dir.toString())));
                try {
                    // let it run a while (JVM start included), at a different point each round
                    long until = System.nanoTime() + Duration.ofMillis(900 + 137L * round).toNanos();
                    while (System.nanoTime() < until) {
                        writer.readLine(Duration.ofMillis(50)).ifPresent(acknowledged::add);
                    }
                    CommandResult kill = runner.run("kill", "-KILL", Long.toString(writer.pid()));
                    assertThat(kill.ok()).as(kill.describe()).isTrue();
                    assertThat(writer.waitFor(Duration.ofSeconds(10))).as("killed").isPresent();
                    Optional<String> line;
                    while ((line = writer.readLine(Duration.ofMillis(100))).isPresent()) {
                        acknowledged.add(line.get());
                    }
                } finally {
                    writer.stop();
                }
                Spool spool = Spool.open(dir, new Settings.Spool(100_000, 10_240));
                Set<String> present = new HashSet<>();
                for (Spool.Entry e : spool.pending()) {
                    JsonNode doc = json.readTree(spool.read(e));
                    assertThat(doc.get("id").asText()).as("whole and its own: " + e.file()).isEqualTo(e.id());
                    assertThat(Files.size(e.file())).isEqualTo(e.bytes());
                    present.add(e.id());
                }
                assertThat(present).as("round %d: every acknowledged report is there", round).containsAll(acknowledged);
                assertThat(present.size() - acknowledged.size()).as("at most the one being added when killed")
                        .isBetween(0, 1);
                acknowledged.addAll(present);
                try (var files = Files.list(dir)) {
                    assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
                }
            }
            assertThat(acknowledged).as("the writer got going each round").hasSizeGreaterThan(20);
        } finally {
            TempDirs.deleteTree(root);
        }
    }
}
