package dev.port25.agent.settings;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The default paths per OS; Windows' from %ProgramData% as Windows sets it (no Windows here). */
class AgentPathsTest {

    @Test
    void onLinuxTheSettingsAreInEtcAndTheStateInVarLib() {
        AgentPaths p = AgentPaths.of("Linux", Map.of("ProgramData", "C:\\ProgramData"));
        assertThat(p.settingsFile()).isEqualTo(Path.of("/etc/port25-agent/agent.yml"));
        assertThat(p.stateDir()).isEqualTo(Path.of("/var/lib/port25-agent"));
    }

    @Test
    void onWindowsBothAreUnderProgramDataWhereverItWasMoved() {
        AgentPaths moved = AgentPaths.of("Windows Server 2022", Map.of("ProgramData", "D:\\Data"));
        assertThat(moved.stateDir()).isEqualTo(Path.of("D:\\Data", "port25-agent"));
        assertThat(moved.settingsFile()).isEqualTo(Path.of("D:\\Data", "port25-agent").resolve("agent.yml"));
        // as a map handed in (not System.getenv, which on Windows ignores case), either spelling
        assertThat(AgentPaths.of("Windows 10", Map.of("PROGRAMDATA", "E:\\PD")).stateDir())
                .isEqualTo(Path.of("E:\\PD", "port25-agent"));
        // unset or blank: where Windows puts it unless moved
        for (Map<String, String> env : java.util.List.of(Map.<String, String>of(), Map.of("ProgramData", " "))) {
            assertThat(AgentPaths.of("Windows 11", env).stateDir()).isEqualTo(Path.of("C:\\ProgramData", "port25-agent"));
        }
    }
}
