package dev.port25.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.Agent;
import dev.port25.agent.policy.Verdict;
import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.spi.FirewallSelector;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI driven in-process through {@link Agent#run}. */
class CliTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Agent.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: port25-agent", "status", "audit", "config", "version",
                "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN");
    }

    @Test
    void reportHelpTellsWhereReportsGoAndABadFormatIsRefused() {
        Run help = run("report", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--send", "--format=FORMAT", "--state-dir=DIR",
                "Idempotency-Key", "port25-agent/report/v1", "1 reports remain spooled");
        Run bad = run("report", "--format", "cef", "--config", "/dev/null");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err()).contains("--format cef: use port25 or ocsf");
    }

    @Test
    void statusHelpDescribesOptions() {
        Run r = run("status", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--port=PORT", "--json", "--source=SOURCE", "AUTO, NETLINK, OSHI", "docs/status-json.md");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        Run r = run("version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("port25-agent ").doesNotContain("unknown");
        assertThat(r.out().lines().findFirst().orElseThrow()).matches("port25-agent \\d+\\.\\d+\\.\\d+.*");
        assertThat(run("--version").out()).isEqualTo(r.out().lines().findFirst().orElseThrow() + "\n");
    }

    @Test
    void badUsageIsUnknownWithAHint() {
        Run unknownOption = run("status", "--bogus");
        assertThat(unknownOption.code()).isEqualTo(3);
        assertThat(unknownOption.err()).contains("Unknown option: '--bogus'", "status --help");

        Run badPort = run("status", "--port", "70000");
        assertThat(badPort.code()).isEqualTo(3);
        assertThat(badPort.err()).contains("70000 is not a port");

        Run notNumber = run("status", "--port", "smtp");
        assertThat(notNumber.code()).isEqualTo(3);

        Run badSource = run("status", "--source", "proc");
        assertThat(badSource.code()).isEqualTo(3);
        assertThat(badSource.err()).contains("AUTO, NETLINK, OSHI");

        Run noCommand = run();
        assertThat(noCommand.code()).isEqualTo(3);
        assertThat(noCommand.err()).contains("a command is required", "Usage:");

        Run unknownCommand = run("frobnicate");
        assertThat(unknownCommand.code()).isEqualTo(3);
    }

    @Test
    void firewallRejectsBadSourcesBeforeReadingAnything() {
        Run name = run("firewall", "--from", "mail.example.org");
        assertThat(name.code()).isEqualTo(3);
        assertThat(name.err()).contains("not an IPv4 or IPv6 address: 'mail.example.org'", "firewall --help");
        Run network = run("firewall", "--from", "198.18.0.0/15");
        assertThat(network.code()).isEqualTo(3);
        assertThat(network.err()).contains("is a network; give one address");
        Run twoOfAFamily = run("firewall", "--from", "198.18.25.2", "--from", "198.18.25.3");
        assertThat(twoOfAFamily.code()).isEqualTo(3);
        assertThat(twoOfAFamily.err()).contains("at most one address per family");
        Run badPort = run("firewall", "--port", "0");
        assertThat(badPort.code()).isEqualTo(3);
        assertThat(badPort.err()).contains("0 is not a port");
        Run badBackend = run("firewall", "--backend", "pf");
        assertThat(badBackend.code()).isEqualTo(3);
        assertThat(badBackend.err()).contains("unknown firewall backend 'pf'", "firewalld", "iptables");
    }

    @Test
    void probeRejectsBadTargetsAndUsersBeforeConnecting() {
        assertThat(run("probe").code()).isEqualTo(3);
        Run unclosed = run("probe", "[fd00::1");
        assertThat(unclosed.code()).isEqualTo(3);
        assertThat(unclosed.err()).contains("opens a bracket it does not close");
        Run badPort = run("probe", "198.18.25.1:99999");
        assertThat(badPort.code()).isEqualTo(3);
        assertThat(badPort.err()).contains("does not end in a port 1-65535");
        Run badUser = run("probe", "198.18.25.1", "--users", "root,bad user");
        assertThat(badUser.code()).isEqualTo(3);
        assertThat(badUser.err()).contains("'bad user' is not a user name");
        Run both = run("probe", "198.18.25.1", "--local");
        assertThat(both.code()).isEqualTo(3);
        assertThat(both.err()).contains("give either HOST[:PORT] or --local");
        Run help = run("probe", "--help");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("Never sends DATA", "--users=LIST|FILE",
                "docs/probe-json.md", "[fd00::1]:2525");
    }

    @Test
    void firewallHelpSaysWhatTheVerdictsMean() {
        Run r = run("firewall", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--from=ADDRESS", "OPEN", "RESTRICTED", "ACCEPT, DROP, REJECT", "--json",
                "docs/firewall-json.md", "nothing is changed");
    }

    /** On this host (whatever listens here): the JSON verdict and the exit code agree. */
    @Test
    void statusJsonVerdictMatchesExitCode() throws Exception {
        Run r = run("status", "--json", "--port", "25", "--port", "587");
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("schema").asText()).isEqualTo("port25-agent/status/v1");
        assertThat(doc.get("ports")).hasSize(2);
        assertThat(r.code()).isEqualTo(ExitCodes.of(Verdict.valueOf(doc.get("verdict").asText())));
        assertThat(doc.at("/inventory/source").asText()).isEqualTo("netlink");
        assertThat(doc.get("listeners").isArray()).isTrue();
    }

    @Test
    void statusSummaryStartsWithThePluginLine() {
        Run r = run("status");
        assertThat(r.out()).matches("(?s)PORT25 (OK|WARNING|CRITICAL|UNKNOWN): .*\n.*source: netlink.*");
    }

    @Test
    void configCheckSaysWhatAGoodFileMeansForThisHost() throws Exception {
        Path dir = Files.createTempDirectory("p25-cli");
        try {
            Path good = dir.resolve("agent.yml");
            Files.writeString(good, "mode: enforce\nroles:\n  rules:\n    - role: RELAY\n"
                    + "  relay:\n    allowFrom: [198.18.0.0/15]\n");
            Run r = run("config", "check", good.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith(good + ": OK\n")
                    .contains("mode enforce, ports [25], 1 role rule, firewall backend auto",
                            ": RELAY, rule 1 (every host) matches host '");
            assertThat(r.err()).isEmpty();
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    /** What a bad firewall.backend is told: auto and the backends this build's providers give. */
    static final String BACKENDS = String.join(", ", Stream.concat(Stream.of("auto"),
            new FirewallSelector().ids().stream()).toList());

    @Test
    void configCheckOfABadOrMissingFileIsOneErrorAndExit3() throws Exception {
        Path dir = Files.createTempDirectory("p25-cli");
        try {
            Path bad = dir.resolve("agent.yml");
            Files.writeString(bad, "mode: enforce\nfirewall:\n  backend: pf\n");
            Run r = run("config", "check", bad.toString());
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("port25-agent: " + bad + ":3:3: firewall.backend: 'pf' is not one of "
                    + BACKENDS + System.lineSeparator());
            Run missing = run("config", "check", dir.resolve("nope.yml").toString());
            assertThat(missing.code()).isEqualTo(3);
            assertThat(missing.err()).contains("nope.yml: no such file");
            Run noSub = run("config");
            assertThat(noSub.code()).isEqualTo(3);
            assertThat(noSub.err()).contains("a config command is required (check)");
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    @Test
    void enforceRefusesANonSmtpPortAndUndoWithoutAJournalHasNothingToDo() throws Exception {
        Path dir = Files.createTempDirectory("p25-cli");
        try {
            Path ssh = dir.resolve("agent.yml");
            Files.writeString(ssh, "ports: [25, 22]\n");
            Run r = run("enforce", "--config", ssh.toString(), "--state-dir", dir.resolve("state").toString());
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.err()).contains("enforce refused: ports: 22 is not an SMTP port");
            assertThat(dir.resolve("state")).as("nothing written").doesNotExist();
            Run undo = run("undo", "--state-dir", dir.resolve("state").toString());
            assertThat(undo.code()).isZero();
            assertThat(undo.out()).contains("nothing to undo: no enforcement journal in " + dir.resolve("state"));
            Run help = run("enforce", "--help");
            assertThat(help.out()).contains("--dry-run", "--config=FILE", "--state-dir=DIR", "/var/lib/port25-agent",
                    "rolls the agent's rules back");
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
