package dev.port25.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.port25.agent.audit.AuditReport;
import dev.port25.agent.facts.Facts;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.policy.Evaluator;
import dev.port25.agent.policy.EvaluatorTest;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.status.StatusJsonTest;
import dev.port25.agent.status.StatusService;
import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The report as the endpoint receives it, in both formats, against the shipped schema. */
class ReportDocumentTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HostIdentity HOST = new HostIdentity("mx1", Optional.of("0123456789abcdef0123456789abcdef"),
            "Debian GNU/Linux", "12", "", "0.1.0");

    static ComplianceReport report(AuditReport audit) {
        return new ComplianceReport(UUID.fromString("6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"),
                Instant.parse("2026-11-28T12:00:00Z"), ComplianceReport.Trigger.VERDICT_CHANGE, HOST, audit,
                List.of("enforce: nftables now holds 25 inbound CLOSED"), 7);
    }

    static AuditReport critical() throws Exception {
        return new AuditReport(StatusJsonTest.postfixLikeHost(), "mx1", Settings.Mode.AUDIT, List.of(), Optional.empty());
    }

    /** A mail server listening on every address, the firewall open: OK, and no finding at all. */
    static AuditReport ok() throws Exception {
        Facts facts = new Facts("test-host", new RoleResolver.Decision(Role.MAIL_SERVER, "test"), Settings.defaults(),
                Facts.Result.of(new Inventory(InventorySource.NETLINK, Set.of(25),
                        List.of(EvaluatorTest.tcp("0.0.0.0", Optional.empty())), List.of())),
                EvaluatorTest.recorded("no-rules", List.of(25)), Optional.of(List.of()));
        return new AuditReport(StatusService.report(facts, Evaluator.evaluate(facts), "defaults"), "mx1",
                Settings.Mode.ENFORCE, List.of(), Optional.empty());
    }

    @Test
    void thePort25DocumentCarriesTheAuditAndWhoSentItAndPassesTheSchema() throws Exception {
        JsonNode doc = JSON.readTree(ReportDocument.render(report(critical()), Settings.Format.PORT25));
        assertThat(doc.get("schema").asText()).isEqualTo(ReportDocument.SCHEMA);
        assertThat(doc.get("id").asText()).isEqualTo("6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f");
        assertThat(doc.get("createdAt").asText()).isEqualTo("2026-11-28T12:00:00Z");
        assertThat(doc.get("trigger").asText()).isEqualTo("verdict-change");
        assertThat(doc.at("/host/machineId").asText()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(doc.at("/host/os/family").asText()).isEqualTo("Debian GNU/Linux");
        assertThat(doc.get("verdict").asText()).isEqualTo("CRITICAL");
        assertThat(doc.get("findings").size()).isEqualTo(critical().status().findings().size()).isPositive();
        assertThat(doc.get("actions").get(0).asText()).startsWith("enforce: nftables");
        assertThat(doc.at("/spool/dropped").asLong()).isEqualTo(7);
        JsonNode schema = JSON.readTree(Fixtures.text("/dev/port25/config/report-v1.schema.json"));
        assertThat(schema.at("/properties/schema/const").asText()).isEqualTo(ReportDocument.SCHEMA);
        Schema validator = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12).getSchema(schema);
        assertThat(validator.validate(doc)).isEmpty();
        List<String> names = new ArrayList<>();
        doc.fieldNames().forEachRemaining(names::add);
        List<String> required = new ArrayList<>();
        schema.get("required").forEach(n -> required.add(n.asText()));
        List<String> added = List.of("namespaces", "namespaceGaps"); // within v1, not required of older documents
        List<String> expected = new ArrayList<>(required);
        expected.addAll(added);
        assertThat(names).as("the schema requires every field but those added within v1, and names no other")
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(required).doesNotContainAnyElementsOf(added);
        List<String> properties = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(properties::add);
        assertThat(properties).containsAll(added);
        JsonNode ok = JSON.readTree(ReportDocument.render(report(ok()), Settings.Format.PORT25));
        assertThat(validator.validate(ok)).isEmpty();
        ((ObjectNode) ok.get("host")).put("machineId", "not-an-id");
        assertThat(validator.validate(ok)).as("the schema can fail").isNotEmpty();
    }

    @Test
    void ocsfGivesOneComplianceFindingPerFindingOrOnePass() throws Exception {
        JsonNode events = JSON.readTree(ReportDocument.render(report(critical()), Settings.Format.OCSF));
        var findings = critical().status().findings();
        assertThat(events.size()).isEqualTo(findings.size());
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            assertThat(e.get("class_uid").asInt()).isEqualTo(2003);
            assertThat(e.get("category_uid").asInt()).isEqualTo(2);
            assertThat(e.get("type_uid").asInt()).isEqualTo(200301);
            assertThat(e.get("time").asLong()).isEqualTo(Instant.parse("2026-11-28T12:00:00Z").toEpochMilli());
            assertThat(e.at("/metadata/version").asText()).isEqualTo(ReportDocument.OCSF_VERSION);
            assertThat(e.at("/metadata/correlation_uid").asText()).isEqualTo("6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f");
            assertThat(e.at("/compliance/control").asText()).isEqualTo(findings.get(i).kind().id());
            assertThat(e.at("/finding_info/desc").asText()).isEqualTo(findings.get(i).evidence());
            assertThat(e.at("/finding_info/uid").asText()).startsWith("0123456789abcdef0123456789abcdef:"
                    + findings.get(i).kind().id() + ":");
            assertThat(e.get("severity_id").asInt()).isEqualTo(ReportDocument.severityId(findings.get(i).severity()));
            assertThat(e.at("/device/hostname").asText()).isEqualTo("mx1");
            assertThat(e.at("/remediation/desc").asText()).isEqualTo(findings.get(i).kind().remediation());
        }
        assertThat(events.findValuesAsText("status")).contains("Fail");
        JsonNode again = JSON.readTree(ReportDocument.render(report(critical()), Settings.Format.OCSF));
        assertThat(again.findValuesAsText("uid")).as("finding uids are stable across reports")
                .isEqualTo(events.findValuesAsText("uid"));

        assertThat(ok().status().findings()).isEmpty();
        JsonNode pass = JSON.readTree(ReportDocument.render(report(ok()), Settings.Format.OCSF));
        assertThat(pass.size()).isEqualTo(1);
        assertThat(pass.at("/0/compliance/status").asText()).isEqualTo("Pass");
        assertThat(pass.at("/0/compliance/status_id").asInt()).isEqualTo(1);
        assertThat(pass.at("/0/severity_id").asInt()).isEqualTo(1);
    }

    @Test
    void theMachineIdIsTheFirstFileThatHoldsOne() throws Exception {
        Path dir = Files.createTempDirectory("p25-mid-");
        try {
            Path empty = Files.writeString(dir.resolve("a"), "\n");
            Path good = Files.writeString(dir.resolve("b"), "0123456789abcdef0123456789abcdef\n");
            assertThat(HostIdentity.machineId(List.of(dir.resolve("missing"), empty, good)))
                    .hasValue("0123456789abcdef0123456789abcdef");
            assertThat(HostIdentity.machineId(List.of(empty))).isEmpty();
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
