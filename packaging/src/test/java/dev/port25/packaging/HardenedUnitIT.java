package dev.port25.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.firewall.exec.CommandResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under the installed unit's hardening (systemd-analyze security 3.0 or lower), the agent still does
 * everything its role needs, with each Linux backend in turn, each in a container of its own: the
 * service enforces through the backend the settings pin (the peer's connections blocked over IPv4
 * and IPv6) and writes its metrics for node_exporter, and {@code status} run under the very same sandbox (a oneshot copy of the unit) names
 * the listener's owner, reads the firewall, and lists another network namespace's listener with its own
 * firewall.
 */
@Tag("install")
class HardenedUnitIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNIT = InstalledService.UNIT;
    /** Where the sandboxed status writes its JSON (opened by systemd before the sandbox is made). */
    private static final String STATUS_OUT = "/var/lib/p25-sandboxed-status.json";
    private static final String TEXTFILE_COMMENTED = "\n  # textfile: /var/lib/prometheus/node-exporter/port25.prom\n";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nftables", "iptables", "ufw", "firewalld"})
    void theSandboxedServiceEnforcesAndSeesOwnersAndTheFirewallThrough(String backend) throws Exception {
        BootedDebian.requirePrerequisites();
        Path deb = Packages.deb();
        try (BootedDebian box = BootedDebian.boot("hard")) {
            switch (backend) {
                // the managers deny inbound by default: the admin has opened 25, the agent must close it
                case "ufw" -> {
                    box.ok("ufw", "--force", "enable");
                    box.ok("ufw", "allow", "25/tcp");
                }
                case "firewalld" -> {
                    box.ok("systemctl", "start", "firewalld.service");
                    box.ok("firewall-cmd", "--add-service=smtp");
                }
                default -> { }
            }
            box.ok("dpkg", "-i", box.copyIn(deb));
            double exposure = box.securityExposure(UNIT);
            System.out.println("systemd-analyze security " + UNIT + ": " + exposure); // docs/packages.md records it
            assertThat(exposure).isLessThanOrEqualTo(3.0);
            box.listenOnPort25();
            assertThat(box.probeBoth()).isEqualTo("ipv4=open ipv6=open");

            String settings = box.readOrEmpty(InstalledService.SETTINGS);
            assertThat(settings).contains(TEXTFILE_COMMENTED, "\n  backend: auto\n");
            // as Debian's prometheus-node-exporter ships it: root's, 0755
            box.ok("install", "-d", "-o", "root", "-g", "root", "-m", "0755", "/var/lib/prometheus/node-exporter");
            Files.writeString(box.file(InstalledService.SETTINGS), settings.replace("\nmode: audit\n", "\nmode: enforce\n")
                    .replace("\n  backend: auto\n", "\n  backend: " + backend + "\n")
                    .replace(TEXTFILE_COMMENTED, TEXTFILE_COMMENTED.replace("# ", "")));
            // a restart, not a reload: the daemon writes the textfile after an audit, and it audits at start
            box.ok("systemctl", "restart", UNIT);

            BootedDebian.waitFor("the peer's connections blocked through " + backend, Duration.ofSeconds(30),
                    () -> box.probeBoth().equals(InstalledService.BLOCKED));
            assertThat(box.journal(UNIT)).contains(backend + " now holds 25 inbound CLOSED");

            box.listenInNamespace("c25");
            JsonNode status = sandboxedStatus(box);
            JsonNode listeners = status.path("listeners");
            assertThat(listeners).as(status.toPrettyString()).isNotEmpty();
            for (JsonNode l : listeners) {
                assertThat(l.path("owners").findValuesAsText("name")).as(l.toPrettyString()).contains("python3");
                assertThat(l.path("owners").findValuesAsText("user")).as(l.toPrettyString()).contains("nobody");
            }
            // the metrics for node_exporter, written through ReadWritePaths and readable by its user
            Path prom = box.file("/var/lib/prometheus/node-exporter/port25.prom");
            BootedDebian.waitFor("the metrics textfile", Duration.ofSeconds(20), () -> Files.exists(prom));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(prom)))
                    .isEqualTo("rw-r--r--");
            assertThat(Files.readString(prom)).contains("port25_verdict ");
            // another network namespace, entered under the sandbox (CAP_SYS_ADMIN, RestrictNamespaces=net uts):
            // its listener with its owner, its own packet filter read through nsenter, and no way in
            JsonNode other = namespace(status, "netns/c25");
            assertThat(other.path("error").isNull()).as(other.toPrettyString()).isTrue();
            assertThat(other.path("listeners").findValuesAsText("port")).as(other.toPrettyString()).contains("25");
            assertThat(other.path("listeners").findValuesAsText("name")).as(other.toPrettyString()).contains("python3");
            // another user's process, still visible under ProtectProc=ptraceable
            assertThat(other.path("listeners").findValuesAsText("user")).as(other.toPrettyString()).contains("nobody");
            assertThat(other.path("firewall").path("error").isNull()).as(other.path("firewall").toPrettyString()).isTrue();
            assertThat(status.path("namespaceGaps")).as(status.path("namespaceGaps").toPrettyString()).isEmpty();
            assertThat(status.path("findings").findValuesAsText("id")).contains("P25-014");
            assertThat(status.path("firewall").path("error").isNull()).as(status.path("firewall").toPrettyString()).isTrue();
            assertThat(status.path("firewall").path("unread")).as("every layer read").isEmpty();
            for (JsonNode in : status.path("firewall").path("inbound")) {
                assertThat(in.path("level").asText()).as(in.toPrettyString()).isEqualTo("CLOSED");
            }
        }
    }

    private static JsonNode namespace(JsonNode status, String name) {
        for (JsonNode n : status.path("namespaces")) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no namespace " + name + " in " + status.path("namespaces").toPrettyString());
    }

    /**
     * {@code port25-agent status --json} as a oneshot unit made from the installed one, every
     * sandboxing line kept; its output read back from the journal.
     */
    private static JsonNode sandboxedStatus(BootedDebian box) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : box.readOrEmpty("/lib/systemd/system/" + UNIT).split("\n")) {
            if (line.startsWith("Type=")) {
                lines.add("Type=oneshot");
            } else if (line.startsWith("ExecStart=")) {
                lines.add("ExecStart=/usr/bin/port25-agent status --json");
                // its own file: in the journal, systemd's lines about the unit can land among the
                // JSON's lines when the stream is read after the process ended (seen in CI)
                lines.add("StandardOutput=truncate:" + STATUS_OUT);
                lines.add("SuccessExitStatus=1 2 3");
            } else if (!line.matches("(ExecReload|WatchdogSec|Restart|RestartSec|NotifyAccess|WantedBy)=.*")) {
                lines.add(line);
            }
        }
        assertThat(lines).contains("ProtectSystem=strict", "NoNewPrivileges=yes")
                .anyMatch(l -> l.startsWith("CapabilityBoundingSet="));
        Files.writeString(box.file("/etc/systemd/system/p25-sandboxed-status.service"), String.join("\n", lines) + "\n");
        box.ok("systemctl", "daemon-reload");
        CommandResult run = box.run(Duration.ofSeconds(60), "systemctl", "start", "p25-sandboxed-status.service");
        assertThat(run.exitCode()).as(run.describe() + box.journal("p25-sandboxed-status.service")).isZero();
        return JSON.readTree(box.readOrEmpty(STATUS_OUT));
    }
}
