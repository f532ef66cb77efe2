package dev.port25.agent.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.firewall.eval.Decision;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.RuleRef;
import dev.port25.firewall.eval.Verdict;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The firewall document and summary, and the shipped schema naming the same fields and values. */
class FirewallJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final RuleRef DROP = new RuleRef("nftables inet admin in", "tcp dport 25 drop # handle 3");

    private static FirewallReport exposures() {
        return new FirewallReport(25, Optional.of("nftables"), "1 nftables table loaded",
                Map.of(IpFamily.IPV4, new Exposure(IpFamily.IPV4, Exposure.Level.RESTRICTED,
                                List.of(Cidr.parse("198.18.25.0/30")), Map.of(), List.of(DROP), List.of()),
                        IpFamily.IPV6, new Exposure(IpFamily.IPV6, Exposure.Level.CLOSED, List.of(),
                                byInterface(), List.of(DROP),
                                List.of())),
                Map.of(), List.of("nftables inet admin"), List.of());
    }

    /** In interface order, as the exposure keeps it (Map.of has no order). */
    private static Map<String, Exposure.Level> byInterface() {
        Map<String, Exposure.Level> m = new LinkedHashMap<>();
        m.put("eth0", Exposure.Level.CLOSED);
        m.put("docker0", Exposure.Level.CLOSED);
        return m;
    }

    private static FirewallReport decision() throws Exception {
        return new FirewallReport(25, Optional.empty(), "no firewall backend can act here", Map.of(),
                Map.of(IpFamily.IPV6, new FirewallReport.Sourced(InetAddress.getByName("fd00:25::9"), Optional.of("eth0"),
                        new Decision(Verdict.DROP, Optional.of(DROP), List.of()))),
                List.of("nftables inet admin"), List.of());
    }

    @Test
    void schemaInConfigModuleMatchesTheDocuments() throws Exception {
        JsonNode schema = MAPPER.readTree(Fixtures.text("/dev/port25/config/firewall-v1.schema.json"));
        JsonNode all = MAPPER.readTree(FirewallJson.render(exposures()));
        JsonNode one = MAPPER.readTree(FirewallJson.render(decision()));
        assertThat(fields(all)).isEqualTo(strings(schema.get("required")));
        assertThat(fields(one)).isEqualTo(strings(schema.get("required")));
        assertThat(fields(all.get("ipv4"))).isEqualTo(strings(schema.at("/$defs/exposure/required")));
        assertThat(fields(one.get("ipv6"))).isEqualTo(strings(schema.at("/$defs/decision/required")));
        assertThat(one.get("ipv4").isNull()).as("a family not asked about").isTrue();
        assertThat(fields(all.at("/ipv4/decidedBy/0"))).isEqualTo(strings(schema.at("/$defs/rule/required")));
        assertThat(strings(schema.at("/$defs/exposure/properties/verdict/enum")))
                .isEqualTo(Arrays.stream(Exposure.Level.values()).map(Enum::name).toList());
        assertThat(strings(schema.at("/$defs/decision/properties/verdict/enum")))
                .isEqualTo(Arrays.stream(Verdict.values()).map(Enum::name).toList());
        assertThat(schema.at("/properties/schema/const").asText()).isEqualTo(FirewallJson.SCHEMA);
        assertThat(all.at("/ipv4/allowedFrom/0").asText()).isEqualTo("198.18.25.0/30");
        assertThat(one.at("/ipv6/from").asText()).as("addresses as ip and ss print them").isEqualTo("fd00:25::9");
        assertThat(one.get("backend").isNull()).isTrue();
    }

    @Test
    void summaryNamesTheVerdictsAndTheirRules() throws Exception {
        StringWriter out = new StringWriter();
        FirewallText.print(exposures(), new PrintWriter(out));
        assertThat(out.toString()).isEqualTo("""
                backend: nftables (1 nftables table loaded)
                ipv4: RESTRICTED on TCP port 25 from 198.18.25.0/30
                  decided by nftables inet admin in: tcp dport 25 drop # handle 3
                ipv6: CLOSED on TCP port 25
                  on eth0: CLOSED
                  on docker0: CLOSED
                  decided by nftables inet admin in: tcp dport 25 drop # handle 3
                layers: nftables inet admin
                """);
        assertThat(exposures().decided()).isTrue();
        assertThat(decision().decided()).isTrue();
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
}
