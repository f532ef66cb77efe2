package dev.port25.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.port25.agent.smtp.PostfixLab;
import dev.port25.agent.testing.AgentJar;
import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code status} and {@code audit} (the built jar) inside a server namespace with a real Postfix
 * listening on every address and real nftables rules, judged for the role its settings file
 * gives; what the verdict says about reachability is checked against a peer's connections.
 */
@Tag("netns")
class AuditIT {

    private static Netns server;
    private static Netns peer;
    private static AgentJar jar;
    private static Path settingsDir;

    @BeforeAll
    static void namespaces() throws Exception {
        Prerequisites.require("ip", "postfix", "nft", "ss");
        server = Netns.create("audit-s");
        peer = Netns.create("audit-c");
        Netns.link(server, "198.18.25.1/24", "fd00:25::1/64", peer, "198.18.25.2/24", "fd00:25::2/64");
        jar = AgentJar.copy();
        settingsDir = Files.createTempDirectory("p25-settings-");
    }

    @AfterAll
    static void cleanup() throws Exception {
        if (jar != null) {
            jar.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
        if (settingsDir != null) {
            TempDirs.deleteTree(settingsDir);
        }
    }

    private static Path settings(String name, String yaml) throws Exception {
        Path p = settingsDir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    private static JsonNode agent(String... args) throws Exception {
        return jar.json(server, args);
    }

    /** "P25-001 CRITICAL" for each finding. */
    private static List<String> findings(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.get("findings").forEach(f -> out.add(f.get("id").asText() + " " + f.get("severity").asText()));
        return out;
    }

    /** Whether the peer can open a TCP connection to the server's port 25 at {@code host}. */
    private static boolean peerConnects(String host) throws Exception {
        CommandResult r = peer.run(List.of("/usr/bin/python3", "-c",
                "import socket,sys\ntry:\n socket.create_connection((sys.argv[1], 25), 2).close(); print('open')\n"
                        + "except OSError as e:\n print('closed', e)", host), Duration.ofSeconds(10));
        return r.stdout().startsWith("open");
    }

    @Test
    void noneHostWithAWildcardPostfixIsCriticalUntilTheFirewallVerifiablyBlocksBothFamilies() throws Exception {
        Path none = settings("none.yml", "# no rules: every host is NONE\n");
        try (PostfixLab pf = PostfixLab.start(server, "all", Map.of())) {
            assertThat(peerConnects("198.18.25.1")).isTrue();
            assertThat(peerConnects("fd00:25::1")).isTrue();
            JsonNode open = agent("status", "--json", "--config", none.toString());
            assertThat(open.get("verdict").asText()).as(open.toString()).isEqualTo("CRITICAL");
            assertThat(open.get("exitCode").asInt()).isEqualTo(2);
            assertThat(open.at("/role/name").asText()).isEqualTo("NONE");
            assertThat(open.get("settings").asText()).isEqualTo(none.toString());
            assertThat(findings(open)).contains("P25-001 CRITICAL");

            server.ok("nft", "add", "table", "inet", "p25test");
            server.ok("nft", "add", "chain", "inet", "p25test", "in", "{ type filter hook input priority 0 ; }");
            server.ok("nft", "add", "rule", "inet", "p25test", "in", "tcp", "dport", "25", "drop");
            try {
                assertThat(peerConnects("198.18.25.1")).isFalse();
                assertThat(peerConnects("fd00:25::1")).isFalse();
                JsonNode blocked = agent("status", "--json", "--config", none.toString());
                assertThat(blocked.get("verdict").asText()).as(blocked.toString()).isEqualTo("WARNING");
                assertThat(blocked.get("exitCode").asInt()).isEqualTo(1);
                assertThat(findings(blocked)).containsOnly("P25-001 MEDIUM");
                assertThat(blocked.at("/firewall/inbound").toString()).doesNotContain("OPEN");

                JsonNode audit = agent("audit", "--json", "--config", none.toString());
                assertThat(audit.get("schema").asText()).isEqualTo("port25-agent/audit/v1");
                assertThat(audit.at("/firewall/backend").asText()).isEqualTo("nftables");
                assertThat(audit.get("smtp")).hasSize(2);
                // the MTA's own weaknesses: RCPT tells users apart (Postfix's default), no STARTTLS,
                // the default banner names Postfix; none is CRITICAL on a NONE host
                assertThat(findings(audit)).contains("P25-001 MEDIUM", "P25-102 HIGH", "P25-105 HIGH", "P25-108 LOW")
                        .doesNotContain("P25-101 CRITICAL");
                assertThat(audit.get("verdict").asText()).isEqualTo("WARNING");
            } finally {
                server.ok("nft", "delete", "table", "inet", "p25test");
            }
        }
    }

    @Test
    void mailServerThatRelaysForEveryoneIsCriticalFromItsConfiguration() throws Exception {
        Path mx = settings("mx.yml", "roles:\n  rules:\n    - role: MAIL_SERVER\n");
        try (PostfixLab pf = PostfixLab.start(server, "all", Map.of("mynetworks", "0.0.0.0/0 [::]/0"))) {
            JsonNode status = agent("status", "--json", "--config", mx.toString());
            assertThat(status.at("/role/name").asText()).isEqualTo("MAIL_SERVER");
            assertThat(status.at("/role/why").asText()).startsWith("rule 1 (every host) matches host '");
            assertThat(status.get("verdict").asText()).as("open and listening, as a mail server needs; status does "
                    + "not probe").isEqualTo("OK");
            JsonNode audit = agent("audit", "--json", "--config", mx.toString());
            assertThat(audit.get("verdict").asText()).as(audit.toString()).isEqualTo("CRITICAL");
            assertThat(audit.get("exitCode").asInt()).isEqualTo(2);
            assertThat(findings(audit)).contains("P25-101 CRITICAL", "P25-105 CRITICAL");
            JsonNode relay = null;
            for (JsonNode f : audit.get("findings")) {
                if (f.get("id").asText().equals("P25-101")) {
                    relay = f;
                }
            }
            assertThat(relay.get("evidence").asText()).contains("permit_mynetworks", "0.0.0.0/0", "[configuration]");
            assertThat(relay.get("references").toString()).contains("postfix_prevent_unrestricted_relay");
        }
    }

    @Test
    void aBadSettingsFileStopsStatusAndAuditWithOneErrorAndExit3() throws Exception {
        Path bad = settings("bad.yml", "roles:\n  relay:\n    allowFrom: [198.18.0.0/33]\n");
        for (String command : List.of("status", "audit")) {
            List<String> argv = new ArrayList<>(server.inside(List.of()));
            argv.addAll(jar.argv(command, "--config", bad.toString()));
            CommandResult r = new CommandRunner().run(Command.of(argv).withTimeout(Duration.ofSeconds(60)));
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr().strip()).isEqualTo("port25-agent: " + bad + ":3:17: roles.relay.allowFrom[0]: "
                    + "'198.18.0.0/33' is not an address or network (CIDR): prefix /33 out of range in '198.18.0.0/33'");
        }
    }
}
