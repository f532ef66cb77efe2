package dev.port25.agent.settings;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the agent keeps its files when the command line does not say: on Linux the settings in
 * {@code /etc/port25-agent/agent.yml} and the state (the undo journal, the report spool, the
 * daemon's state) in {@code /var/lib/port25-agent}; on Windows both under
 * {@code %ProgramData%\port25-agent\} (the MSI installs {@code agent.yml} there).
 */
public final class AgentPaths {

    private static final AgentPaths CURRENT = of(System.getProperty("os.name", ""), System.getenv());

    private final Path settingsFile;
    private final Path stateDir;

    private AgentPaths(Path settingsFile, Path stateDir) {
        this.settingsFile = settingsFile;
        this.stateDir = stateDir;
    }

    /** This host's. */
    public static AgentPaths current() {
        return CURRENT;
    }

    /** The paths of an OS named {@code osName} with {@code env} (for ProgramData). */
    static AgentPaths of(String osName, Map<String, String> env) {
        if (osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            // %ProgramData%, which Windows sets for every process (C:\ProgramData unless moved)
            String programData = Optional.ofNullable(env.get("ProgramData")).or(() -> Optional.ofNullable(
                    env.get("PROGRAMDATA"))).filter(s -> !s.isBlank()).orElse("C:\\ProgramData");
            Path home = Path.of(programData, "port25-agent");
            return new AgentPaths(home.resolve("agent.yml"), home);
        }
        return new AgentPaths(Path.of("/etc/port25-agent/agent.yml"), Path.of("/var/lib/port25-agent"));
    }

    /** The settings file read when {@code --config} does not name one. */
    public Path settingsFile() {
        return settingsFile;
    }

    /** The state folder used when {@code --state-dir} does not name one. */
    public Path stateDir() {
        return stateDir;
    }
}
