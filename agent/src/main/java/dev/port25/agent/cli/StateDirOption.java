package dev.port25.agent.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --state-dir DIR}: where the enforcement journal lives. */
final class StateDirOption {

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the enforcement journal (enforcement.json) is kept. Default: ${DEFAULT-VALUE}.")
    Path dir = Path.of("/var/lib/port25-agent");
}
