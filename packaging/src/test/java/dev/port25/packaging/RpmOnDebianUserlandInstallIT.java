package dev.port25.packaging;

import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rpm's scriptlets against a real systemd: the rpm installed with Debian's rpm ({@code rpm -i
 * --nodeps}: the Java runtime it requires is there under a Debian name) into the same booted
 * Debian 12 as {@link DebInstallIT}, then upgraded and erased. This is an rpm on a Debian
 * userland, not a RHEL, Fedora or SUSE host: it proves the scriptlets, the unit, the preset and the
 * file layout under systemd, not those distributions' Java package names.
 */
class RpmOnDebianUserlandInstallIT extends BootedInstallTest {

    @Override
    Path builtPackage() {
        return Packages.rpm();
    }

    @Test
    @Order(1)
    void installEnablesByPresetAndStartsTheHardenedServiceInAuditMode() throws Exception {
        box.ok("rpm", "-i", "--nodeps", pkg);

        service.runsHardenedInAuditMode(rulesetBeforeInstall);
        assertThat(box.ok("rpm", "-q", "port25-agent").strip()).isEqualTo("port25-agent-" + Packages.version() + "-1.noarch");
    }

    @Test
    @Order(2)
    void enforceModeAndAReloadCloseTheListenerToThePeerOverBothFamilies() throws Exception {
        service.enforcesAfterAReload(rulesetBeforeInstall);
    }

    @Test
    @Order(3)
    void upgradingKeepsTheEditedSettingsAndRestartsTheService() throws Exception {
        String edited = service.editSettings();
        String pid = service.mainPid();

        box.ok("rpm", "-U", "--replacepkgs", "--nodeps", pkg);

        service.keptSettingsAndRestarted(edited, pid);
        assertThat(box.file(InstalledService.SETTINGS + ".rpmnew")).as("the packaged file did not change").doesNotExist();
    }

    @Test
    @Order(4)
    void aJavaPackageInstalledLaterTriggersANewArchive(@TempDir Path top) throws Exception {
        // a stand-in rpm with the name of RHEL's and Fedora's Java 17 runtime, built here with rpmbuild
        Path spec = top.resolve("java.spec");
        Files.writeString(spec, "Name: java-17-openjdk-headless\nVersion: 17.0.99\nRelease: 1\n"
                + "Summary: stand-in for the trigger test\nLicense: none\nBuildArch: noarch\n"
                + "%description\nstand-in\n%files\n");
        CommandResult built = new CommandRunner().run("rpmbuild", "-bb",
                "--define", "_topdir " + top, spec.toString());
        assertThat(built.exitCode()).as(built.describe()).isZero();
        for (Path archive : box.cdsArchives()) {
            Files.delete(archive);
        }

        box.ok("rpm", "-i", "--nodeps", box.copyIn(top.resolve("RPMS/noarch/java-17-openjdk-headless-17.0.99-1.noarch.rpm")));

        assertThat(box.cdsArchives()).as("made again by %triggerin").hasSize(1);
        box.ok("rpm", "-e", "--nodeps", "java-17-openjdk-headless");
    }

    @Test
    @Order(5)
    void erasingStopsTheServiceAndLeavesTheRulesetAsBeforeTheInstall() throws Exception {
        CommandResult erased = box.run(Duration.ofSeconds(120), "rpm", "-e", "--nodeps", "port25-agent");
        assertThat(erased.exitCode()).as(erased.describe()).isZero();

        service.goneAndFirewallAsBefore(rulesetBeforeInstall);
        assertThat(box.property(InstalledService.UNIT, "UnitFileState")).isNotEqualTo("enabled");
        assertThat(box.file(InstalledService.SETTINGS + ".rpmsave")).as("the edited settings, kept by rpm").isRegularFile();
    }
}
