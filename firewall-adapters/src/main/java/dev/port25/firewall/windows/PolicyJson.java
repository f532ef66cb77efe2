package dev.port25.firewall.windows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.firewall.windows.WindowsPolicy.Act;
import dev.port25.firewall.windows.WindowsPolicy.Conditions;
import dev.port25.firewall.windows.WindowsPolicy.FwRule;
import dev.port25.firewall.windows.WindowsPolicy.GpoBool;
import dev.port25.firewall.windows.WindowsPolicy.Kind;
import dev.port25.firewall.windows.WindowsPolicy.Profile;
import dev.port25.firewall.windows.WindowsPolicy.Source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The parser of {@link PowerShell#READ}'s JSON. It takes every shape Windows PowerShell 5.1's
 * ConvertTo-Json is known to give for the same value: a bare object where one element was
 * expected in an array, {@code ""} or {@code null} for an empty collection, the
 * {@code {"value": [...], "Count": n}} wrapper of an array with extended properties, and an enum
 * as its number, its number as a string, or its name ("Block", "True", "Private, Public").
 */
final class PolicyJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A dynamic keyword address's id: a GUID, in braces as Windows writes it. */
    private static final Pattern KEYWORD_ID = Pattern.compile("\\{?[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}}?");

    /** What one read gave: the policy, and what could not be read. */
    record Read(WindowsPolicy policy, List<String> unread) {
        Read {
            unread = List.copyOf(unread);
        }
    }

    private PolicyJson() {
    }

    /** @throws IllegalArgumentException when the text is not the read script's JSON */
    static Read parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json.strip());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("rules") || !root.has("profiles")) {
            throw new IllegalArgumentException("not the state script's output: no 'profiles' and 'rules'");
        }
        List<Profile> profiles = new ArrayList<>();
        for (JsonNode p : list(root.get("profiles"))) {
            profiles.add(new Profile(kind(text(p, "name")), gpo(p.get("enabled")), act(p.get("defaultInboundAction")),
                    act(p.get("defaultOutboundAction")), gpo(p.get("allowInboundRules")),
                    gpo(p.get("allowLocalFirewallRules")), strings(p.get("disabledInterfaceAliases")).stream()
                    .filter(a -> !a.equalsIgnoreCase("NotConfigured")).toList())); // {NotConfigured}: none
        }
        Map<String, List<JsonNode>> ports = byId(root.get("portFilters"));
        Map<String, List<JsonNode>> addresses = byId(root.get("addressFilters"));
        Map<String, List<JsonNode>> applications = byId(root.get("applicationFilters"));
        Map<String, List<JsonNode>> services = byId(root.get("serviceFilters"));
        Map<String, List<JsonNode>> interfaces = byId(root.get("interfaceFilters"));
        Map<String, List<JsonNode>> interfaceTypes = byId(root.get("interfaceTypeFilters"));
        Map<String, List<JsonNode>> security = byId(root.get("securityFilters"));
        List<FwRule> rules = new ArrayList<>();
        for (JsonNode r : list(root.get("rules"))) {
            String id = text(r, "id");
            List<String> unread = new ArrayList<>();
            JsonNode port = one(ports, id, "port", unread);
            JsonNode address = one(addresses, id, "address", unread);
            JsonNode app = one(applications, id, "application", unread);
            JsonNode service = one(services, id, "service", unread);
            JsonNode iface = one(interfaces, id, "interface", unread);
            JsonNode ifaceType = one(interfaceTypes, id, "interface type", unread);
            JsonNode sec = one(security, id, "security", unread);
            Conditions any = Conditions.ANY;
            Conditions when = new Conditions(
                    port == null ? any.protocol() : orAny(text(port, "protocol")),
                    port == null ? any.localPorts() : anyIfEmpty(strings(port.get("localPort"))),
                    port == null ? any.remotePorts() : anyIfEmpty(strings(port.get("remotePort"))),
                    address == null ? any.localAddresses() : anyIfEmpty(strings(address.get("localAddress"))),
                    remoteAddresses(r, address),
                    app == null ? any.program() : orAny(text(app, "program")),
                    service == null ? any.service() : orAny(text(service, "service")),
                    app == null ? any.appPackage() : text(app, "package"),
                    iface == null ? any.interfaceAliases() : anyIfEmpty(strings(iface.get("interfaceAlias"))),
                    ifaceType == null ? any.interfaceType() : orAny(text(ifaceType, "interfaceType")),
                    sec == null ? any.authentication() : text(sec, "authentication"),
                    sec == null ? "" : text(sec, "localUser"),
                    sec == null ? "" : text(sec, "remoteUser"),
                    sec == null ? "" : text(sec, "remoteMachine"),
                    unread);
            int enabled = number(r.get("enabled"), Map.of("true", 1, "false", 2));
            int direction = number(r.get("direction"), Map.of("inbound", 1, "outbound", 2));
            rules.add(new FwRule(id, text(r, "name"), text(r, "displayName"), text(r, "group"), enabled == 1,
                    direction == 1, act(r.get("action")), profileMask(r.get("profile")),
                    text(r, "policyStoreSource"), source(r.get("policyStoreSourceType")),
                    strings(r.get("enforcementStatus")), when));
        }
        List<WindowsPolicy.Connection> connections = new ArrayList<>();
        for (JsonNode c : list(root.get("connections"))) {
            int category = number(c.get("networkCategory"), Map.of("public", 0, "private", 1, "domainauthenticated", 2));
            connections.add(new WindowsPolicy.Connection(text(c, "interfaceAlias"),
                    category == 2 ? Kind.DOMAIN : category == 1 ? Kind.PRIVATE : Kind.PUBLIC));
        }
        return new Read(new WindowsPolicy(profiles, rules, connections), strings(root.get("errors")));
    }

    /** The elements of a collection in any of 5.1's shapes. */
    static List<JsonNode> list(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || (node.isTextual() && node.asText().isEmpty())) {
            return List.of();
        }
        if (node.isArray()) {
            List<JsonNode> out = new ArrayList<>();
            node.forEach(out::add);
            return out;
        }
        if (node.isObject() && node.has("value") && node.has("Count") && node.size() == 2) {
            return list(node.get("value"));
        }
        return List.of(node);
    }

    /**
     * A rule's remote addresses: those of its address filter, or, when the rule or its filter
     * names dynamic keyword addresses, those keywords ("DynamicKeyword {id}"), which stand for
     * addresses the read did not resolve (a rule uses them instead of explicit addresses). Only
     * values shaped as their ids are ({GUID}) count: another property whose name happens to
     * match makes no rule UNKNOWN.
     */
    private static List<String> remoteAddresses(JsonNode rule, JsonNode address) {
        List<String> keywords = new ArrayList<>(strings(rule.get("dynamicKeywords")));
        if (address != null) {
            keywords.addAll(strings(address.get("dynamicKeywords")));
        }
        List<String> named = keywords.stream().map(String::strip).filter(k -> KEYWORD_ID.matcher(k).matches())
                .distinct().map(k -> Tokens.DYNAMIC_KEYWORD + k).toList();
        if (!named.isEmpty()) {
            return named;
        }
        return address == null ? Conditions.ANY.remoteAddresses() : anyIfEmpty(strings(address.get("remoteAddress")));
    }

    /** The values of a collection as text; numbers as their text. */
    static List<String> strings(JsonNode node) {
        return list(node).stream().filter(n -> !n.isNull()).map(JsonNode::asText).toList();
    }

    private static Map<String, List<JsonNode>> byId(JsonNode node) {
        Map<String, List<JsonNode>> out = new HashMap<>();
        for (JsonNode n : list(node)) {
            out.computeIfAbsent(text(n, "id"), k -> new ArrayList<>()).add(n);
        }
        return out;
    }

    /** The one filter of a type for rule {@code id}; null, with why in {@code unread}, when there is none or more. */
    private static JsonNode one(Map<String, List<JsonNode>> filters, String id, String type, List<String> unread) {
        List<JsonNode> found = filters.getOrDefault(id, List.of());
        if (found.size() == 1) {
            return found.get(0);
        }
        unread.add(found.isEmpty() ? "its " + type + " filter was not read"
                : found.size() + " " + type + " filters share its InstanceID");
        return null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static String orAny(String v) {
        return v.isBlank() ? "Any" : v;
    }

    private static List<String> anyIfEmpty(List<String> v) {
        return v.isEmpty() ? List.of("Any") : v;
    }

    /** An enum as its number, its number in a string, or its (case-insensitive) name in {@code names}. */
    private static int number(JsonNode node, Map<String, Integer> names) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("a value is missing where an enum was expected");
        }
        if (node.isNumber()) {
            return node.asInt();
        }
        String t = node.asText().strip();
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            Integer n = names.get(t.toLowerCase(Locale.ROOT).replace(" ", ""));
            if (n == null) {
                throw new IllegalArgumentException("'" + t + "' is not one of " + names.keySet(), e);
            }
            return n;
        }
    }

    private static GpoBool gpo(JsonNode node) {
        int n = number(node, Map.of("false", 0, "true", 1, "notconfigured", 2));
        return switch (n) {
            case 0 -> GpoBool.FALSE;
            case 1 -> GpoBool.TRUE;
            case 2 -> GpoBool.NOT_CONFIGURED;
            default -> throw new IllegalArgumentException("GpoBoolean " + n + " is not 0, 1 or 2");
        };
    }

    private static Act act(JsonNode node) {
        int n = number(node, Map.of("notconfigured", 0, "allow", 2, "allowbypass", 3, "block", 4));
        return switch (n) {
            case 0 -> Act.NOT_CONFIGURED;
            case 2 -> Act.ALLOW;
            case 3 -> Act.ALLOW_BYPASS;
            case 4 -> Act.BLOCK;
            default -> throw new IllegalArgumentException("action " + n + " is not 0, 2, 3 or 4");
        };
    }

    private static Source source(JsonNode node) {
        int n = number(node, Map.of("none", 0, "local", 1, "grouppolicy", 2, "dynamic", 3, "generated", 4,
                "hardcoded", 5, "mdm", 6));
        return n >= 0 && n <= 6 ? Source.values()[n] : Source.OTHER;
    }

    /** A profile mask: a number, or names as "Private, Public", "Any". */
    private static int profileMask(JsonNode node) {
        if (node != null && node.isTextual() && node.asText().contains(",")) {
            int mask = 0;
            for (String part : node.asText().split(",")) {
                mask |= kind(part.strip()).bit;
            }
            return mask;
        }
        int n = number(node, Map.of("any", 0, "domain", 1, "private", 2, "public", 4));
        return n == 0x7fffffff ? 0 : n;
    }

    private static Kind kind(String name) {
        return Optional.of(name.strip().toUpperCase(Locale.ROOT)).filter(n -> List.of("DOMAIN", "PRIVATE", "PUBLIC")
                .contains(n)).map(Kind::valueOf)
                .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not Domain, Private or Public"));
    }
}
