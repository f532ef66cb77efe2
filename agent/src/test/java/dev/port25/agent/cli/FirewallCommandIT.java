package dev.port25.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.testing.AgentJar;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.testing.Prerequisites;
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
 * {@code port25-agent firewall} as the built jar, inside a server namespace whose nft ruleset
 * accepts port 25 only from the peer's /30 (IPv4) and drops it on IPv6; the verdicts must match
 * what the peer meets.
 */
@Tag("netns")
class FirewallCommandIT {

    @Test
    void verdictsWithAndWithoutASourceMatchThePeer() throws Exception {
        Prerequisites.require("ip", "nft", PacketLab.PYTHON);
        try (PacketLab lab = PacketLab.start("fwcmd"); AgentJar jar = AgentJar.copy()) {
            Path rules = Files.createTempFile("p25-fwcmd-", ".nft");
            Files.writeString(rules, """
                    table inet admin {
                      chain in {
                        type filter hook input priority 0; policy accept;
                        ip saddr 198.18.25.0/30 tcp dport 25 accept
                        tcp dport 25 drop
                      }
                    }
                    """);
            try {
                lab.server().ok("nft", "-f", rules.toString());
            } finally {
                Files.delete(rules);
            }
            assertThat(lab.probeBoth()).isEqualTo("ipv4=open ipv6=timeout");

            CommandResult all = agent(lab, jar, "firewall", "--json");
            assertThat(all.exitCode()).as(all.describe()).isZero();
            JsonNode doc = new ObjectMapper().readTree(all.stdout());
            assertThat(doc.get("schema").asText()).isEqualTo("port25-agent/firewall/v1");
            assertThat(doc.get("backend").asText()).isEqualTo("nftables");
            assertThat(doc.at("/ipv4/verdict").asText()).isEqualTo("RESTRICTED");
            assertThat(doc.at("/ipv4/allowedFrom").toString()).isEqualTo("[\"198.18.25.0/30\"]");
            assertThat(doc.at("/ipv6/verdict").asText()).isEqualTo("CLOSED");
            assertThat(doc.at("/ipv6/decidedBy/0/where").asText()).isEqualTo("nftables inet admin in");
            assertThat(doc.at("/ipv6/decidedBy/0/rule").asText()).startsWith("tcp dport 25 drop");
            assertThat(doc.get("layers").toString()).contains("nftables inet admin");

            CommandResult peer = agent(lab, jar, "firewall", "--json", "--from", PacketLab.PEER4, "--from",
                    PacketLab.PEER6);
            JsonNode p = new ObjectMapper().readTree(peer.stdout());
            assertThat(p.at("/ipv4/verdict").asText()).isEqualTo("ACCEPT");
            assertThat(p.at("/ipv4/interface").asText()).isEqualTo("p25a");
            assertThat(p.at("/ipv6/verdict").asText()).isEqualTo("DROP");

            CommandResult other = agent(lab, jar, "firewall", "--from", "198.18.25.9");
            assertThat(other.exitCode()).isZero();
            assertThat(other.stdout()).contains("ipv4: DROP for a new connection from 198.18.25.9",
                    "decided by nftables inet admin in: tcp dport 25 drop");
        }
    }

    private static CommandResult agent(PacketLab lab, AgentJar jar, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", lab.server().name()));
        argv.addAll(jar.argv(args));
        return new CommandRunner().run(new Command(argv, Duration.ofSeconds(60), Map.of(), new byte[0]));
    }
}
