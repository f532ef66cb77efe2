package dev.port25.agent.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.FirewallSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Settings files, good and bad. Each bad one gives one error naming the line and key, and the
 * shipped JSON Schema (checked with a real validator) agrees with the loader wherever a schema
 * can say.
 */
public class SettingsLoaderTest {

    public static String resource(String name) throws Exception {
        try (InputStream in = SettingsLoaderTest.class.getResourceAsStream("/dev/port25/config/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<String> schemaErrors(String yaml) throws Exception {
        JsonNode schemaNode = new ObjectMapper().readTree(resource("settings-v1.schema.json"));
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()))
                .getSchema(schemaNode);
        JsonNode doc = new YAMLMapper().readTree(yaml);
        return schema.validate(doc == null ? new ObjectMapper().createObjectNode() : doc).stream()
                .map(Object::toString).toList();
    }

    @Test
    void theSchemaNamesTheBackendsThisBuildHas() throws Exception {
        JsonNode e = new ObjectMapper().readTree(resource("settings-v1.schema.json"))
                .at("/properties/firewall/properties/backend/enum");
        List<String> named = new ArrayList<>();
        e.forEach(n -> named.add(n.asText()));
        List<String> built = new ArrayList<>(List.of("auto"));
        built.addAll(new FirewallSelector().ids());
        assertThat(named).containsExactlyInAnyOrderElementsOf(built);
        assertThat(named).contains("windows");
        assertThat(SettingsLoader.parse("firewall:\n  backend: windows\n", "agent.yml").firewall().backend().pin())
                .contains("windows");
        assertThatThrownBy(() -> SettingsLoader.parse("firewall:\n  backend: pf\n", "agent.yml"))
                .hasMessageContaining("firewall.backend: 'pf' is not one of auto, ");
    }

    @Test
    void theShippedDefaultFileIsTheDefaultsAndValid() throws Exception {
        String text = resource("agent.yml");
        assertThat(SettingsLoader.parse(text, "agent.yml")).isEqualTo(Settings.defaults());
        assertThat(schemaErrors(text)).isEmpty();
        Settings d = Settings.defaults();
        assertThat(d.mode()).isEqualTo(Settings.Mode.AUDIT);
        assertThat(d.ports()).containsExactly(25);
        assertThat(d.roles().rules()).isEmpty();
        assertThat(d.roles().mailServer().requireStarttls()).isTrue();
        assertThat(d.roles().none().allowLoopbackListener()).isTrue();
        assertThat(d.roles().none().blockEgress()).isFalse();
        assertThat(d.firewall().backend().pin()).isEmpty();
        assertThat(d.report().endpoint()).isEmpty();
    }

    @Test
    void emptyAndCommentOnlyFilesAreTheDefaults() throws Exception {
        assertThat(SettingsLoader.parse("", "a.yml")).isEqualTo(Settings.defaults());
        assertThat(SettingsLoader.parse("# nothing set\n\n", "a.yml")).isEqualTo(Settings.defaults());
    }

    @Test
    void theExampleFleetFileReadsIntoItsValues() throws Exception {
        String text = resource("examples/fleet.yml");
        Settings s = SettingsLoader.parse(text, "fleet.yml");
        assertThat(schemaErrors(text)).isEmpty();
        assertThat(s.mode()).isEqualTo(Settings.Mode.ENFORCE);
        assertThat(s.ports()).containsExactly(25);
        assertThat(s.host().tags()).extracting(Settings.Tag::name).containsExactly("smtp-relay", "dmz");
        assertThat(s.roles().rules()).hasSize(3);
        assertThat(s.roles().rules().get(0).hostname()).contains(new HostGlob("mx[0-9].example.org"));
        assertThat(s.roles().rules().get(1).tags()).containsExactly(new Settings.Tag("smtp-relay"));
        assertThat(s.roles().rules().get(2).hostname()).isEmpty();
        assertThat(s.roles().rules().get(2).role()).isEqualTo(Role.NONE);
        assertThat(s.roles().mailServer().domains()).extracting(Settings.DomainName::name)
                .containsExactly("example.org", "mail.example.net");
        assertThat(s.roles().mailServer().requireStarttls()).isFalse();
        assertThat(s.roles().relay().allowFrom()).containsExactly(Cidr.parse("198.18.0.0/15"), Cidr.parse("fd00::/8"));
        assertThat(s.roles().none().blockEgress()).isTrue();
        assertThat(s.roles().none().egressRelays()).containsExactly(Cidr.parse("198.18.7.25/32"));
        assertThat(s.firewall().backend().pin()).contains("nftables");
        assertThat(s.probe().users()).extracting(Settings.UserName::name).containsExactly("root", "admin");
        assertThat(s.probe().connectTimeoutSeconds()).isEqualTo(3);
        assertThat(s.dns().resolvers()).containsExactly(Cidr.parse("198.18.0.53"), Cidr.parse("fd00::53"));
        assertThat(s.report().endpoint().orElseThrow()).hasToString("https://compliance.example.org/api/port25");
        assertThat(s.report().tokenFile()).contains(Path.of("/etc/port25-agent/token"));
    }

    /**
     * One bad file: its text, the key and line the error must name, a fragment of the problem,
     * and whether the JSON Schema can see it too (it cannot see a key given twice, unbalanced
     * pattern brackets, or broken YAML, which never becomes a document).
     */
    record Bad(String name, String yaml, String key, int line, String problem, boolean schemaSees) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badFiles() {
        return Stream.of(
                new Bad("unknown top-level key", "mode: audit\nmodes: enforce\n", "modes", 2,
                        "unknown key; the keys here are daemon, dns, firewall, host, inventory, mode, ports, probe, report, roles", true),
                new Bad("unknown nested key", "roles:\n  relay:\n    allowfrom: [198.18.0.0/15]\n",
                        "roles.relay.allowfrom", 3, "unknown key; the keys here are allowFrom", true),
                new Bad("text for a list", "ports: '25'\n", "ports", 1, "expected a list, found text", true),
                new Bad("text for a number", "ports: [25, \"587\"]\n", "ports[1]", 1,
                        "expected a whole number, found text", true),
                new Bad("unknown mode", "# comment\nmode: observe\n", "mode", 2,
                        "'observe' is not one of audit, enforce", true),
                new Bad("CIDR prefix too long", "roles:\n  relay:\n    allowFrom:\n      - 198.18.0.0/15\n"
                        + "      - 198.18.0.0/33\n", "roles.relay.allowFrom[1]", 5,
                        "'198.18.0.0/33' is not an address or network (CIDR): prefix /33 out of range", true),
                new Bad("a name for an address", "dns:\n  resolvers: [ns1.example.org]\n", "dns.resolvers[0]", 2,
                        "'ns1.example.org' is not an address or network (CIDR)", true),
                new Bad("unbalanced hostname pattern", "roles:\n  rules:\n    - hostname: \"mx[0-9.example.org\"\n"
                        + "      role: MAIL_SERVER\n", "roles.rules[0].hostname", 3, "has a '[' without its ']'", false),
                new Bad("hostname pattern with a space", "roles:\n  rules:\n    - hostname: \"mx 1\"\n"
                        + "      role: RELAY\n", "roles.rules[0].hostname", 3, "is not a host name pattern", true),
                new Bad("key given twice", "mode: audit\nports: [25]\nmode: enforce\n", "mode", 3,
                        "key given twice", false),
                new Bad("nested key given twice", "roles:\n  none:\n    blockEgress: true\n    blockEgress: false\n",
                        "roles.none.blockEgress", 4, "key given twice", false),
                new Bad("a tab in the indentation", "roles:\n  relay:\n\tallowFrom: []\n", "", 3,
                        "not valid YAML: while scanning for the next token: found character '\\t(TAB)'", false),
                new Bad("an unclosed quote", "mode: \"audit\nports: [25]\n", "", 3,
                        "not valid YAML: while scanning a quoted scalar: found unexpected end of stream", false),
                new Bad("key without a value", "probe:\n  users:\n", "probe.users", 2,
                        "has no value; give one, or leave the key out for its default", true),
                new Bad("port out of range", "ports: [25, 70000]\n", "ports", 1,
                        "70000 is not a TCP port (1-65535)", true),
                new Bad("rule without a role", "roles:\n  rules:\n    - hostname: mx1.example.org\n",
                        "roles.rules[0]", 3, "a rule needs a role (MAIL_SERVER, RELAY or NONE)", true),
                new Bad("unknown role", "roles:\n  rules:\n    - role: MAILSERVER\n", "roles.rules[0].role", 3,
                        "'MAILSERVER' is not one of MAIL_SERVER, RELAY, NONE", true),
                new Bad("plain http endpoint", "report:\n  endpoint: http://c.example.org/x\n", "report.endpoint", 2,
                        "is plain http; use https, or set insecure: true", true),
                new Bad("quoted 'true' for true", "roles:\n  none:\n    blockEgress: 'true'\n",
                        "roles.none.blockEgress", 3, "expected true or false, found text", true),
                new Bad("YAML 1.1's 'no' as a tag", "host:\n  tags: [web, no]\n", "host.tags[1]", 2,
                        "expected text, found true/false", true),
                new Bad("a list for the whole file", "- mode: audit\n", "", 1,
                        "expected a mapping of keys, found a list", true),
                new Bad("relative token file", "report:\n  tokenFile: token\n", "report.tokenFile", 2,
                        "'token' is not an absolute path", true),
                new Bad("tag with a space", "host:\n  tags: [\"a b\"]\n", "host.tags[0]", 2, "'a b' is not a tag", true),
                new Bad("single-label mail domain", "roles:\n  mailServer:\n    domains: [example]\n",
                        "roles.mailServer.domains[0]", 3, "'example' is not a mail domain", true),
                new Bad("timeout out of range", "probe:\n  connectTimeoutSeconds: 0\n", "probe.connectTimeoutSeconds", 2,
                        "0 is outside 1-300", true),
                new Bad("client certificate without its key", "report:\n  clientCertificate: /etc/p25/c.pem\n",
                        "report", 1, "clientCertificate and clientKey: give both (mutual TLS) or neither", true),
                new Bad("unknown report format", "report:\n  format: cef\n", "report.format", 2,
                        "'cef' is not one of port25, ocsf", true),
                new Bad("spool bound out of range", "report:\n  spool:\n    maxReports: 0\n",
                        "report.spool.maxReports", 3, "0 is outside 1-100000", true),
                new Bad("a cron expression with five fields", "daemon:\n  reportCron: \"0 * * * *\"\n",
                        "daemon.reportCron", 2, "is not a Quartz cron expression", false),
                new Bad("a metrics file the collector would not read", "daemon:\n  textfile: /tmp/port25.txt\n",
                        "daemon.textfile", 2, "is not an absolute path ending in .prom", true),
                new Bad("decimal for a whole number", "dns:\n  timeoutSeconds: 2.5\n", "dns.timeoutSeconds", 2,
                        "expected a whole number", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void eachBadFileGivesOneErrorNamingLineAndKey(Bad bad) throws Exception {
        assertThatThrownBy(() -> SettingsLoader.parse(bad.yaml(), "/etc/port25-agent/agent.yml"))
                .isInstanceOfSatisfying(SettingsException.class, e -> {
                    assertThat(e.key()).as(e.getMessage()).isEqualTo(bad.key());
                    assertThat(e.line()).as(e.getMessage()).contains(bad.line());
                    assertThat(e.problem()).as(e.getMessage()).contains(bad.problem());
                    assertThat(e.getMessage()).as("one line").doesNotContain("\n")
                            .startsWith("/etc/port25-agent/agent.yml:" + bad.line() + ":");
                });
        if (bad.schemaSees()) {
            assertThat(schemaErrors(bad.yaml())).as("the schema rejects it too").isNotEmpty();
        }
    }

    @Test
    void hostGlobsMatchAsShellPatternsIgnoringCase() {
        HostGlob mx = new HostGlob("mx[0-9].example.org");
        assertThat(mx.matches("MX1.Example.ORG")).isTrue();
        assertThat(mx.matches("mx12.example.org")).isFalse();
        assertThat(mx.matches("mx1xexample.org")).as("'.' is literal").isFalse();
        assertThat(new HostGlob("web-*").matches("web-01.prod")).isTrue();
        assertThat(new HostGlob("db?").matches("db1")).isTrue();
        assertThat(new HostGlob("db[!0-4]").matches("db5")).isTrue();
        assertThat(new HostGlob("db[!0-4]").matches("db3")).isFalse();
    }

    @Test
    void readNamesTheFileForMissingDirectoryAndNonUtf8() throws Exception {
        Path dir = Files.createTempDirectory("p25-settings");
        try {
            assertThatThrownBy(() -> SettingsLoader.read(dir.resolve("nope.yml")))
                    .hasMessage(dir.resolve("nope.yml") + ": no such file");
            assertThatThrownBy(() -> SettingsLoader.read(dir)).hasMessage(dir + ": is a directory, not a file");
            Path latin1 = dir.resolve("latin1.yml");
            Files.write(latin1, "host:\n  tags: [caf\u00e9]\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThatThrownBy(() -> SettingsLoader.read(latin1)).hasMessage(latin1 + ": is not UTF-8 text");
            Path big = dir.resolve("big.yml");
            Files.write(big, new byte[(int) SettingsLoader.MAX_BYTES + 1]);
            assertThatThrownBy(() -> SettingsLoader.read(big)).hasMessageContaining("is larger than 1048576 bytes");
            assertThat(SettingsLoader.load(Optional.empty()).settings()).as("no file at the default path here")
                    .isNotNull();
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
