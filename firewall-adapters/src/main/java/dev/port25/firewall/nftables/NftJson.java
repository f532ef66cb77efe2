package dev.port25.firewall.nftables;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses {@code nft -j list ruleset} (JSON schema version 1, nftables 0.9.x to 1.x). Pure. */
final class NftJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NftJson() {
    }

    static NftRuleset parse(String json) {
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
        for (JsonNode item : items) {
            if (item.has("metainfo")) {
                version = text(item.get("metainfo"), "version");
            } else if (item.has("table")) {
                JsonNode t = item.get("table");
                tables.add(new NftRuleset.Table(t.path("family").asText(), t.path("name").asText()));
            } else if (item.has("chain")) {
                JsonNode c = item.get("chain");
                chains.add(new NftRuleset.Chain(c.path("family").asText(), c.path("table").asText(),
                        c.path("name").asText(), text(c, "type"), text(c, "hook"),
                        c.has("prio") ? Optional.of(c.get("prio").asInt()) : Optional.empty(), text(c, "policy")));
            } else if (item.has("rule")) {
                JsonNode r = item.get("rule");
                rules.add(new NftRuleset.Rule(r.path("family").asText(), r.path("table").asText(),
                        r.path("chain").asText(), r.path("handle").asLong(), text(r, "comment"),
                        r.path("expr").toString()));
            }
        }
        return new NftRuleset(version, tables, chains, rules);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }
}
