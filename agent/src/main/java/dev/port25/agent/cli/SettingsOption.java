package dev.port25.agent.cli;

import dev.port25.agent.settings.SettingsException;
import dev.port25.agent.settings.SettingsLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** {@code --config FILE}, shared by the commands that read the settings. */
final class SettingsOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file. Default: /etc/port25-agent/agent.yml (Windows: "
                    + "%%ProgramData%%\\port25-agent\\agent.yml) if it exists, else the built-in "
                    + "defaults (audit mode, port 25, every host NONE).")
    Path file;

    /** The settings; on a bad file the error (file, line, key) is thrown for the caller to print. */
    SettingsLoader.Loaded load() throws SettingsException {
        return SettingsLoader.load(Optional.ofNullable(file));
    }
}
