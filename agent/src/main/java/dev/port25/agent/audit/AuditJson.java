package dev.port25.agent.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.smtp.SmtpProbeJson;
import dev.port25.agent.status.StatusJson;

/**
 * The {@code audit --json} document, schema {@value #SCHEMA}: the status document's fields (see
 * {@code docs/status-json.md}) under this schema id, with {@code firewall.backend} detected, plus
 * {@code hostname}, {@code mode} and {@code smtp} (each listener as in {@code probe --local
 * --json}). Documented in {@code docs/audit-json.md}.
 */
public final class AuditJson {

    public static final String SCHEMA = "port25-agent/audit/v1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AuditJson() {
    }

    public static String render(AuditReport report) {
        ObjectNode status = StatusJson.tree(report.status());
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("hostname", report.hostname());
        root.put("mode", report.mode().name().toLowerCase(java.util.Locale.ROOT));
        status.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("schema")) {
                root.set(e.getKey(), e.getValue());
            }
        });
        ArrayNode smtp = root.putArray("smtp");
        for (LocalSmtpAudit.Report r : report.smtp()) {
            SmtpProbeJson.listener(smtp.addObject(), r);
        }
        try {
            return MAPPER.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the audit document", e);
        }
    }
}
