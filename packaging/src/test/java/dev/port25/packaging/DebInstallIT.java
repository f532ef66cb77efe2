package dev.port25.packaging;

import dev.port25.firewall.exec.CommandResult;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deb installed with dpkg into a booted Debian 12 (systemd as PID 1, {@link BootedDebian}): the
 * service runs hardened in audit mode, enforces after a reload, is restarted by its watchdog, keeps
 * an edited agent.yml over a reinstall, and leaves the firewall as it found it when removed. The
 * steps run in order on one container; each needs the ones before it.
 */
class DebInstallIT extends BootedInstallTest {

    private static final String UNIT = InstalledService.UNIT;

    @Override
    Path builtPackage() {
        return Packages.deb();
    }

    @Test
    @Order(1)
    void installStartsTheHardenedServiceInAuditMode() throws Exception {
        box.ok("dpkg", "-i", pkg);

        service.runsHardenedInAuditMode(rulesetBeforeInstall);
        for (String page : Packages.manPages()) {
            assertThat(box.file("/usr/share/man/man1/" + page + ".1.gz")).as(page).isRegularFile();
        }
        assertThat(box.file("/usr/share/bash-completion/completions/port25-agent")).isRegularFile();
        assertThat(box.file("/usr/share/zsh/vendor-completions/_port25-agent")).isRegularFile();
    }

    @Test
    @Order(2)
    void theLauncherRefusesAnOldJavaAndRunsWithoutItsArchiveWhenThatIsMissingOrStale() throws Exception {
        Path fake = box.file("/root/jdk11/bin/java");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "#!/bin/sh\necho 'this old java must not be started' >&2\nexit 99\n");
        fake.toFile().setExecutable(true);
        Files.writeString(box.file("/root/jdk11/release"), "JAVA_VERSION=\"11.0.2\"\n");
        CommandResult old = box.run(Duration.ofSeconds(30), "env", "JAVA_HOME=/root/jdk11", "port25-agent", "version");
        assertThat(old.exitCode()).isEqualTo(3);
        assertThat(old.stderr().strip().lines()).singleElement().asString()
                .contains("needs Java 17 or newer, found Java 11 at /root/jdk11/bin/java");

        String version = box.ok("port25-agent", "version");
        // an older distribution default beside a Java 17 (the container's 17 is on PATH, through the
        // alternatives; it has no default-java, since default-jre-headless is not installed)
        assertThat(box.file("/usr/lib/jvm/default-java")).doesNotExist();
        box.ok("ln", "-s", "/root/jdk11", "/usr/lib/jvm/default-java");
        try {
            assertThat(box.ok("port25-agent", "version")).isEqualTo(version);
        } finally {
            box.ok("rm", "/usr/lib/jvm/default-java");
        }

        Path archive = box.cdsArchives().get(0);
        // A stale archive: made by this JVM for a copy of the jar elsewhere, so its class path
        // differs. Renamed into place, as make-cds-archive does: the running daemon has the old one
        // mapped, and a file truncated under a JVM's mapping crashes that JVM.
        box.ok("cp", "/usr/share/port25-agent/port25-agent.jar", "/root/copy.jar");
        box.ok("java", "-XX:ArchiveClassesAtExit=/root/stale.jsa", "-jar", "/root/copy.jar", "version");
        Files.move(box.file("/root/stale.jsa"), archive, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        assertThat(box.run(Duration.ofSeconds(30), "port25-agent", "version"))
                .satisfies(r -> assertThat(r.exitCode()).as(r.describe()).isZero())
                .satisfies(r -> assertThat(r.stdout()).isEqualTo(version))
                .satisfies(r -> assertThat(r.stderr()).isEmpty());
        Files.delete(archive);
        assertThat(box.ok("port25-agent", "version")).isEqualTo(version);

        // a JVM installed or upgraded under /usr/lib/jvm activates the package's file trigger
        box.ok("dpkg-trigger", "--no-await", "/usr/lib/jvm");
        box.ok("dpkg", "--triggers-only", "--pending");
        assertThat(box.cdsArchives()).as("made again by the trigger").hasSize(1);
    }

    @Test
    @Order(3)
    void enforceModeAndAReloadCloseTheListenerToThePeerOverBothFamilies() throws Exception {
        service.enforcesAfterAReload(rulesetBeforeInstall);
    }

    @Test
    @Order(4)
    void theWatchdogRestartsADaemonThatStoppedAnswering() throws Exception {
        String pid = box.property(UNIT, "MainPID");
        box.ok("systemctl", "kill", "--kill-who=main", "--signal=SIGSTOP", UNIT);

        BootedDebian.waitFor("a new main process after the watchdog's timeout", Duration.ofSeconds(60),
                () -> !box.property(UNIT, "MainPID").equals(pid) && box.property(UNIT, "ActiveState").equals("active")
                        && !box.property(UNIT, "MainPID").equals("0"));
        assertThat(box.journal(UNIT)).contains("Failed with result 'watchdog'");
        assertThat(Integer.parseInt(box.property(UNIT, "NRestarts"))).isGreaterThanOrEqualTo(1);
        assertThat(box.probeBoth()).as("the rules stay while the daemon restarts").isEqualTo(InstalledService.BLOCKED);
    }

    @Test
    @Order(5)
    void upgradingKeepsTheEditedSettingsRestartsTheServiceAndRemakesTheArchive(@TempDir Path tmp) throws Exception {
        String newer = Packages.version() + "+upgrade1";
        String upgrade = box.copyIn(Packages.withVersion(Packages.deb(), newer, tmp));
        String edited = service.editSettings();
        String pid = service.mainPid();
        Path archive = box.cdsArchives().get(0);
        Object inode = Files.getAttribute(archive, "unix:ino");

        box.ok("dpkg", "-i", upgrade);

        assertThat(box.ok("dpkg-query", "-W", "-f", "${Version}", "port25-agent")).isEqualTo(newer);
        service.keptSettingsAndRestarted(edited, pid);
        assertThat(box.cdsArchives()).hasSize(1);
        assertThat(Files.getAttribute(box.cdsArchives().get(0), "unix:ino")).as("the archive made again").isNotEqualTo(inode);
    }

    @Test
    @Order(6)
    void removingStopsTheServiceAndLeavesTheRulesetAsBeforeTheInstall() throws Exception {
        CommandResult removed = box.run(Duration.ofSeconds(120), "dpkg", "-r", "port25-agent");
        assertThat(removed.exitCode()).as(removed.describe()).isZero();

        service.goneAndFirewallAsBefore(rulesetBeforeInstall);
        assertThat(box.file("/etc/port25-agent/agent.yml")).as("a conffile stays until purge").isRegularFile();
    }

    @Test
    @Order(7)
    void purgingRemovesTheSettingsAndTheState() throws Exception {
        box.ok("dpkg", "-P", "port25-agent");

        assertThat(box.file("/etc/port25-agent")).doesNotExist();
        assertThat(box.file("/var/lib/port25-agent")).doesNotExist();
        assertThat(box.file("/var/cache/port25-agent")).doesNotExist();
    }

    @Test
    @Order(8)
    void aFailedUndoDoesNotFailTheRemovalAndSaysSo() throws Exception {
        box.ok("dpkg", "-i", pkg);
        assertThat(box.property(UNIT, "ActiveState")).isEqualTo("active");
        Files.writeString(box.file("/var/lib/port25-agent/enforcement.json"), "{ not a journal");

        CommandResult removed = box.run(Duration.ofSeconds(120), "dpkg", "-r", "port25-agent");

        assertThat(removed.exitCode()).as(removed.describe()).isZero();
        assertThat(removed.stderr()).contains("'port25-agent undo' failed", "/var/lib/port25-agent/enforcement.json");
        assertThat(box.property(UNIT, "ActiveState")).isIn("inactive", "failed");
        assertThat(box.file("/var/lib/port25-agent/enforcement.json")).as("kept until purge").isRegularFile();
        CommandResult purged = box.run(Duration.ofSeconds(60), "dpkg", "-P", "port25-agent");
        assertThat(purged.exitCode()).as(purged.describe()).isZero();
        assertThat(purged.stderr()).contains("could not remove goes with the purge");
    }
}
