package dev.port25.agent;

import dev.port25.agent.daemon.StateFile;
import dev.port25.agent.platform.ProcrunServiceHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Windows service's entry points against procrun's documented jvm-mode contract (no
 * Windows or procrun here; commons-daemon's procrun.xml): {@code start(String[])} runs on a
 * thread of procrun's and does not return until the service is to end; {@code stop(String[])},
 * called on another thread, ends it, and {@code start} then returns.
 */
class WindowsServiceProcrunContractTest {

    @AfterEach
    void clear() {
        System.clearProperty(ProcrunServiceHost.PROPERTY);
    }

    private static Thread start(Path state, Path settings) {
        Thread t = new Thread(() -> WindowsService.start(new String[] {"--config", settings.toString(),
                "--state-dir", state.toString()}), "procrun-start");
        t.start();
        return t;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void startRunsTheDaemonUntilTheServiceManagersStop(@TempDir Path dir) throws Exception {
        System.setProperty(ProcrunServiceHost.PROPERTY, "procrun");
        Path settings = Files.writeString(dir.resolve("agent.yml"), "mode: audit\n");
        Path state = dir.resolve("state");
        Thread service = start(state, settings);
        Instant deadline = Instant.now().plusSeconds(30);
        while (!Files.exists(state.resolve(StateFile.NAME)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(state.resolve(StateFile.NAME)).as("the daemon started and wrote its state").exists();
        service.join(Duration.ofMillis(500).toMillis());
        assertThat(service.isAlive()).as("start does not return while the service runs").isTrue();
        WindowsService.stop(new String[0]);
        service.join(Duration.ofSeconds(30).toMillis());
        assertThat(service.isAlive()).as("start returns after stop").isFalse();
        assertThat(Files.readString(state.resolve(StateFile.NAME))).as("the state says it stopped")
                .containsPattern("\"running\" *: *false");
        // procrun never rotates the stdout it redirects: the service's log is its own daily file
        String log;
        try (Stream<Path> days = Files.list(state.resolve("logs"))) {
            log = days.filter(p -> p.getFileName().toString().matches("port25-agent\\.\\d{4}-\\d\\d-\\d\\d\\.log"))
                    .map(WindowsServiceProcrunContractTest::read).collect(Collectors.joining());
        }
        assertThat(log).containsPattern("Z info started: settings ").containsPattern("Z info stopped\\R");
    }
}
