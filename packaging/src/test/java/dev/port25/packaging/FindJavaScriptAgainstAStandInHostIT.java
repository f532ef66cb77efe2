package dev.port25.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MSI's JScript custom action (src/msi/find-java.js), run by node against a stand-in for the
 * Windows Installer's JScript host written from Microsoft's documented objects (no Windows here;
 * src/test/resources/msi/jscript-host.js): which Java runtime it takes for the service, and what
 * it says when there is none it may take.
 */
@Tag("install")
class FindJavaScriptAgainstAStandInHostIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JDK17 = "C:\\Program Files\\Eclipse Adoptium\\jdk-17.0.15.6-hotspot";
    private static final String JDK21 = "C:\\Program Files\\Java\\jdk-21";

    private ObjectNode world;

    @BeforeEach
    void node() {
        Prerequisites.require("node");
        world = JSON.createObjectNode();
        world.putObject("env");
        world.putObject("files");
        world.putObject("registry64");
        world.putObject("registry32");
        world.put("wmi", true);
    }

    /** A runtime at {@code home}: its release file, and its jvm.dll and java.exe when {@code whole}. */
    private void runtime(String home, String javaVersion, boolean whole) {
        runtime(home, javaVersion, "amd64", whole);
    }

    private void runtime(String home, String javaVersion, String arch, boolean whole) {
        ObjectNode files = (ObjectNode) world.get("files");
        files.put(home + "\\release", "IMPLEMENTOR=\"Eclipse Adoptium\"\r\nJAVA_VERSION=\"" + javaVersion
                + "\"\r\nOS_ARCH=\"" + arch + "\"\r\n");
        if (whole) {
            files.put(home + "\\bin\\server\\jvm.dll", "");
            files.put(home + "\\bin\\java.exe", "");
        }
    }

    private Map<String, String> run() throws Exception {
        CommandResult r = new CommandRunner().run("node", "src/test/resources/msi/jscript-host.js",
                "src/msi/find-java.js", JSON.writeValueAsString(world));
        assertThat(r.ok()).as(r.describe()).isTrue();
        JsonNode out = JSON.readTree(r.stdout());
        assertThat(out.get("returned").asInt()).as("the action succeeds; the launch condition refuses").isEqualTo(1);
        return JSON.convertValue(out.get("properties"), JSON.getTypeFactory()
                .constructMapType(Map.class, String.class, String.class));
    }

    @Test
    void javaHomeWithAJava17RuntimeIsTakenWithoutItsTrailingBackslash() throws Exception {
        runtime(JDK17, "17.0.15", true);
        ((ObjectNode) world.get("env")).put("JAVA_HOME", JDK17 + "\\");
        assertThat(run()).isEqualTo(Map.of("P25_JAVA_HOME", JDK17));
    }

    @Test
    void anOlderJavaHomeGivesWayToTheJdkThe64BitRegistryNames() throws Exception {
        runtime("C:\\jdk8", "1.8.0_402", true);
        ((ObjectNode) world.get("env")).put("JAVA_HOME", "C:\\jdk8");
        runtime(JDK21, "21.0.5", true);
        ((ObjectNode) world.get("registry64")).put("SOFTWARE\\JavaSoft\\JDK\\CurrentVersion", "21")
                .put("SOFTWARE\\JavaSoft\\JDK\\21\\JavaHome", JDK21);
        assertThat(run()).isEqualTo(Map.of("P25_JAVA_HOME", JDK21));
    }

    @Test
    void theRegistryIsReadIn64BitViewNeverWow6432Node() throws Exception {
        runtime(JDK21, "21.0.5", true);
        ((ObjectNode) world.get("registry32")).put("SOFTWARE\\JavaSoft\\JDK\\CurrentVersion", "21")
                .put("SOFTWARE\\JavaSoft\\JDK\\21\\JavaHome", JDK21);
        assertThat(run()).isEqualTo(Map.of("P25_JAVA_SEEN", "No JAVA_HOME and no JavaSoft registry key."));
    }

    @Test
    void whatIsRefusedIsSaidForTheMessage() throws Exception {
        runtime("C:\\jdk8", "1.8.0_402", true);
        ((ObjectNode) world.get("env")).put("JAVA_HOME", "C:\\jdk8");
        runtime(JDK17, "17.0.15", false);
        ((ObjectNode) world.get("registry64")).put("SOFTWARE\\JavaSoft\\JRE\\CurrentVersion", "17")
                .put("SOFTWARE\\JavaSoft\\JRE\\17\\JavaHome", JDK17);
        assertThat(run()).isEqualTo(Map.of("P25_JAVA_SEEN", "Seen and refused: C:\\jdk8 is Java 8; " + JDK17
                + " lacks bin\\server\\jvm.dll or bin\\java.exe."));
        // 17 before 17.0.11 lacks an option of the service's; a 32-bit runtime cannot be loaded by procrun
        world.putObject("files");
        world.putObject("registry64");
        runtime("C:\\jdk8", "17.0.5", true);
        runtime(JDK17, "17.0.15", "x86", true);
        ((ObjectNode) world.get("registry64")).put("SOFTWARE\\JavaSoft\\JRE\\CurrentVersion", "17")
                .put("SOFTWARE\\JavaSoft\\JRE\\17\\JavaHome", JDK17);
        assertThat(run()).isEqualTo(Map.of("P25_JAVA_SEEN", "Seen and refused: C:\\jdk8 is Java 17.0.5 (17.0.11 or "
                + "later is needed); " + JDK17 + " is built for x86, not amd64."));
        // an empty release file, a release file with no version
        ((ObjectNode) world.get("files")).put("C:\\jdk8\\release", "").put(JDK17 + "\\release", "IMPLEMENTOR=x\r\n");
        assertThat(run()).isEqualTo(Map.of("P25_JAVA_SEEN", "Seen and refused: C:\\jdk8 has no JAVA_VERSION in its "
                + "release file; " + JDK17 + " has no JAVA_VERSION in its release file."));
        // without WMI the registry is not read, and JAVA_HOME alone decides
        world.put("wmi", false);
        runtime("C:\\jdk8", "1.8.0_402", true);
        assertThat(run()).isEqualTo(Map.of("P25_JAVA_SEEN", "Seen and refused: C:\\jdk8 is Java 8."));
    }

    @Test
    void aSearchThatFailsIsNeverAnErrorOfTheInstallOrTheRemoval() throws Exception {
        ((ObjectNode) world.get("env")).put("JAVA_HOME", "C:\\jdk");
        ((ObjectNode) world.get("files")).putNull("C:\\jdk\\release"); // ReadAll of an unreadable file throws
        assertThat(run()).isEqualTo(Map.of("P25_JAVA_SEEN", "Seen and refused: C:\\jdk has a release file that "
                + "cannot be read."));
        world.putArray("blocked").add("Scripting.FileSystemObject");
        assertThat(run()).isEqualTo(Map.of("P25_JAVA_SEEN", "The search failed: Automation server can't create "
                + "object."));
    }
}
