package dev.port25.agent.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The case folders under {@code src/test/resources/smtp-cases/<case>/}: {@code transcript.json}
 * (the probe's options and target, and the transcript a real server produced), {@code expected.json}
 * (the judge's result: the {@code probe --json} document plus the EHLO capabilities it leaves out)
 * and {@code source.txt} (which server, version and test recorded it).
 */
final class SmtpCases {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One recorded case.
     *
     * @param target     "host:port" as the probe document shows it
     * @param options    the probe's options (timeouts and bounds are the defaults: they do not reach the judge)
     * @param transcript what was said
     */
    record Case(String target, SmtpProbe.Options options, SmtpTranscript transcript) {
    }

    private SmtpCases() {
    }

    static String transcriptJson(Case c) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode probe = root.putObject("probe");
        probe.put("target", c.target());
        probe.put("heloName", c.options().heloName());
        c.options().users().forEach(probe.putArray("users")::add);
        probe.put("domain", c.options().domain().orElse(null));
        c.options().mailDomains().forEach(probe.putArray("mailDomains")::add);
        root.set("transcript", SmtpTranscriptJson.write(c.transcript()));
        return MAPPER.writeValueAsString(root) + "\n";
    }

    static Case read(Path dir) throws IOException {
        JsonNode root = MAPPER.readTree(Files.readString(dir.resolve("transcript.json")));
        JsonNode p = root.get("probe");
        List<String> users = new ArrayList<>();
        p.get("users").forEach(u -> users.add(u.asText()));
        List<String> mailDomains = new ArrayList<>();
        p.get("mailDomains").forEach(u -> mailDomains.add(u.asText()));
        SmtpProbe.Options d = SmtpProbe.Options.defaults();
        SmtpProbe.Options options = new SmtpProbe.Options(p.get("heloName").asText(), users,
                p.hasNonNull("domain") ? Optional.of(p.get("domain").asText()) : Optional.empty(), mailDomains,
                d.connectTimeout(), d.limits());
        return new Case(p.get("target").asText(), options, SmtpTranscriptJson.read(root.get("transcript")));
    }

    /** The result as {@code expected.json} holds it. */
    static JsonNode resultJson(String target, SmtpProbeResult r) throws IOException {
        ObjectNode doc = (ObjectNode) MAPPER.readTree(SmtpProbeJson.render(target, r));
        r.capabilities().forEach(doc.putArray("capabilities")::add);
        return doc;
    }

    static void write(Path dir, Case c, SmtpProbeResult judged, String source) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("transcript.json"), transcriptJson(c));
        Files.writeString(dir.resolve("expected.json"), MAPPER.writeValueAsString(resultJson(c.target(), judged)) + "\n");
        Files.writeString(dir.resolve("source.txt"), source.strip() + "\n");
    }
}
