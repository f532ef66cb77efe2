package dev.port25.agent.smtp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.finding.FindingKind;

import java.nio.file.Path;
import java.util.List;

/** The {@code probe --json} document, schema {@value #SCHEMA}; see docs/probe-json.md. */
public final class SmtpProbeJson {

    public static final String SCHEMA = "port25-agent/probe/v1";
    public static final String LOCAL_SCHEMA = "port25-agent/probe-local/v1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SmtpProbeJson() {
    }

    public static String render(String target, SmtpProbeResult r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("target", target);
        root.put("source", "outside probe");
        if (r.banner().isPresent()) {
            root.put("banner", r.banner().get());
        } else {
            root.putNull("banner");
        }
        root.put("openRelay", r.openRelay());
        root.put("vrfyDisclosesUsers", r.vrfy() == SmtpProbeResult.Answer.DISCLOSES);
        root.put("vrfy", r.vrfy().name());
        root.put("expnEnabled", r.has(FindingKind.EXPN_ENABLED));
        root.put("expn", r.expn().name());
        root.put("rcpt", r.rcpt().name());
        root.put("rcptDomain", r.rcptDomain().orElse(null));
        root.put("starttlsOffered", r.starttlsOffered());
        root.put("authBeforeTls", !r.authBeforeTls().isEmpty());
        strings(root.putArray("authMechanismsBeforeTls"), r.authBeforeTls());
        strings(root.putArray("authMechanismsAfterTls"), r.authAfterTls());
        root.put("bannerLeaksSoftware", r.has(FindingKind.BANNER_LEAKS_SOFTWARE));
        strings(root.putArray("enumerableUsers"), r.enumerableUsers());
        strings(root.putArray("unansweredUsers"), r.unansweredUsers());
        strings(root.putArray("notes"), r.notes());
        if (r.tls().isPresent()) {
            TlsFacts t = r.tls().get();
            ObjectNode tls = root.putObject("tls");
            tls.put("protocol", t.protocol());
            tls.put("cipher", t.cipher());
            tls.put("subject", t.subject());
            tls.put("issuer", t.issuer());
            if (t.notAfter().isPresent()) {
                tls.put("notAfter", t.notAfter().get().toString());
            } else {
                tls.putNull("notAfter");
            }
            tls.put("selfSigned", t.selfSigned());
            tls.put("nameMatches", t.nameMatches());
            tls.put("trusted", t.trusted());
            if (t.error().isPresent()) {
                tls.put("error", t.error().get());
            } else {
                tls.putNull("error");
            }
        } else {
            root.putNull("tls");
        }
        ArrayNode relay = root.putArray("relayAttempts");
        for (SmtpProbeResult.RelayAttempt a : r.relayAttempts()) {
            relay.addObject().put("mailFrom", a.mailFrom()).put("rcptTo", a.rcptTo()).put("mailCode", a.mailCode())
                    .put("rcptCode", a.rcptCode()).put("accepted", a.accepted());
        }
        ArrayNode findings = root.putArray("findings");
        for (SmtpFinding f : r.findings()) {
            findings.addObject().put("id", f.kind().id()).put("name", f.kind().name()).put("severity", f.severity().name())
                    .put("title", f.title()).put("evidence", f.evidence());
        }
        if (r.error().isPresent()) {
            root.put("error", r.error().get());
        } else {
            root.putNull("error");
        }
        strings(root.putArray("transcript"), r.transcript());
        try {
            return MAPPER.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the probe document", e);
        }
    }

    /** The {@code probe --local --json} document, schema {@value #LOCAL_SCHEMA}. */
    public static String renderLocal(List<LocalSmtpAudit.Report> reports) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", LOCAL_SCHEMA);
        ArrayNode listeners = root.putArray("listeners");
        for (LocalSmtpAudit.Report r : reports) {
            listener(listeners.addObject(), r);
        }
        try {
            return MAPPER.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the local probe document", e);
        }
    }

    /** One listener of the local audit: endpoint, owners, MTA, verdicts with their sources, what the probes met. */
    public static void listener(ObjectNode l, LocalSmtpAudit.Report r) {
        l.put("namespace", r.namespace());
        l.put("endpoint", r.listener().endpoint());
        ArrayNode owners = l.putArray("owners");
        r.listener().owners().forEach(o -> owners.add(o.name() + "[" + o.pid() + "]"));
        if (r.configuration().isPresent()) {
            l.put("mta", "postfix");
            l.put("configDir", r.configuration().get().dir().toString());
            l.put("configRoot", r.configuration().get().root().map(Path::toString).orElse(null));
        } else if (r.exim().isPresent()) {
            l.put("mta", "exim");
            l.put("configDir", r.exim().get().file().map(Path::toString).orElse(null));
        } else {
            l.putNull("mta");
            l.putNull("configDir");
        }
        if (r.configError().isPresent()) {
            l.put("configError", r.configError().get());
        } else {
            l.putNull("configError");
        }
        ObjectNode v = l.putObject("verdicts");
        verdict(v.putObject("openRelay"), r.openRelay());
        verdict(v.putObject("userEnumeration"), r.userEnumeration());
        verdict(v.putObject("vrfyDisclosesUsers"), r.vrfyDisclosesUsers());
        verdict(v.putObject("starttlsOffered"), r.starttlsOffered());
        verdict(v.putObject("authBeforeTls"), r.authBeforeTls());
        verdict(v.putObject("bannerLeaksSoftware"), r.bannerLeaksSoftware());
        ObjectNode p = l.putObject("localProbe");
        p.put("source", "local probe");
        p.put("target", r.probed());
        p.put("banner", r.localProbe().banner().orElse(null));
        p.put("relayFormsAccepted", r.localProbe().relayAttempts().stream()
                .filter(SmtpProbeResult.RelayAttempt::accepted).count());
        p.put("vrfy", r.localProbe().vrfy().name());
        p.put("expn", r.localProbe().expn().name());
        p.put("rcpt", r.localProbe().rcpt().name());
        strings(p.putArray("findings"), r.localProbe().findings().stream().map(f -> f.kind().id() + " "
                + f.kind().name()).toList());
        p.put("error", r.localProbe().error().orElse(null));
        if (r.eximHostCheck().isPresent()) {
            SmtpProbeResult h = r.eximHostCheck().get();
            ObjectNode e = l.putObject("eximHostCheck");
            e.put("source", "configuration");
            e.put("relayFormsTried", h.relayAttempts().size());
            e.put("relayFormsAccepted", h.relayAttempts().stream().filter(SmtpProbeResult.RelayAttempt::accepted)
                    .count());
            e.put("vrfy", h.vrfy().name());
            e.put("expn", h.expn().name());
            e.put("rcpt", h.rcpt().name());
            strings(e.putArray("enumerableUsers"), h.enumerableUsers());
            e.put("error", h.error().orElse(null));
        } else {
            l.putNull("eximHostCheck");
        }
    }

    private static void verdict(ObjectNode n, LocalSmtpAudit.Verdict v) {
        if (v.value().isPresent()) {
            n.put("value", v.value().get());
        } else {
            n.putNull("value");
        }
        n.put("source", v.source() == LocalSmtpAudit.Source.CONFIGURATION ? "configuration" : "local probe");
        n.put("why", v.why());
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}
