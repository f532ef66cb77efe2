package dev.port25.packaging;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Prerequisites;
import dev.port25.firewall.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built MSI's tables read back with msitools (`msiinfo export`), no Windows here to install
 * it on: the files, the components (the procrun values in a 32-bit one, the settings in one that
 * is never removed), the service and its control, the custom actions and where they run (undo on
 * full removal only, deferred, not impersonated, after the service stops and before the files go;
 * the recovery actions after the service is installed), the upgrade, the registry values procrun
 * reads, and the launch conditions. wixl drops some forms silently (docs/packages.md), so the
 * tables are what is tested, not wixl's exit code.
 */
@Tag("install")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MsiTablesIT {

    private static final CommandRunner RUNNER = new CommandRunner();
    private static final String PROCRUN = "SOFTWARE\\Apache Software Foundation\\Procrun 2.0\\port25-agent\\Parameters";

    private Path msi;
    private Path work;

    @BeforeAll
    void built() throws Exception {
        Prerequisites.require("msiinfo");
        msi = Packages.msi();
        work = Files.createTempDirectory("p25-msi-");
    }

    @AfterAll
    void clean() throws Exception {
        if (work != null) {
            Trees.delete(work);
        }
    }

    /** The rows of {@code table}, each as its columns (the three header lines left out). */
    private List<List<String>> rows(String table) throws Exception {
        CommandResult r = RUNNER.run("msiinfo", "export", msi.toString(), table);
        assertThat(r.ok()).as(r.describe()).isTrue();
        List<List<String>> out = new ArrayList<>();
        List<String> lines = r.stdoutLines();
        for (String line : lines.subList(3, lines.size())) {
            out.add(Arrays.asList(line.split("\t", -1)));
        }
        return out;
    }

    /** The rows of {@code table} by their first column. */
    private Map<String, List<String>> byKey(String table) throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (List<String> row : rows(table)) {
            out.put(row.get(0), row);
        }
        return out;
    }

    @Test
    void theFilesAreTheJarProcrunUnderTheServicesNameAndTheSettings() throws Exception {
        Map<String, List<String>> files = byKey("File");
        assertThat(files.keySet()).containsExactlyInAnyOrder("AgentJar", "ServiceExe", "ProcrunLicense",
                "ProcrunNotice", "AgentYml");
        assertThat(files.get("AgentJar").subList(1, 4)).containsExactly("Jar", "port25-agent.jar",
                Long.toString(Files.size(Path.of("../agent/target/port25-agent.jar"))));
        assertThat(files.get("ServiceExe").subList(1, 4)).containsExactly("Service", "port25-agent.exe",
                Long.toString(Files.size(Path.of("target/pkg/procrun/amd64/prunsrv.exe"))));
        assertThat(files.get("AgentYml").subList(1, 4)).containsExactly("Settings", "agent.yml",
                Long.toString(Files.size(Path.of("../config/src/main/resources/dev/port25/config/agent.yml"))));
    }

    @Test
    void componentsWhereTheyMustBe() throws Exception {
        Map<String, List<String>> c = byKey("Component");
        // Attributes 256: 64-bit; procrun (amd64 too) reads the 32-bit registry view (WOW6432Node)
        assertThat(c.get("Service").subList(2, 6)).containsExactly("INSTALLDIR", "256", "", "ServiceExe");
        assertThat(c.get("Jar").subList(2, 6)).containsExactly("INSTALLDIR", "256", "", "AgentJar");
        assertThat(Integer.parseInt(c.get("ServiceParameters").get(3)) & 256).as("32-bit").isZero();
        // no ComponentId: Windows Installer never removes it, so upgrades and removals keep the settings
        assertThat(c.get("Settings").subList(1, 4)).containsExactly("", "AGENTDATA", "256");
        Map<String, List<String>> dirs = byKey("Directory");
        assertThat(dirs.get("AGENTDATA").subList(1, 3)).containsExactly("CommonAppDataFolder", "port25-agent");
        assertThat(dirs.get("INSTALLDIR").subList(1, 3)).containsExactly("ProgramFiles64Folder", "port25-agent");
    }

    @Test
    void theServiceIsProcrunAsLocalSystemStartedAutomaticallyAndControlledByTheMsi() throws Exception {
        List<String> s = byKey("ServiceInstall").get("ServiceInstall");
        // Name, DisplayName, ServiceType 16 (own process), StartType 2 (auto), ErrorControl 1 (normal)
        assertThat(s.subList(1, 6)).containsExactly("port25-agent", "port25-agent", "16", "2", "1");
        assertThat(s.get(7)).isEqualTo("Tcpip[~]Afd[~][~]");
        assertThat(s.get(8)).isEqualTo("LocalSystem");
        assertThat(s.get(10)).isEqualTo("//RS//port25-agent");
        assertThat(s.get(11)).isEqualTo("Service");
        List<String> control = byKey("ServiceControl").get("ServiceControl");
        // 163 = start (1) and stop (2) on install, stop (32) and delete (128) on removal; Wait 1
        assertThat(control.subList(1, 6)).containsExactly("port25-agent", "163", "", "1", "Service");
    }

    @Test
    void procrunRunsTheAgentsServiceClassWithTheServiceJvmOptionsOnTheJavaFound() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        for (List<String> r : rows("Registry")) {
            assertThat(r.get(1)).as("HKLM").isEqualTo("2");
            values.put(r.get(2) + "\\" + r.get(3), r.get(4));
        }
        assertThat(values).containsEntry("SYSTEM\\CurrentControlSet\\Services\\port25-agent\\Parameters\\*", "");
        assertThat(values).containsEntry(PROCRUN + "\\Java\\Jvm", "[P25_JAVA_HOME]\\bin\\server\\jvm.dll")
                .containsEntry(PROCRUN + "\\Java\\Classpath", "[INSTALLDIR]port25-agent.jar")
                .containsEntry(PROCRUN + "\\Start\\Mode", "jvm").containsEntry(PROCRUN + "\\Stop\\Mode", "jvm")
                .containsEntry(PROCRUN + "\\Start\\Method", "start").containsEntry(PROCRUN + "\\Stop\\Method", "stop")
                .containsEntry(PROCRUN + "\\Stop\\Timeout", "#60")
                .containsEntry(PROCRUN + "\\Log\\Path", "[CommonAppDataFolder]port25-agent\\logs")
                .containsEntry(PROCRUN + "\\Log\\StdOutput", "auto").containsEntry(PROCRUN + "\\Log\\StdError", "auto");
        List<String> options = new ArrayList<>(List.of("-Xrs", "-Dport25.service=procrun"));
        for (String line : Files.readAllLines(Path.of("service.jvmopts"))) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                options.add(line.strip());
            }
        }
        options.add("-Xmx256m"); // the Windows service's heap ceiling: a read of the ActiveStore is parsed whole
        assertThat(values.get(PROCRUN + "\\Java\\Options")).isEqualTo(String.join("[~]", options));
        // and with exactly those options a read of 20000 rules, through the adapter and a stand-in
        // powershell.exe, fits in that heap (with service.jvmopts' -Xmx32m alone, 5000 did not)
        Path standIn = Files.createTempDirectory("p25-heap-");
        try {
            Path state = standIn.resolve("state.json");
            Files.writeString(state, SyntheticActiveStore.json(20000));
            Path ps = Files.writeString(standIn.resolve("powershell.exe"), "#!/bin/sh\ncat > /dev/null\nexec cat '"
                    + state + "'\n");
            assertThat(ps.toFile().setExecutable(true)).isTrue();
            List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            argv.addAll(List.of(values.get(PROCRUN + "\\Java\\Options").split("\\[~]")));
            argv.addAll(List.of("-cp", "../agent/target/port25-agent.jar" + File.pathSeparator + "target/test-classes",
                    "dev.port25.firewall.windows.ReadOfARuleset", standIn.toString()));
            CommandResult read = RUNNER.run(Command.of(argv).withTimeout(Duration.ofMinutes(3)));
            assertThat(read.exitCode()).as(read.describe()).isZero();
            assertThat(read.stdout()).startsWith("20000 rules read");
        } finally {
            Trees.delete(standIn);
        }
        // the class procrun is told to call has the methods it calls, in the jar the MSI carries
        String service = values.get(PROCRUN + "\\Start\\Class");
        assertThat(values.get(PROCRUN + "\\Stop\\Class")).isEqualTo(service);
        try (URLClassLoader jar = new URLClassLoader(new URL[] {Path.of("../agent/target/port25-agent.jar").toUri()
                .toURL()}, null)) {
            for (String name : List.of("start", "stop")) {
                Method m = Class.forName(service, false, jar).getMethod(name, String[].class);
                assertThat(Modifier.isStatic(m.getModifiers())).as(name).isTrue();
            }
        }
    }

    @Test
    void undoRunsOnFullRemovalOnlyDeferredNotImpersonatedBetweenTheServiceStopAndTheFiles() throws Exception {
        Map<String, List<String>> ca = byKey("CustomAction");
        // 3186 = 50 (an exe named by a property) + 64 (its exit code ignored) + 1024 (deferred) + 2048 (no impersonation)
        assertThat(ca.get("UndoEnforcement").subList(1, 4)).containsExactly("3186", "P25_JAVA_EXE",
                "-jar \"[INSTALLDIR]port25-agent.jar\" undo --state-dir \"[CommonAppDataFolder]port25-agent\"");
        assertThat(ca.get("SetJavaExe").subList(1, 4)).containsExactly("2099", "P25_JAVA_EXE",
                "[P25_JAVA_HOME]\\bin\\java.exe");
        // 3122 = 50 + 1024 + 2048: the recovery actions, a failure of which fails the install
        assertThat(ca.get("ServiceRecovery").subList(1, 4)).containsExactly("3122", "P25_SC_EXE",
                "failure port25-agent reset= 86400 actions= restart/10000/restart/10000/restart/60000");
        assertThat(ca.get("SetScExe").subList(1, 4)).containsExactly("2099", "P25_SC_EXE", "[SystemFolder]sc.exe");
        // the settings and state folder closed to all but SYSTEM and Administrators, by SID
        assertThat(ca.get("PrivateState").subList(1, 4)).containsExactly("3122", "P25_ICACLS_EXE",
                "\"[CommonAppDataFolder]port25-agent\" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F "
                        + "*S-1-5-32-544:(OI)(CI)F");
        assertThat(ca.get("SetIcaclsExe").subList(1, 4)).containsExactly("2099", "P25_ICACLS_EXE",
                "[SystemFolder]icacls.exe");
        // 2053 = 5 (JScript from the Binary table) + 2048
        assertThat(ca.get("FindJava").subList(1, 4)).containsExactly("2053", "FindJavaJs", "FindJava");

        Map<String, List<String>> seq = byKey("InstallExecuteSequence");
        assertThat(seq.get("UndoEnforcement").get(1))
                .isEqualTo("REMOVE=\"ALL\" AND NOT UPGRADINGPRODUCTCODE AND P25_JAVA_HOME");
        assertThat(at(seq, "StopServices")).isLessThan(at(seq, "UndoEnforcement"));
        assertThat(at(seq, "UndoEnforcement")).isLessThan(at(seq, "RemoveFiles"));
        assertThat(at(seq, "SetJavaExe")).isLessThan(at(seq, "UndoEnforcement"));
        assertThat(at(seq, "InstallServices")).isLessThan(at(seq, "ServiceRecovery"));
        assertThat(at(seq, "ServiceRecovery")).isLessThan(at(seq, "StartServices"));
        assertThat(at(seq, "SetScExe")).isLessThan(at(seq, "InstallInitialize"));
        assertThat(seq.get("ServiceRecovery").get(1)).isEqualTo("NOT REMOVE=\"ALL\"");
        assertThat(seq.get("PrivateState").get(1)).isEqualTo("NOT REMOVE=\"ALL\"");
        assertThat(at(seq, "InstallFiles")).isLessThan(at(seq, "PrivateState"));
        assertThat(at(seq, "PrivateState")).isLessThan(at(seq, "StartServices"));
        assertThat(at(seq, "SetIcaclsExe")).isLessThan(at(seq, "InstallInitialize"));
        for (Map<String, List<String>> s : List.of(seq, byKey("InstallUISequence"))) {
            assertThat(at(s, "FindJava")).isLessThan(at(s, "LaunchConditions"));
            assertThat(s.get("FindJava").get(1)).as("P25_JAVA_HOME given to msiexec wins")
                    .isEqualTo("NOT P25_JAVA_HOME");
        }
    }

    private static int at(Map<String, List<String>> sequence, String action) {
        assertThat(sequence).containsKey(action);
        return Integer.parseInt(sequence.get(action).get(2));
    }

    @Test
    void aMajorUpgradeReplacesAnOlderOneAndRefusesToDowngrade() throws Exception {
        List<List<String>> upgrade = rows("Upgrade");
        String code = "{5F49753C-6EDC-459D-8A2E-3C250000A9E1}";
        String version = Packages.version().replaceAll("^(\\d+\\.\\d+\\.\\d+).*", "$1");
        assertThat(upgrade).containsExactlyInAnyOrder(
                List.of(code, "", version, "", "1", "", "WIX_UPGRADE_DETECTED"),
                List.of(code, version, "", "", "2", "", "WIX_DOWNGRADE_DETECTED"));
        Map<String, List<String>> seq = byKey("InstallExecuteSequence");
        assertThat(at(seq, "InstallValidate")).isLessThan(at(seq, "RemoveExistingProducts"));
        assertThat(at(seq, "RemoveExistingProducts")).isLessThan(at(seq, "InstallInitialize"));
        assertThat(byKey("Property").get("UpgradeCode").get(1)).isEqualTo(code);
        assertThat(byKey("Property").get("ProductVersion").get(1)).isEqualTo(version);
    }

    @Test
    void withoutAJava17RuntimeTheInstallIsRefusedWithWhy() throws Exception {
        Map<String, List<String>> conditions = byKey("LaunchCondition");
        assertThat(conditions).containsKeys("Installed OR P25_JAVA_HOME", "Installed OR (VersionNT64 >= 603)",
                "NOT WIX_DOWNGRADE_DETECTED");
        assertThat(conditions.get("Installed OR P25_JAVA_HOME").get(1)).contains("Java 17.0.11 or later", "JAVA_HOME",
                "[P25_JAVA_SEEN]");
        // the script the MSI runs is the one in the source tree, byte for byte
        CommandResult r = RUNNER.run("msiinfo", "extract", msi.toString(), "Binary.FindJavaJs");
        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stdout()).isEqualTo(Files.readString(Path.of("src/msi/find-java.js")));
    }
}
