package dev.port25.agent.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/** MachineGuid as the registry holds it (values written by hand; the live read runs on Windows only). */
class WindowsMachineGuidHandWrittenTest {

    @Test
    void aGuidIsThirtyTwoLowercaseHexDigitsAndAnythingElseIsNoId() {
        assertThat(WindowsMachineGuid.normalize("6B29FC40-CA47-1067-B31D-00DD010662DA"))
                .contains("6b29fc40ca471067b31d00dd010662da");
        assertThat(WindowsMachineGuid.normalize("{6b29fc40-ca47-1067-b31d-00dd010662da}\n"))
                .contains("6b29fc40ca471067b31d00dd010662da");
        assertThat(WindowsMachineGuid.normalize("")).isEmpty();
        assertThat(WindowsMachineGuid.normalize("6B29FC40-CA47-1067-B31D")).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void liveOnWindowsTheRegistryHasOne() {
        assertThat(WindowsMachineGuid.read()).isPresent();
    }
}
