package dev.port25.firewall.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code nft -j list ruleset} (JSON schema version 1, nftables 0.9.x to 1.x), in one pass,
 * into the {@link NftRuleset} that the evaluation and the nftables adapter both read. Pure.
 */
public final class NftJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NftJson() {
    }

    /** @throws IllegalArgumentException when {@code json} is not JSON or has no "nftables" array */
    public static NftRuleset parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("nft -j output is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode items = root == null ? null : root.get("nftables");
        if (items == null || !items.isArray()) {
            throw new IllegalArgumentException("nft -j output has no \"nftables\" array");
        }
        Optional<String> version = Optional.empty();
        List<NftRuleset.Table> tables = new ArrayList<>();
        List<NftRuleset.Chain> chains = new ArrayList<>();
        List<NftRuleset.Rule> rules = new ArrayList<>();
        List<NftRuleset.NamedSet> sets = new ArrayList<>();
        List<NftRuleset.TableObject> objects = new ArrayList<>();
        for (JsonNode item : items) {
            String kind = item.fieldNames().hasNext() ? item.fieldNames().next() : "";
            JsonNode body = item.get(kind);
            if (body == null) {
                continue;
            }
            switch (kind) {
                case "metainfo" -> version = text(body, "version");
                case "table" -> tables.add(new NftRuleset.Table(body.path("family").asText(),
                        body.path("name").asText(), body.path("handle").asLong()));
                case "rule" -> rules.add(new NftRuleset.Rule(body.path("family").asText(), body.path("table").asText(),
                        body.path("chain").asText(), body.path("handle").asLong(), text(body, "comment"),
                        body.path("expr")));
                default -> {
                    if (kind.equals("chain")) {
                        JsonNode dev = body.get("dev");
                        chains.add(new NftRuleset.Chain(body.path("family").asText(), body.path("table").asText(),
                                body.path("name").asText(), text(body, "type"), text(body, "hook"),
                                body.has("prio") ? Optional.of(body.get("prio").asInt()) : Optional.empty(),
                                text(body, "policy"), dev == null ? Optional.empty()
                                : Optional.of(dev.isArray() ? dev.path(0).asText() : dev.asText()),
                                body.path("handle").asLong()));
                    } else if (kind.equals("set") || kind.equals("map")) {
                        sets.add(new NftRuleset.NamedSet(body.path("family").asText(), body.path("table").asText(),
                                kind, body.path("name").asText(), body.path("elem")));
                    }
                    if (body.has("table")) {
                        objects.add(new NftRuleset.TableObject(body.path("family").asText(),
                                body.path("table").asText(), kind, body.path("name").asText()));
                    }
                }
            }
        }
        return new NftRuleset(version, tables, chains, rules, sets, objects);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }
}
