package dev.port25.firewall.firewalld;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code firewall-cmd [--permanent] --list-all-zones}: each zone's interfaces, sources and
 * rich rules (firewalld 0.9 to 2.x layout: a zone name at the start of a line, optionally
 * followed by "(active)" or "(default)", then indented "key: value" lines, rich rules one per
 * tab-indented line after "rich rules:"). Pure.
 */
final class FirewalldZones {

    record Zone(String name, List<String> interfaces, List<String> sources, List<String> richRules) {
        Zone {
            interfaces = List.copyOf(interfaces);
            sources = List.copyOf(sources);
            richRules = List.copyOf(richRules);
        }

        boolean bound() {
            return !interfaces.isEmpty() || !sources.isEmpty();
        }
    }

    private FirewalldZones() {
    }

    static Map<String, Zone> parse(String output) {
        Map<String, Zone> zones = new LinkedHashMap<>();
        String name = null;
        List<String> interfaces = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<String> rich = new ArrayList<>();
        boolean inRich = false;
        for (String line : (output + "\n").split("\n", -1)) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                if (name != null) {
                    zones.put(name, new Zone(name, interfaces, sources, rich));
                }
                name = line.strip().split("\\s+")[0];
                interfaces = new ArrayList<>();
                sources = new ArrayList<>();
                rich = new ArrayList<>();
                inRich = false;
            } else if (name != null && line.startsWith("\t") && inRich) {
                rich.add(line.strip());
            } else if (name != null && !line.isBlank()) {
                String t = line.strip();
                inRich = t.startsWith("rich rules:");
                if (t.startsWith("interfaces:")) {
                    interfaces = words(t.substring("interfaces:".length()));
                } else if (t.startsWith("sources:")) {
                    sources = words(t.substring("sources:".length()));
                }
            }
        }
        if (name != null) {
            zones.put(name, new Zone(name, interfaces, sources, rich));
        }
        return zones;
    }

    private static List<String> words(String s) {
        String t = s.strip();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
}
