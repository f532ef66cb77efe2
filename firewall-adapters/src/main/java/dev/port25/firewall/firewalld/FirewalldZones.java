package dev.port25.firewall.firewalld;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.firewall.spi.FirewallException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * firewalld's configuration as its own client library reads it: one Python process, started
 * with the interpreter {@code firewall-cmd} names in its first line, asks firewalld over D-Bus
 * for the default zone, every zone's interfaces, sources and rich rules and the direct rules,
 * runtime and permanent, and prints them as JSON ({@link #SCRIPT}). That is what five
 * {@code firewall-cmd} runs would read, at the cost of one: each is a Python start and its
 * imports (~0.2 s of CPU; five at once took 1.5-2 s on two cores, one takes ~0.25 s).
 */
final class FirewalldZones {

    /**
     * @param packagedCopy permanent: the zone has a file of its own in /etc/firewalld/zones whose
     *                     settings, without the agent's rich rules, are those of the packaged zone
     *                     it copies (firewalld writes that copy on a zone's first permanent change)
     */
    record Zone(String name, List<String> interfaces, List<String> sources, List<String> richRules,
                boolean packagedCopy) {
        Zone {
            interfaces = List.copyOf(interfaces);
            sources = List.copyOf(sources);
            richRules = List.copyOf(richRules);
        }

        Zone(String name, List<String> interfaces, List<String> sources, List<String> richRules) {
            this(name, interfaces, sources, richRules, false);
        }

        boolean bound() {
            return !interfaces.isEmpty() || !sources.isEmpty();
        }
    }

    /**
     * What firewalld holds, without the packet filter.
     *
     * @param direct          runtime direct rules, each as its arguments after {@code --add-rule}
     * @param directPermanent permanent direct rules
     */
    record Config(String defaultZone, Map<String, Zone> runtime, Map<String, Zone> permanent, List<List<String>> direct,
                  List<List<String>> directPermanent) {
    }

    /** firewalld's public client API (firewall.client, 0.9 to 2.x); an error is a traceback and a non-zero exit. */
    static final String SCRIPT = """
            import json, sys
            from firewall.client import FirewallClient
            def zone(name, s):
                return {"interfaces": list(s.getInterfaces()), "sources": list(s.getSources()), "rich": list(s.getRichRules())}
            def norm(d, ours):
                out = {}
                for k, v in d.items():
                    if k == "version" or v in ([], (), "", False, None, {}):
                        continue
                    if k == "target" and v in ("default", "{chain}_{zone}"):
                        continue
                    if k == "rules_str":
                        v = [r for r in v if not ours(r)]
                    if isinstance(v, (list, tuple)):
                        v = sorted(str(x) for x in v)
                        if not v:
                            continue
                    out[k] = v
                return out
            def packaged_copy(name, obj):
                # firewalld 1.3: "builtin" and "default" are false once /etc holds the zone's file
                try:
                    import os
                    from firewall import config
                    from firewall.core.io.zone import zone_reader
                    if obj.get_property("path") == config.FIREWALLD_ZONES \\
                            or not os.path.exists(os.path.join(config.FIREWALLD_ZONES, name + ".xml")):
                        return False
                    packaged = zone_reader(name + ".xml", config.FIREWALLD_ZONES).export_config_dict()
                    ours = lambda r: 'priority="-25025"' in r or 'priority="-25024"' in r
                    return norm(dict(obj.getSettings().getSettingsDict()), ours) == norm(packaged, ours)
                except Exception:
                    return False
            def permanent(cfg, z):
                obj = cfg.getZoneByName(z)
                p = zone(z, obj.getSettings())
                p["packagedCopy"] = packaged_copy(z, obj)
                return p
            def direct(rules):
                return [[r[0], r[1], r[2], str(r[3])] + list(r[4]) for r in rules]
            c = FirewallClient()
            cfg = c.config()
            out = {"default": c.getDefaultZone(),
                   "runtime": {z: zone(z, c.getZoneSettings(z)) for z in c.getZones()},
                   "permanent": {z: permanent(cfg, z) for z in cfg.getZoneNames()},
                   "direct": direct(c.getAllRules()),
                   "permanentDirect": direct(cfg.direct().getAllRules())}
            json.dump(out, sys.stdout)
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private FirewalldZones() {
    }

    /**
     * The argv that runs {@link #SCRIPT} given on stdin: the interpreter from the first line of the first
     * {@code firewall-cmd} on {@code path} (the one that has firewalld's client library), or
     * empty when there is none.
     */
    static Optional<List<String>> readerArgv(String path) {
        for (String dir : path.split(File.pathSeparator)) {
            Path cmd = Path.of(dir.isEmpty() ? "." : dir, "firewall-cmd");
            if (!Files.isRegularFile(cmd)) {
                continue;
            }
            try (var in = Files.newBufferedReader(cmd, StandardCharsets.UTF_8)) {
                String first = in.readLine();
                if (first == null || !first.startsWith("#!")) {
                    return Optional.empty();
                }
                List<String> argv = new ArrayList<>(List.of(first.substring(2).strip().split("\\s+")));
                argv.add("-"); // the script comes on stdin
                return Optional.of(argv);
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty(); // a binary: no first line to read
            }
        }
        return Optional.empty();
    }

    /** The reader's output. */
    static Config parse(String json) throws FirewallException {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.path("default").isTextual()) {
                throw new FirewallException("firewalld: the reader printed no default zone: " + json);
            }
            return new Config(root.get("default").asText(), zones(root.path("runtime")), zones(root.path("permanent")),
                    rules(root.path("direct")), rules(root.path("permanentDirect")));
        } catch (IOException e) {
            throw new FirewallException("firewalld: the reader's output is not JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Zone> zones(JsonNode node) {
        Map<String, Zone> zones = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            zones.put(e.getKey(), new Zone(e.getKey(), strings(e.getValue().path("interfaces")),
                    strings(e.getValue().path("sources")), strings(e.getValue().path("rich")),
                    e.getValue().path("packagedCopy").asBoolean(false)));
        }
        return zones;
    }

    private static List<List<String>> rules(JsonNode node) {
        List<List<String>> out = new ArrayList<>();
        node.forEach(r -> out.add(strings(r)));
        return out;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }
}
