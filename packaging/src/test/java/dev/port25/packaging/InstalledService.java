package dev.port25.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.firewall.exec.CommandResult;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks both packages' install tests make of the installed service, whichever package manager put it there. */
final class InstalledService {

    static final String UNIT = "port25-agent.service";
    /** The agent's block drops: the peer's connection attempts time out. */
    static final String BLOCKED = "ipv4=timeout ipv6=timeout";
    static final String SETTINGS = "/etc/port25-agent/agent.yml";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BootedDebian box;

    InstalledService(BootedDebian box) {
        this.box = box;
    }

    /** Active and enabled, `status --json` shows the daemon running in audit mode, the firewall untouched, the unit hardened. */
    void runsHardenedInAuditMode(String rulesetBeforeInstall) throws Exception {
        assertThat(box.property(UNIT, "ActiveState")).as(box.journal(UNIT)).isEqualTo("active");
        assertThat(box.property(UNIT, "UnitFileState")).isEqualTo("enabled");
        JsonNode daemon = status().path("daemon");
        assertThat(daemon.path("running").asBoolean()).as(daemon.toString()).isTrue();
        assertThat(daemon.path("mode").asText()).isEqualTo("audit");
        assertThat(box.ruleset()).as("audit mode changes nothing").isEqualTo(rulesetBeforeInstall);
        assertThat(box.securityExposure(UNIT)).isLessThanOrEqualTo(3.0);
        assertThat(Files.getPosixFilePermissions(box.file("/var/lib/port25-agent")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE);
        assertThat(box.cdsArchives()).as("the launcher's class-data archive, made at install").hasSize(1);
    }

    /** A listener on 0.0.0.0:25 and [::]:25, open to the peer; `mode: enforce` and a reload close it over both families. */
    void enforcesAfterAReload(String rulesetBeforeInstall) throws Exception {
        box.listenOnPort25();
        assertThat(box.probeBoth()).isEqualTo("ipv4=open ipv6=open");
        String settings = box.readOrEmpty(SETTINGS);
        assertThat(settings).contains("\nmode: audit\n");
        Files.writeString(box.file(SETTINGS), settings.replace("\nmode: audit\n", "\nmode: enforce\n"));

        box.ok("systemctl", "reload", UNIT);

        BootedDebian.waitFor("the peer's connections blocked", Duration.ofSeconds(20),
                () -> box.probeBoth().equals(BLOCKED));
        assertThat(status().path("daemon").path("mode").asText()).isEqualTo("enforce");
        assertThat(box.ruleset()).isNotEqualTo(rulesetBeforeInstall);
    }

    /** The settings with a line added, written back; the new text. */
    String editSettings() throws Exception {
        String edited = box.readOrEmpty(SETTINGS) + "# edited by the install test\n";
        Files.writeString(box.file(SETTINGS), edited);
        return edited;
    }

    /** After an upgrade or reinstall: the edited settings kept, the service restarted and enforcing. */
    void keptSettingsAndRestarted(String edited, String pidBefore) throws Exception {
        assertThat(box.readOrEmpty(SETTINGS)).isEqualTo(edited);
        assertThat(box.property(UNIT, "ActiveState")).as(box.journal(UNIT)).isEqualTo("active");
        assertThat(box.property(UNIT, "MainPID")).as("restarted").isNotEqualTo(pidBefore);
        assertThat(status().path("daemon").path("mode").asText()).isEqualTo("enforce");
    }

    /** After removal: the service stopped, the ruleset as before the install, the peer's connections open again. */
    void goneAndFirewallAsBefore(String rulesetBeforeInstall) throws Exception {
        assertThat(box.property(UNIT, "ActiveState")).isIn("inactive", "failed");
        assertThat(box.ruleset()).isEqualTo(rulesetBeforeInstall);
        assertThat(box.probeBoth()).isEqualTo("ipv4=open ipv6=open");
        assertThat(box.file("/usr/share/port25-agent/port25-agent.jar")).doesNotExist();
    }

    String mainPid() throws Exception {
        return box.property(UNIT, "MainPID");
    }

    JsonNode status() throws Exception {
        CommandResult r = box.run(Duration.ofSeconds(60), "port25-agent", "status", "--json");
        assertThat(r.exitCode()).as("a verdict, not UNKNOWN: " + r.describe()).isBetween(0, 2);
        return JSON.readTree(r.stdout());
    }
}
