package dev.port25.agent.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.dns.Answer;
import dev.port25.agent.dns.MailDomainRecords;
import dev.port25.agent.dns.PolicyFetch;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.smtp.SmtpProbeJson;
import dev.port25.agent.status.StatusJson;

import java.util.Locale;

/**
 * The {@code audit --json} document, schema {@value #SCHEMA}: the status document's fields (see
 * {@code docs/status-json.md}) under this schema id, with {@code firewall.backend} detected, plus
 * {@code hostname}, {@code mode}, {@code smtp} (each listener as in {@code probe --local
 * --json}) and {@code dns} (a MAIL_SERVER's mail domains' records). Documented in {@code docs/audit-json.md}.
 */
public final class AuditJson {

    public static final String SCHEMA = "port25-agent/audit/v1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AuditJson() {
    }

    /** One mail domain's answers as asked (see docs/audit-json.md). */
    private static void domain(ObjectNode n, MailDomainRecords d) {
        n.put("domain", d.domain());
        ArrayNode spf = n.putArray("spf");
        d.spf().forEach(x -> answer(spf.addObject(), x.name(), x.answer()));
        ArrayNode dmarc = n.putArray("dmarc");
        d.dmarc().forEach(x -> answer(dmarc.addObject(), x.name(), x.answer()));
        answer(n.putObject("mtaSts"), "_mta-sts." + d.domain(), d.mtaSts());
        if (d.policy().isEmpty()) {
            n.putNull("policy");
        } else {
            PolicyFetch p = d.policy().get();
            ObjectNode policy = n.putObject("policy");
            policy.put("url", p.url());
            policy.put("body", p.body().orElse(null));
            policy.put("error", p.error().orElse(null));
        }
        if (d.mx().isEmpty()) {
            n.putNull("mx");
        } else {
            answer(n.putObject("mx"), d.domain(), d.mx().get());
        }
        answer(n.putObject("tlsRpt"), "_smtp._tls." + d.domain(), d.tlsRpt());
    }

    private static void answer(ObjectNode n, String name, Answer a) {
        n.put("name", name);
        n.put("status", a.status().name());
        ArrayNode records = n.putArray("records");
        a.values().forEach(records::add);
        n.put("detail", a.detail());
    }

    public static String render(AuditReport report) {
        try {
            return MAPPER.writeValueAsString(tree(report)) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the audit document", e);
        }
    }

    /** The document as a tree, for documents that extend it (the compliance report). */
    public static ObjectNode tree(AuditReport report) {
        ObjectNode status = StatusJson.tree(report.status());
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("hostname", report.hostname());
        root.put("mode", report.mode().name().toLowerCase(Locale.ROOT));
        status.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("schema")) {
                root.set(e.getKey(), e.getValue());
            }
        });
        ArrayNode smtp = root.putArray("smtp");
        for (LocalSmtpAudit.Report r : report.smtp()) {
            SmtpProbeJson.listener(smtp.addObject(), r);
        }
        if (report.dns().isEmpty()) {
            root.putNull("dns");
        } else {
            ArrayNode dns = root.putArray("dns");
            report.dns().get().forEach(d -> domain(dns.addObject(), d));
        }
        return root;
    }
}
