package dev.port25.agent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.audit.AuditJson;
import dev.port25.agent.finding.Finding;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.platform.OperatingSystem;
import dev.port25.agent.settings.Settings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A compliance report as the endpoint receives it: the agent's own document (schema
 * {@value #SCHEMA}, {@code config/.../report-v1.schema.json}, {@code docs/report-json.md}), or
 * OCSF Compliance Finding events (class_uid 2003), one per finding, or one "Pass" event when
 * there is none.
 */
public final class ReportDocument {

    public static final String SCHEMA = "port25-agent/report/v1";
    /** The OCSF schema version the events follow. */
    public static final String OCSF_VERSION = "1.3.0";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportDocument() {
    }

    public static byte[] render(ComplianceReport r, Settings.Format format) {
        Object doc = format == Settings.Format.OCSF ? ocsf(r) : port25(r);
        try {
            return (MAPPER.writeValueAsString(doc) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the report", e);
        }
    }

    /** Every field of the audit document (docs/audit-json.md) under this schema, and the report's own. */
    static ObjectNode port25(ComplianceReport r) {
        ObjectNode audit = AuditJson.tree(r.audit());
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("id", r.id().toString());
        root.put("createdAt", r.created().toString());
        root.put("trigger", r.trigger().label());
        host(root.putObject("host"), r.host());
        audit.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("schema")) {
                root.set(e.getKey(), e.getValue());
            }
        });
        ArrayNode actions = root.putArray("actions");
        r.actions().forEach(actions::add);
        root.putObject("spool").put("dropped", r.dropped());
        return root;
    }

    private static void host(ObjectNode n, HostIdentity h) {
        n.put("hostname", h.hostname());
        n.put("machineId", h.machineId().orElse(null));
        ObjectNode os = n.putObject("os");
        os.put("family", h.osFamily());
        os.put("version", h.osVersion());
        os.put("build", h.osBuild());
        n.put("agentVersion", h.agentVersion());
    }

    /** OCSF Compliance Finding events. */
    static ArrayNode ocsf(ComplianceReport r) {
        ArrayNode events = MAPPER.createArrayNode();
        List<Finding> findings = r.audit().status().findings();
        if (findings.isEmpty()) {
            ObjectNode e = event(events, r, 0, 1, "Informational");
            e.put("message", "port 25 exposure is as the host's role needs");
            ObjectNode info = e.putObject("finding_info");
            info.put("uid", subject(r) + ":port25-agent");
            info.put("title", "port 25 exposure is as the host's role needs");
            info.put("desc", String.join("; ", r.audit().status().reasons()));
            info.putArray("types").add("port25-agent");
            info.put("created_time", r.created().toEpochMilli());
            ObjectNode c = e.putObject("compliance");
            c.put("control", "port25-agent");
            c.putArray("standards").add("port25-agent role policy");
            c.put("status_id", 1);
            c.put("status", "Pass");
            return events;
        }
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            ObjectNode e = event(events, r, i, severityId(f.severity()), severityName(f.severity()));
            e.put("message", f.kind().title());
            ObjectNode info = e.putObject("finding_info");
            info.put("uid", subject(r) + ":" + f.kind().id() + ":" + digest(f.evidence()));
            info.put("title", f.kind().title());
            info.put("desc", f.evidence());
            info.putArray("types").add(f.kind().id());
            info.put("created_time", r.created().toEpochMilli());
            ObjectNode c = e.putObject("compliance");
            c.put("control", f.kind().id());
            ArrayNode standards = c.putArray("standards");
            f.kind().references().forEach(standards::add);
            boolean fail = f.severity() == Severity.CRITICAL || f.severity() == Severity.HIGH;
            c.put("status_id", fail ? 3 : 2);
            c.put("status", fail ? "Fail" : "Warning");
            c.put("status_detail", f.evidence());
            e.putObject("remediation").put("desc", f.kind().remediation());
        }
        return events;
    }

    private static ObjectNode event(ArrayNode events, ComplianceReport r, int index, int severityId, String severity) {
        ObjectNode e = events.addObject();
        e.put("class_uid", 2003);
        e.put("class_name", "Compliance Finding");
        e.put("category_uid", 2);
        e.put("category_name", "Findings");
        e.put("activity_id", 1);
        e.put("activity_name", "Create");
        e.put("type_uid", 200301);
        e.put("type_name", "Compliance Finding: Create");
        e.put("time", r.created().toEpochMilli());
        e.put("severity_id", severityId);
        e.put("severity", severity);
        e.put("status_id", 1);
        e.put("status", "New");
        ObjectNode meta = e.putObject("metadata");
        meta.put("version", OCSF_VERSION);
        meta.put("uid", r.id() + "#" + index);
        meta.put("correlation_uid", r.id().toString());
        ObjectNode product = meta.putObject("product");
        product.put("name", "port25-agent");
        product.put("vendor_name", "port25-agent");
        product.put("version", r.host().agentVersion());
        ObjectNode device = e.putObject("device");
        device.put("hostname", r.host().hostname());
        r.host().machineId().ifPresent(id -> device.put("uid", id));
        device.put("type_id", 1);
        device.put("type", "Server");
        ObjectNode os = device.putObject("os");
        os.put("name", r.host().osFamily());
        os.put("version", r.host().osVersion());
        os.put("type_id", osType());
        ObjectNode unmapped = e.putObject("unmapped");
        unmapped.put("verdict", r.audit().status().verdict().name());
        unmapped.put("role", r.audit().status().role().role().name());
        unmapped.put("report_schema", SCHEMA);
        return e;
    }

    /** What the finding is about, stable across reports: the machine id, else the host name. */
    private static String subject(ComplianceReport r) {
        return r.host().machineId().orElse(r.host().hostname());
    }

    private static String digest(String evidence) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(evidence.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int severityId(Severity s) {
        return switch (s) {
            case CRITICAL -> 5;
            case HIGH -> 4;
            case MEDIUM -> 3;
            case LOW -> 2;
        };
    }

    private static String severityName(Severity s) {
        return s.name().charAt(0) + s.name().substring(1).toLowerCase(Locale.ROOT);
    }

    /** OCSF os type_id: 100 Windows, 200 Linux, 300 macOS, 0 unknown. */
    private static int osType() {
        return switch (OperatingSystem.current()) {
            case WINDOWS -> 100;
            case LINUX -> 200;
            case MACOS -> 300;
            case OTHER -> 0;
        };
    }
}
