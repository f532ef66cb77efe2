package dev.port25.agent.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SmtpTranscript} as JSON and back: {@code {"mode": "FULL", "events": [...]}}, each event
 * an object with a {@code type} ({@code connected}, {@code exchange}, {@code tls}, {@code ended},
 * {@code relayTried}, {@code stopped}) and the record's fields under their own names; an
 * exchange's outcome is {@code reply} ({@code code}, {@code lines}) or {@code noReply}
 * ({@code trouble}, {@code detail}), an absent {@code ask} or a TLS fact that is empty is null.
 * Reading is strict: a missing field or an unknown type is an {@link IllegalArgumentException}.
 */
public final class SmtpTranscriptJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SmtpTranscriptJson() {
    }

    public static ObjectNode write(SmtpTranscript t) {
        ObjectNode root = NODES.objectNode();
        root.put("mode", t.mode().name());
        ArrayNode events = root.putArray("events");
        for (SmtpTranscript.Event e : t.events()) {
            ObjectNode n = events.addObject();
            if (e instanceof SmtpTranscript.Connected c) {
                n.put("type", "connected").put("session", c.session());
            } else if (e instanceof SmtpTranscript.Exchange x) {
                exchange(n.put("type", "exchange"), x);
            } else if (e instanceof SmtpTranscript.Tls s) {
                n.put("type", "tls").put("session", s.session()).put("at", s.at().toString());
                tls(n.putObject("facts"), s.facts());
            } else if (e instanceof SmtpTranscript.Ended d) {
                n.put("type", "ended").put("part", d.part().name());
            } else if (e instanceof SmtpTranscript.RelayTried r) {
                n.put("type", "relayTried").put("mailFrom", r.mailFrom()).put("rcptTo", r.rcptTo());
            } else {
                n.put("type", "stopped").put("error", ((SmtpTranscript.Stopped) e).error());
            }
        }
        return root;
    }

    private static void exchange(ObjectNode n, SmtpTranscript.Exchange x) {
        n.put("session", x.session()).put("command", x.command());
        if (x.outcome() instanceof SmtpTranscript.Replied r) {
            ObjectNode reply = n.putObject("reply").put("code", r.reply().code());
            r.reply().lines().forEach(reply.putArray("lines")::add);
        } else {
            SmtpTranscript.NoReply no = (SmtpTranscript.NoReply) x.outcome();
            n.putObject("noReply").put("trouble", no.trouble().name()).put("detail", no.detail());
        }
        if (x.ask().isPresent()) {
            SmtpTranscript.Ask a = x.ask().get();
            ObjectNode ask = n.putObject("ask").put("question", a.question()).put("verb", a.verb().name());
            ask.put("user", a.user().orElse(null)).put("at", a.at());
        } else {
            n.putNull("ask");
        }
    }

    private static void tls(ObjectNode n, TlsFacts t) {
        n.put("protocol", t.protocol()).put("cipher", t.cipher()).put("subject", t.subject())
                .put("issuer", t.issuer()).put("notAfter", t.notAfter().map(Instant::toString).orElse(null))
                .put("selfSigned", t.selfSigned()).put("nameMatches", t.nameMatches()).put("trusted", t.trusted())
                .put("error", t.error().orElse(null));
    }

    public static SmtpTranscript read(JsonNode root) {
        List<SmtpTranscript.Event> events = new ArrayList<>();
        for (JsonNode n : field(root, "events")) {
            String type = text(n, "type");
            events.add(switch (type) {
                case "connected" -> new SmtpTranscript.Connected(field(n, "session").asInt());
                case "exchange" -> new SmtpTranscript.Exchange(field(n, "session").asInt(), text(n, "command"),
                        outcome(n), n.hasNonNull("ask") ? Optional.of(ask(n.get("ask"))) : Optional.empty());
                case "tls" -> new SmtpTranscript.Tls(field(n, "session").asInt(), facts(field(n, "facts")),
                        Instant.parse(text(n, "at")));
                case "ended" -> new SmtpTranscript.Ended(SmtpTranscript.Part.valueOf(text(n, "part")));
                case "relayTried" -> new SmtpTranscript.RelayTried(text(n, "mailFrom"), text(n, "rcptTo"));
                case "stopped" -> new SmtpTranscript.Stopped(text(n, "error"));
                default -> throw new IllegalArgumentException("unknown transcript event type '" + type + "'");
            });
        }
        return new SmtpTranscript(SmtpTranscript.Mode.valueOf(text(root, "mode")), events);
    }

    private static SmtpTranscript.Outcome outcome(JsonNode n) {
        if (n.hasNonNull("reply")) {
            JsonNode r = n.get("reply");
            List<String> lines = new ArrayList<>();
            field(r, "lines").forEach(l -> lines.add(l.asText()));
            return new SmtpTranscript.Replied(new SmtpReply(field(r, "code").asInt(), lines));
        }
        JsonNode no = field(n, "noReply");
        return new SmtpTranscript.NoReply(SmtpTranscript.Trouble.valueOf(text(no, "trouble")), text(no, "detail"));
    }

    private static SmtpTranscript.Ask ask(JsonNode a) {
        return new SmtpTranscript.Ask(field(a, "question").asInt(), SmtpTranscript.Verb.valueOf(text(a, "verb")),
                a.hasNonNull("user") ? Optional.of(a.get("user").asText()) : Optional.empty(), text(a, "at"));
    }

    private static TlsFacts facts(JsonNode t) {
        return new TlsFacts(text(t, "protocol"), text(t, "cipher"), text(t, "subject"), text(t, "issuer"),
                t.hasNonNull("notAfter") ? Optional.of(Instant.parse(t.get("notAfter").asText())) : Optional.empty(),
                field(t, "selfSigned").asBoolean(), field(t, "nameMatches").asBoolean(),
                field(t, "trusted").asBoolean(), t.hasNonNull("error") ? Optional.of(t.get("error").asText())
                : Optional.empty());
    }

    private static JsonNode field(JsonNode n, String name) {
        if (!n.has(name)) {
            throw new IllegalArgumentException("transcript: no '" + name + "' in " + n);
        }
        return n.get(name);
    }

    private static String text(JsonNode n, String name) {
        return field(n, name).asText();
    }
}
