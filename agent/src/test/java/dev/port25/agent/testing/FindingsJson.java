package dev.port25.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The findings of an agent's JSON document (status, audit), as the tests read them. */
public final class FindingsJson {

    private FindingsJson() {
    }

    /** The evidence of each finding {@code id} in {@code doc}, in order. */
    public static List<String> evidence(JsonNode doc, String id) {
        return evidence(doc, id, Optional.empty());
    }

    /** The evidence of each finding {@code id} of {@code severity} in {@code doc}, in order. */
    public static List<String> evidence(JsonNode doc, String id, String severity) {
        return evidence(doc, id, Optional.of(severity));
    }

    private static List<String> evidence(JsonNode doc, String id, Optional<String> severity) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : doc.get("findings")) {
            if (f.get("id").asText().equals(id) && severity.map(s -> f.get("severity").asText().equals(s)).orElse(true)) {
                out.add(f.get("evidence").asText());
            }
        }
        return out;
    }
}
