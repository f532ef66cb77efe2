package dev.port25.agent.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.port25.agent.facts.Facts;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.inventory.AddressClass;
import dev.port25.agent.inventory.Container;
import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.Scope;
import dev.port25.agent.policy.Evaluator;
import dev.port25.agent.policy.EvaluatorTest;
import dev.port25.agent.policy.Verdict;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.settings.SettingsLoader;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.RecordedFilters;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The status document against golden files: a change to them is a change to a public format. */
public class StatusJsonTest {

    /** The host's firewall: Docker's rules publish 198.19.0.2:25; INPUT drops 25 (recorded). */
    private static final String DOCKER = "docker-published-port-bypasses-input";

    private static String golden(String name) {
        return Fixtures.text("/golden/" + name);
    }

    private static Owner owner(long pid, String name, String exe, String user, int uid) {
        return new Owner(pid, name, Optional.of(exe), Optional.of(user), OptionalInt.of(uid));
    }

    public static StatusReport postfixLikeHost() throws Exception {
        Owner master = owner(812, "master", "/usr/lib/postfix/sbin/master", "root", 0);
        Owner smtpd = owner(4242, "smtpd", "/usr/lib/postfix/sbin/smtpd", "postfix", 107);
        Listener wildcard = new Listener(Protocol.TCP, Family.IPV4, InetAddress.getByName("0.0.0.0"), 25,
                Optional.of(false), Optional.empty(), OptionalInt.of(0), OptionalLong.of(13874),
                List.of(master, smtpd), Optional.empty());
        Listener dualStack = new Listener(Protocol.TCP, Family.IPV6, IpAddresses.of(new byte[16]), 587,
                Optional.of(false), Optional.empty(), OptionalInt.of(0), OptionalLong.of(13875),
                List.of(master), Optional.empty());
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        Listener loopbackUdp = new Listener(Protocol.UDP, Family.IPV6, IpAddresses.of(mapped), 25,
                Optional.of(false), Optional.of("lo"), OptionalInt.of(65534), OptionalLong.of(13876), List.of(),
                Optional.of("owner not visible: /proc/<pid>/fd of 3 processes not readable by uid 65534"));
        Inventory inv = new Inventory(InventorySource.NETLINK, Set.of(25, 587), List.of(loopbackUdp, dualStack, wildcard),
                List.of());
        Settings settings = SettingsLoader.parse("ports: [25, 587]\n", "agent.yml");
        // a container's namespace beside the host's: a Docker container's MTA on its own eth0,
        // published on the host's port 25 by Docker's rules (which INPUT's drop does not stop)
        InetAddress containerAddress = InetAddress.getByName("198.19.0.2");
        Owner exim = owner(9001, "exim4", "/usr/sbin/exim4", "Debian-exim", 101);
        Container mail = new Container("docker", "4f6c1e8b2a3d4c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6",
                Optional.of("mail"), Optional.of("localhost/mini:latest"));
        Listener inContainer = new Listener(Protocol.TCP, Family.IPV4, InetAddress.getByName("0.0.0.0"), 25,
                Optional.of(false), Optional.empty(), OptionalInt.of(0), OptionalLong.of(20001), List.of(exim),
                Optional.empty(), Optional.of(mail));
        Facts.Namespace container = new Facts.Namespace(new NetNamespace("docker/4f6c1e8b2a3d",
                OptionalLong.of(4026532290L), List.of(Path.of("/run/docker/netns/4f6c1e8b2a3d")), List.of(9001L)),
                Facts.Result.of(new Inventory(InventorySource.NETLINK, Set.of(25, 587), List.of(inContainer), List.of())),
                Optional.of(List.of("eth0")), Facts.Result.failed("not read: nft: Operation not permitted"),
                Optional.empty(), Facts.Result.of(new Facts.Reach(List.of(containerAddress), List.of("eth0"), List.of(),
                RecordedFilters.load(DOCKER).publishedTo(new PacketFilter.Target(containerAddress, 25)))));
        Facts facts = new Facts("test-host", new RoleResolver.Decision(Role.NONE, "no role rules; NONE is the default"),
                settings, List.of(Facts.Namespace.host(Facts.Result.of(inv),
                        EvaluatorTest.recorded(DOCKER, settings.ports()), Optional.empty()),
                        container), List.of(), Optional.empty());
        return StatusService.report(facts, Evaluator.evaluate(facts), "/etc/port25-agent/agent.yml");
    }

    @Test
    void criticalDocumentMatchesGoldenFile() throws Exception {
        assertThat(StatusJson.render(postfixLikeHost())).isEqualTo(golden("status-critical.json"));
    }

    /** The shipped JSON Schema and the rendered document name the same fields and values. */
    @Test
    void schemaInConfigModuleMatchesTheDocument() throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode schema = m.readTree(Fixtures.text("/dev/port25/config/status-v1.schema.json"));
        JsonNode doc = m.readTree(StatusJson.render(postfixLikeHost()));
        // every field is in the schema, and every field but those added within v1 is required
        List<String> added = List.of("namespaces", "namespaceGaps");
        List<String> expected = new ArrayList<>(strings(schema.get("required")));
        expected.addAll(added);
        assertThat(fields(doc)).isEqualTo(expected);
        assertThat(strings(schema.get("required"))).doesNotContainAnyElementsOf(added);
        assertThat(fields(schema.get("properties"))).containsAll(added);
        assertThat(fields(doc.get("inventory"))).isEqualTo(strings(schema.at("/properties/inventory/required")));
        List<String> listener = new ArrayList<>(strings(schema.at("/$defs/listener/required")));
        listener.add("container"); // added within v1
        assertThat(fields(doc.get("listeners").get(0))).isEqualTo(listener);
        assertThat(fields(schema.at("/$defs/listener/properties"))).isEqualTo(listener);
        assertThat(fields(doc.at("/listeners/0/owners/0"))).isEqualTo(strings(schema.at("/$defs/owner/required")));
        List<String> namespace = new ArrayList<>(strings(schema.at("/properties/namespaces/items/required")));
        namespace.addAll(List.of("reach", "reachError")); // added within v1
        assertThat(fields(doc.at("/namespaces/1"))).isEqualTo(namespace);
        assertThat(fields(schema.at("/properties/namespaces/items/properties"))).isEqualTo(namespace);
        JsonNode reach = schema.at("/properties/namespaces/items/properties/reach");
        assertThat(fields(doc.at("/namespaces/1/reach"))).isEqualTo(strings(reach.get("required")));
        assertThat(fields(doc.at("/namespaces/1/reach/published/0")))
                .isEqualTo(strings(reach.at("/properties/published/items/required")));
        assertThat(fields(doc.at("/namespaces/1/listeners/0/container")))
                .isEqualTo(strings(schema.at("/$defs/listener/properties/container/required")));
        assertThat(doc.at("/namespaces/0/name").asText()).isEqualTo("host");
        assertThat(doc.at("/namespaces/0/listeners")).isEqualTo(doc.get("listeners"));
        assertThat(fields(doc.get("role"))).isEqualTo(strings(schema.at("/properties/role/required")));
        assertThat(fields(doc.get("firewall"))).isEqualTo(strings(schema.at("/properties/firewall/required")));
        assertThat(fields(doc.at("/firewall/inbound/0"))).isEqualTo(strings(schema.at("/$defs/exposure/required")));
        assertThat(fields(doc.at("/findings/0"))).isEqualTo(strings(schema.at("/$defs/finding/required")));
        assertThat(strings(schema.at("/properties/role/properties/name/enum")))
                .isEqualTo(Arrays.stream(Role.values()).map(Enum::name).toList());
        assertThat(strings(schema.at("/$defs/finding/properties/severity/enum")))
                .isEqualTo(Arrays.stream(Severity.values()).map(Enum::name).toList());
        assertThat(strings(schema.at("/$defs/exposure/properties/level/enum"))).isEqualTo(
                Arrays.stream(Exposure.Level.values()).map(Enum::name).toList());
        assertThat(strings(schema.at("/properties/verdict/enum")))
                .isEqualTo(Arrays.stream(Verdict.values()).map(Enum::name).toList());
        assertThat(strings(schema.at("/$defs/listener/properties/addressClass/enum"))).containsExactlyInAnyOrder(
                Arrays.stream(AddressClass.values()).map(Enum::name).toArray(String[]::new));
        assertThat(strings(schema.at("/$defs/listener/properties/scope/enum"))).containsExactlyInAnyOrder(
                Arrays.stream(Scope.values()).map(Enum::name).toArray(String[]::new));
        assertThat(schema.at("/properties/schema/const").asText()).isEqualTo(StatusJson.SCHEMA);
        Schema validator = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12).getSchema(schema);
        assertThat(validator.validate(doc)).as("the document against the schema").isEmpty();
        assertThat(validator.validate(m.readTree(golden("status-unknown.json")))).isEmpty();
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void failedInventoryIsUnknownWithNullListenersNotAnEmptyList() throws Exception {
        Facts facts = new Facts("test-host", new RoleResolver.Decision(Role.NONE, "no role rules; NONE is the default"),
                Settings.defaults(), Facts.Result.failed("netlink sock_diag: cannot open a NETLINK_SOCK_DIAG socket: EACCES"),
                Facts.Result.failed("nft: Operation not permitted"), Optional.empty());
        StatusReport failed = StatusService.report(facts, Evaluator.evaluate(facts),
                "built-in defaults (no /etc/port25-agent/agent.yml)");
        assertThat(failed.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(StatusJson.render(failed)).isEqualTo(golden("status-unknown.json"));
    }
}
