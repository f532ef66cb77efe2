package dev.port25.agent.cli;

import dev.port25.agent.settings.AgentPaths;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --state-dir DIR}: where the enforcement journal and the report spool live. */
final class StateDirOption {

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the agent keeps its state: the enforcement journal (enforcement.json) and the "
                    + "report spool (spool/). Default: /var/lib/port25-agent (Windows: %%ProgramData%%\\port25-agent).")
    Path dir = AgentPaths.current().stateDir();
}
