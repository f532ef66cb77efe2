package dev.port25.firewall.spi;

import dev.port25.firewall.exec.CommandRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared part of detection, against real programs from coreutils standing in for a backend's tool. */
class DetectorTest {

    private static final Pattern VERSION = Pattern.compile("tool v(\\S+)");

    private final Detector detector = new Detector("demo", new CommandRunner(), "demo-tool", "demo-package");

    @Test
    void aMissingProgramIsNotInstalledAndNamesThePackage() {
        Detection d = detector.detect(List.of("port25-no-such-tool", "--version"), VERSION,
                m -> new Detection("demo", true, true, Optional.of(m.group(1)), "never reached"));
        assertThat(d).isEqualTo(new Detection("demo", false, false, Optional.empty(),
                "demo-tool not found: install the demo-package package"));
    }

    @Test
    void aVersionCommandThatShowsNoVersionIsNotInstalledWithWhatItSaid() {
        Detection d = detector.detect(List.of("sh", "-c", "echo something else; echo oops >&2; exit 3"), VERSION,
                m -> new Detection("demo", true, true, Optional.empty(), "never reached"));
        assertThat(d.installed()).isFalse();
        assertThat(d.active()).isFalse();
        assertThat(d.detail()).isEqualTo("sh -c echo something else; echo oops >&2; exit 3: "
                + "'sh -c echo something else; echo oops >&2; exit 3' exited 3: oops");
        Detection zeroButNoMatch = detector.detect(List.of("echo", "something else"), VERSION,
                m -> new Detection("demo", true, true, Optional.empty(), "never reached"));
        assertThat(zeroButNoMatch.installed()).as(zeroButNoMatch.detail()).isFalse();
    }

    @Test
    void theBackendsProbeGetsTheVersionMatch() {
        Detection d = detector.detect(List.of("echo", "tool v1.2.3 (extra)"), VERSION,
                m -> new Detection("demo", true, true, Optional.of(m.group(1)), "it answered"));
        assertThat(d).isEqualTo(new Detection("demo", true, true, Optional.of("1.2.3"), "it answered"));
    }

    @Test
    void aProbeCommandThatCannotRunIsNeverThrown(@TempDir Path dir) throws Exception {
        Path notExecutable = Files.writeString(dir.resolve("tool"), "#!/bin/sh\n");
        Detection missing = detector.detect(() -> {
            new CommandRunner().run("port25-no-such-helper");
            return new Detection("demo", true, true, Optional.empty(), "never reached");
        });
        assertThat(missing.detail()).isEqualTo("demo-tool not found: install the demo-package package");
        Detection unstartable = detector.detect(() -> {
            new CommandRunner().run(notExecutable.toString());
            return new Detection("demo", true, true, Optional.empty(), "never reached");
        });
        assertThat(unstartable.installed()).isFalse();
        assertThat(unstartable.detail()).contains(notExecutable.toString());
    }
}
