package dev.port25.firewall.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.spi.Applier;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ways in to a container's address through this host's DNAT, from the rules
 * {@link VerdictTruthIT} recorded as dockerd 24 writes them (container 198.19.0.2 behind the
 * bridge docker0, published with {@code -p 25:25}); the {@code -p 2525:25} case is that recording
 * with the nat rule's host port edited, and says so.
 */
class PublishedPathsTest {

    private static final PacketFilter.Target CONTAINER = target("198.19.0.2", 25);

    @Test
    void aPublishedPortIsOpenFromOutsideThoughInputDropsIt() throws Exception {
        List<PacketFilter.Published> paths = recorded("docker-published-port-bypasses-input", Map.of())
                .publishedTo(CONTAINER);
        assertThat(paths).hasSize(1);
        PacketFilter.Published p = paths.get(0);
        assertThat(p.hostPort()).isEqualTo(25);
        assertThat(p.exposure().level()).isEqualTo(Exposure.Level.OPEN);
        // from the containers' own bridge the DNAT does not apply ('-A DOCKER -i docker0 -j RETURN')
        assertThat(p.exposure().byInterface()).containsEntry("p25a", Exposure.Level.OPEN)
                .containsEntry("docker0", Exposure.Level.CLOSED);
        assertThat(p.exposure().decidedBy()).extracting(RuleRef::text)
                .anyMatch(t -> t.contains("-A DOCKER -d 198.19.0.2/32") && t.contains("-j ACCEPT"));
    }

    @Test
    void aDockerUserDropClosesThePublishedPortAndIsNamed() throws Exception {
        PacketFilter filter = recorded("docker-user-drop", Map.of());
        List<PacketFilter.Published> paths = filter.publishedTo(CONTAINER);
        assertThat(paths).hasSize(1);
        assertThat(paths.get(0).exposure().level()).isEqualTo(Exposure.Level.CLOSED);
        assertThat(paths.get(0).exposure().decidedBy()).extracting(RuleRef::text)
                .contains("-A DOCKER-USER -p tcp -m tcp --dport 25 -j DROP");
    }

    @Test
    void anotherHostPortIsFoundAndPort25OfTheHostIsNoWayInThen() throws Exception {
        // hand-edited from the recording: '-p 2525:25' (the nat rule's --dport; the filter rules
        // match the translated port, 25, as dockerd writes them)
        PacketFilter filter = recorded("docker-published-port-bypasses-input",
                Map.of("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 25 -j DNAT",
                        "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 2525 -j DNAT"));
        List<PacketFilter.Published> paths = filter.publishedTo(CONTAINER);
        assertThat(paths).extracting(PacketFilter.Published::hostPort).containsExactly(2525);
        assertThat(paths.get(0).exposure().level()).isEqualTo(Exposure.Level.OPEN);
        // the host's own port 25 is what INPUT says (drop), no longer the container's
        assertThat(filter.exposure(IpFamily.IPV4, 25).level()).isEqualTo(Exposure.Level.CLOSED);
    }

    @Test
    void aPortBlockedBeforeItsDnatIsStillAWayInAndClosed() throws Exception {
        // hand-edited from the recording: a raw PREROUTING drop of 25, before any nat chain
        PacketFilter filter = recorded("docker-published-port-bypasses-input", Map.of("*nat\n",
                "*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcp --dport 25 -j DROP\nCOMMIT\n*nat\n"));
        List<PacketFilter.Published> paths = filter.publishedTo(CONTAINER);
        assertThat(paths).extracting(PacketFilter.Published::hostPort).containsExactly(25);
        assertThat(paths.get(0).exposure().level()).isEqualTo(Exposure.Level.CLOSED);
        assertThat(paths.get(0).exposure().decidedBy()).extracting(RuleRef::text)
                .containsExactly("-A PREROUTING -p tcp -m tcp --dport 25 -j DROP");
    }

    @Test
    void theAgentsForwardChainClosesThePublishedPortWhateverTheHostPort() throws Exception {
        // the recorded Docker rules, with the agent's own table as its nftables backend writes it
        // for CLOSED (recorded by NftFixtureRecorder) added to the nft ruleset
        for (Map<String, String> edits : List.of(Map.<String, String>of(), Map.of(
                "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 25 -j DNAT",
                "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 2525 -j DNAT"))) {
            PacketFilter filter = withAgentTable(snapshot("docker-published-port-bypasses-input", edits));
            List<PacketFilter.Published> paths = filter.publishedTo(CONTAINER);
            assertThat(paths).hasSize(1);
            assertThat(paths.get(0).exposure().level()).as(edits.toString()).isEqualTo(Exposure.Level.CLOSED);
            assertThat(paths.get(0).exposure().decidedBy()).extracting(RuleRef::where)
                    .contains("nftables inet port25_agent forward");
        }
    }

    @Test
    void aMatchOnTheOriginalPortSeesTheHostPortNotTheContainers() throws Exception {
        // hand-edited from the recording: DOCKER-USER matches the port the client connected to
        String byOriginal = "-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 25 -j DROP";
        PacketFilter on25 = recorded("docker-user-drop", Map.of("-A DOCKER-USER -p tcp -m tcp --dport 25 -j DROP",
                byOriginal));
        assertThat(on25.publishedTo(CONTAINER).get(0).exposure().level()).isEqualTo(Exposure.Level.CLOSED);
        PacketFilter on2525 = recorded("docker-user-drop", Map.of("-A DOCKER-USER -p tcp -m tcp --dport 25 -j DROP",
                byOriginal, "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 25 -j DNAT",
                "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 2525 -j DNAT"));
        assertThat(on2525.publishedTo(CONTAINER)).singleElement().satisfies(p -> {
            assertThat(p.hostPort()).isEqualTo(2525);
            assertThat(p.exposure().level()).isEqualTo(Exposure.Level.OPEN);
        });
    }

    @Test
    void whereTheDnatsCannotAllBeSeenTheWayInIsUnknownNotAbsent() throws Exception {
        // a layer not read may hold a DNAT to the container
        PacketFilterReader.Snapshot none = snapshot("no-rules", Map.of());
        PacketFilter unread = PacketFilterReader.build(new PacketFilterReader.Snapshot(none.outputs(),
                List.of("iptables-legacy-save: exit 1")));
        assertThat(unread.publishedTo(CONTAINER)).singleElement().satisfies(p -> {
            assertThat(p.exposure().level()).isEqualTo(Exposure.Level.UNKNOWN);
            assertThat(p.exposure().notes()).anyMatch(n -> n.contains("not read: iptables-legacy-save"));
        });
        // hand-edited from the recording: a nat rule over 2001 ports beside Docker's: too many to walk
        PacketFilter wide = recorded("docker-published-port-bypasses-input", Map.of("-A DOCKER -i docker0 -j RETURN",
                "-A DOCKER -i docker0 -j RETURN\n-A DOCKER -p tcp -m tcp --dport 1000:3000 -j RETURN"));
        assertThat(wide.publishedTo(CONTAINER)).singleElement()
                .satisfies(p -> assertThat(p.exposure().level()).isEqualTo(Exposure.Level.UNKNOWN));
    }

    @Test
    void enforceIsNotVerifiedWhileAnotherHostPortLeadsToTheClosedPort() throws Exception {
        // -p 2525:25 (hand-edited from the recording): closing 25 on the host does not close it
        PacketFilter filter = recorded("docker-published-port-bypasses-input",
                Map.of("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 25 -j DNAT",
                        "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 2525 -j DNAT"));
        assertThat(Applier.unmet(Desired.of(25, new Inbound.Closed()), filter))
                .anyMatch(l -> l.startsWith("ipv4 tcp port 2525 published to 198.19.0.2:25: wanted CLOSED"));
        assertThat(Applier.unmet(Desired.of(25, new Inbound.Open()), filter))
                .noneMatch(l -> l.contains("published to"));
    }

    @Test
    void noDnatLeadsToAnotherAddressOrPortOrFamily() throws Exception {
        PacketFilter filter = recorded("docker-published-port-bypasses-input", Map.of());
        assertThat(filter.publishedTo(target("198.19.0.3", 25))).isEmpty();
        assertThat(filter.publishedTo(target("198.19.0.2", 587))).isEmpty();
        assertThat(filter.publishedTo(target("fd00:19::2", 25))).isEmpty();
        assertThat(recorded("no-rules", Map.of()).publishedTo(CONTAINER)).isEmpty();
    }

    @Test
    void aLayerThatCouldNotBeReadMakesTheWayInUnknownNotOpenOrClosed() throws Exception {
        PacketFilterReader.Snapshot s = PacketFilterCasesTest.snapshot(dir("docker-user-drop"));
        PacketFilter filter = PacketFilterReader.build(new PacketFilterReader.Snapshot(s.outputs(),
                List.of("iptables-legacy-save: exit 1")));
        List<PacketFilter.Published> paths = filter.publishedTo(CONTAINER);
        assertThat(paths).hasSize(1);
        // the DOCKER-USER drop blocks whatever the unread layer says
        assertThat(paths.get(0).exposure().level()).isEqualTo(Exposure.Level.CLOSED);
        PacketFilter open = PacketFilterReader.build(new PacketFilterReader.Snapshot(
                PacketFilterCasesTest.snapshot(dir("docker-published-port-bypasses-input")).outputs(),
                List.of("iptables-legacy-save: exit 1")));
        assertThat(open.publishedTo(CONTAINER).get(0).exposure().level()).isEqualTo(Exposure.Level.UNKNOWN);
    }

    /** {@code filter}'s snapshot again with the agent's recorded CLOSED table in the nft ruleset. */
    private static PacketFilter withAgentTable(PacketFilterReader.Snapshot s) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode ruleset = (ObjectNode) json.readTree(s.outputs().get("nft-ruleset.json"));
        ArrayNode all = (ArrayNode) ruleset.get("nftables");
        JsonNode ours = json.readTree(Files.readString(Path.of(PublishedPathsTest.class
                .getResource("/nftables/port25-closed/ruleset.json").toURI())));
        for (JsonNode item : ours.get("nftables")) {
            if (!item.has("metainfo")) {
                all.add(item);
            }
        }
        Map<String, String> outputs = new HashMap<>(s.outputs());
        outputs.put("nft-ruleset.json", json.writeValueAsString(ruleset));
        return PacketFilterReader.build(new PacketFilterReader.Snapshot(outputs, s.unread()));
    }

    private static PacketFilter.Target target(String address, int port) {
        try {
            return new PacketFilter.Target(InetAddress.getByName(address), port);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Path dir(String name) throws URISyntaxException {
        return Path.of(PublishedPathsTest.class.getResource("/eval/" + name).toURI());
    }

    /** The recorded case, with each key of {@code edits} in the iptables-nft-save output replaced by its value. */
    private static PacketFilter recorded(String name, Map<String, String> edits) throws Exception {
        return PacketFilterReader.build(snapshot(name, edits));
    }

    private static PacketFilterReader.Snapshot snapshot(String name, Map<String, String> edits) throws Exception {
        PacketFilterReader.Snapshot s = PacketFilterCasesTest.snapshot(dir(name));
        Map<String, String> outputs = new HashMap<>(s.outputs());
        for (Map.Entry<String, String> e : edits.entrySet()) {
            String save = outputs.get("iptables-nft-save.txt");
            assertThat(save).contains(e.getKey());
            outputs.put("iptables-nft-save.txt", save.replace(e.getKey(), e.getValue()));
        }
        return new PacketFilterReader.Snapshot(outputs, s.unread());
    }
}
