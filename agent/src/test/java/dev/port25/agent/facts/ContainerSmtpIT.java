package dev.port25.agent.facts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.port25.agent.smtp.PostfixLab;
import dev.port25.agent.testing.AgentJar;
import dev.port25.agent.testing.DockerBridge;
import dev.port25.agent.testing.FindingsJson;
import dev.port25.firewall.iptables.IptablesLab;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SMTP audit of a container's MTA: a real Postfix in a container's network namespace, in a
 * mount namespace of its own whose /etc/postfix is the container's (this host's /etc/postfix is
 * not its configuration), published on the lab host's port 25 by Docker's rules
 * ({@link dev.port25.firewall.testing.DockerRules}, as dockerd 24 writes them). {@code audit} run
 * on the lab host judges it from its configuration, read through /proc/PID/root with the host's
 * postconf, and every verdict is checked against the agent's own outside probe run from a peer
 * through the published port, as a client from the internet would connect. Postfix trusts the
 * probe from inside the container (its loopback is in mynetworks), so only the configuration
 * gives the outsider's answer on relay there.
 */
@Tag("netns")
class ContainerSmtpIT {

    private static final String HOST4 = "198.18.27.1";

    @Test
    void aContainersPostfixIsJudgedFromItsOwnConfigurationAsAnOutsiderMeetsIt() throws Exception {
        Prerequisites.require("ip", "iptables-nft-restore", "ip6tables-nft-restore", "sysctl", "unshare", "postfix",
                "postconf", PacketLab.PYTHON);
        try (AgentJar jar = AgentJar.copy(); Netns host = Netns.create("csh"); Netns peer = Netns.create("csp");
             Netns container = Netns.create("csc")) {
            IptablesLab.useVariant(host, "nft");
            Netns.link(host, HOST4 + "/24", "fd00:27::1/64", peer, "198.18.27.2/24", "fd00:27::2/64");
            DockerBridge.bridge(host, container);
            DockerBridge.docker(host, 25, "-A DOCKER-USER -j RETURN");
            String inContainer = "in network namespace netns/" + container.name();

            // relays for everyone: mynetworks holds every address
            try (PostfixLab open = PostfixLab.startInOwnMounts(container, "all",
                    Map.of("mynetworks", "0.0.0.0/0 [::]/0"))) {
                JsonNode outside = jar.json(peer, "probe", "--json", HOST4);
                assertThat(outside.get("openRelay").asBoolean()).as(outside.toString()).isTrue();
                JsonNode audit = jar.json(host, "audit", "--json", "--namespaces", "all");
                JsonNode smtp = smtpOf(audit, "netns/" + container.name());
                assertThat(smtp.get("mta").asText()).isEqualTo("postfix");
                assertThat(smtp.get("configDir").asText()).isEqualTo("/etc/postfix");
                assertThat(smtp.get("configRoot").asText()).matches("/proc/[0-9]+/root");
                assertThat(smtp.at("/verdicts/openRelay/value").asBoolean()).isTrue();
                assertThat(smtp.at("/verdicts/openRelay/source").asText()).isEqualTo("configuration");
                assertThat(smtp.at("/localProbe/target").asText()).isEqualTo("127.0.0.1:25");
                assertThat(FindingsJson.evidence(audit, "P25-101")).anyMatch(e -> e.startsWith("tcp 0.0.0.0:25 (master")
                        && e.contains(inContainer) && e.contains("mynetworks = 0.0.0.0/0") && e.endsWith("[configuration]"));
                assertThat(audit.get("verdict").asText()).isEqualTo("CRITICAL");
            }

            // Postfix's own mynetworks (its loopback only): the probe from inside relays, an outsider does not
            try (PostfixLab hardened = PostfixLab.startInOwnMounts(container, "all", Map.of())) {
                JsonNode outside = jar.json(peer, "probe", "--json", HOST4);
                assertThat(outside.get("openRelay").asBoolean()).as(outside.toString()).isFalse();
                assertThat(outside.get("starttlsOffered").asBoolean()).isFalse();
                JsonNode audit = jar.json(host, "audit", "--json", "--namespaces", "all");
                JsonNode smtp = smtpOf(audit, "netns/" + container.name());
                assertThat(smtp.at("/localProbe/relayFormsAccepted").asInt()).as("Postfix trusts its own loopback")
                        .isPositive();
                assertThat(smtp.at("/verdicts/openRelay/value").asBoolean()).isFalse();
                assertThat(smtp.at("/verdicts/openRelay/why").asText()).contains("127.0.0.0/8");
                for (String v : List.of("openRelay", "vrfyDisclosesUsers", "starttlsOffered", "authBeforeTls",
                        "bannerLeaksSoftware")) {
                    assertThat(smtp.at("/verdicts/" + v + "/value").asBoolean()).as(v + ", as the outsider found it")
                            .isEqualTo(outside.get(v).asBoolean());
                }
                assertThat(smtp.at("/verdicts/userEnumeration/value").asBoolean())
                        .isEqualTo(!outside.get("enumerableUsers").isEmpty());
                assertThat(FindingsJson.evidence(audit, "P25-101")).noneMatch(e -> e.contains(inContainer));
                assertThat(FindingsJson.evidence(audit, "P25-012")).noneMatch(e -> e.contains(inContainer));
                // as the outsider finds it: no STARTTLS (this lab has no certificate), named in the container
                assertThat(FindingsJson.evidence(audit, "P25-105")).anyMatch(e -> e.startsWith("tcp 0.0.0.0:25 (master")
                        && e.contains(inContainer) && e.endsWith("[configuration]"));
            }
        }
    }

    /** The audit's SMTP entry of the one listener on 0.0.0.0:25 in namespace {@code name}. */
    private static JsonNode smtpOf(JsonNode audit, String name) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode s : audit.get("smtp")) {
            if (s.get("namespace").asText().equals(name) && s.get("endpoint").asText().equals("tcp 0.0.0.0:25")) {
                found.add(s);
            }
        }
        assertThat(found).as(audit.get("smtp").toString()).hasSize(1);
        return found.get(0);
    }

}
