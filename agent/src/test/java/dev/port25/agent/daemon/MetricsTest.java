package dev.port25.agent.daemon;

import dev.port25.agent.policy.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {

    @Test
    void theTextfileIsReadableByAllWhateverTheModeItsTemporaryFileWasMadeWith(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("port25.prom");
        // what a umask of 0077 (the service's) gives a new file
        Files.createFile(dir.resolve(".port25.prom.tmp"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));

        Metrics.write(target, new Metrics.Snapshot(Verdict.OK, 0, List.of(), Instant.EPOCH,
                Optional.empty(), 0, 0));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(target)).contains("port25_verdict 0\n");
        assertThat(dir.resolve(".port25.prom.tmp")).doesNotExist();
    }
}
