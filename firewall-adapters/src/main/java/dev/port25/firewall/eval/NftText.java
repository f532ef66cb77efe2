package dev.port25.firewall.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders nft JSON expressions back into nft's own syntax, close to what {@code nft list ruleset}
 * prints, so a rule reference reads like the ruleset the operator knows. Counters are left out.
 */
final class NftText {

    private NftText() {
    }

    static String rule(JsonNode exprs) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : exprs) {
            String s = statement(e);
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return String.join(" ", parts);
    }

    private static String statement(JsonNode e) {
        if (!e.fieldNames().hasNext()) {
            return "";
        }
        String kind = e.fieldNames().next();
        JsonNode v = e.get(kind);
        return switch (kind) {
            case "match" -> {
                String op = v.path("op").asText("==");
                yield expr(v.get("left")) + (op.equals("==") || op.equals("in") ? " " : " " + op + " ")
                        + expr(v.get("right"));
            }
            case "counter" -> "";
            case "accept", "drop", "return", "continue", "notrack" -> kind;
            case "jump", "goto" -> kind + " " + v.path("target").asText();
            case "reject" -> "reject" + (v.isObject() && v.has("type") ? " with " + v.get("type").asText()
                    + (v.has("expr") ? " " + v.get("expr").asText() : "") : "");
            case "log" -> "log" + (v.has("prefix") ? " prefix \"" + v.get("prefix").asText() + "\"" : "");
            case "limit" -> "limit rate " + v.path("rate").asText() + "/" + v.path("per").asText();
            case "dnat", "snat" -> kind + " to " + v.path("addr").asText()
                    + (v.has("port") ? ":" + v.get("port").asText() : "");
            case "xt" -> "xt " + v.path("type").asText() + " " + v.path("name").asText();
            case "vmap" -> expr(v.get("key")) + " vmap " + expr(v.get("data"));
            default -> kind + (v == null || v.isNull() ? "" : " " + v);
        };
    }

    static String expr(JsonNode n) {
        if (n == null || n.isNull()) {
            return "";
        }
        if (n.isTextual() || n.isNumber() || n.isBoolean()) {
            String t = n.asText();
            return n.isBoolean() ? (n.asBoolean() ? "exists" : "missing") : t.contains(" ") ? "\"" + t + "\"" : t;
        }
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            n.forEach(x -> parts.add(expr(x)));
            return String.join(", ", parts);
        }
        if (n.has("payload")) {
            return n.get("payload").path("protocol").asText() + " " + n.get("payload").path("field").asText();
        }
        if (n.has("meta")) {
            return "meta " + n.get("meta").path("key").asText();
        }
        if (n.has("ct")) {
            return "ct " + n.get("ct").path("key").asText();
        }
        if (n.has("fib")) {
            List<String> flags = new ArrayList<>();
            n.get("fib").path("flags").forEach(f -> flags.add(f.asText()));
            return "fib " + String.join(" . ", flags) + " " + n.get("fib").path("result").asText();
        }
        if (n.has("set")) {
            return "{ " + expr(n.get("set")) + " }";
        }
        if (n.has("prefix")) {
            return n.get("prefix").path("addr").asText() + "/" + n.get("prefix").path("len").asText();
        }
        if (n.has("range")) {
            return expr(n.get("range").path(0)) + "-" + expr(n.get("range").path(1));
        }
        if (n.has("elem")) {
            return expr(n.get("elem").path("val"));
        }
        if (n.has("&")) {
            return expr(n.get("&").path(0)) + " & " + expr(n.get("&").path(1));
        }
        if (n.has("concat")) {
            List<String> parts = new ArrayList<>();
            n.get("concat").forEach(x -> parts.add(expr(x)));
            return String.join(" . ", parts);
        }
        for (Map.Entry<String, JsonNode> f : n.properties()) {
            if (f.getValue().isNull()) {
                return f.getKey();
            }
        }
        return n.toString();
    }
}
