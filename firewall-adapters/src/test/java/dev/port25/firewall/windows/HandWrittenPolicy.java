package dev.port25.firewall.windows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A Windows Defender Firewall state for tests, written by hand in code (no Windows here): the
 * read script's JSON (see src/test/resources/windows/README.md), built up from a default host
 * (three profiles on, inbound Block, outbound Allow, no interface excluded, one connection
 * "Ethernet" in Public), then
 * parsed as a real read would be.
 */
final class HandWrittenPolicy {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode root = JSON.createObjectNode();

    HandWrittenPolicy() {
        root.put("format", 1);
        ArrayNode profiles = root.putArray("profiles");
        for (String name : List.of("Domain", "Private", "Public")) {
            profiles.addObject().put("name", name).put("enabled", 1).put("defaultInboundAction", 4)
                    .put("defaultOutboundAction", 2).put("allowInboundRules", 1).put("allowLocalFirewallRules", 1)
                    .putArray("disabledInterfaceAliases").add("NotConfigured"); // Windows' "none"
        }
        for (String list : List.of("rules", "portFilters", "addressFilters", "applicationFilters", "serviceFilters",
                "interfaceFilters", "interfaceTypeFilters", "securityFilters", "errors")) {
            root.putArray(list);
        }
        connections("Ethernet", 0);
    }

    /** Sets {@code field} of profile {@code name} (a number as the script gives it). */
    HandWrittenPolicy profile(String name, String field, int value) {
        root.withArray("profiles").forEach(p -> {
            if (p.get("name").asText().equals(name)) {
                ((ObjectNode) p).put(field, value);
            }
        });
        return this;
    }

    HandWrittenPolicy disabledInterface(String profile, String alias) {
        root.withArray("profiles").forEach(p -> {
            if (p.get("name").asText().equals(profile)) {
                ((ArrayNode) p.get("disabledInterfaceAliases")).add(alias);
            }
        });
        return this;
    }

    /** Replaces the connections: alias, category (Public 0, Private 1, DomainAuthenticated 2) pairs. */
    HandWrittenPolicy connections(Object... aliasAndCategory) {
        ArrayNode c = root.putArray("connections");
        for (int i = 0; i < aliasAndCategory.length; i += 2) {
            c.addObject().put("interfaceAlias", (String) aliasAndCategory[i])
                    .put("networkCategory", (Integer) aliasAndCategory[i + 1]);
        }
        return this;
    }

    /** A state-script error (a part not read). */
    HandWrittenPolicy error(String what) {
        root.withArray("errors").add(what);
        return this;
    }

    /** A new rule, by default: enabled, inbound, Block, TCP local port 25, from Any, every profile, local store. */
    Rule rule(String name) {
        return new Rule(name);
    }

    String json() {
        return root.toString();
    }

    WindowsState state() {
        PolicyJson.Read read = PolicyJson.parse(json());
        return new WindowsState(read.policy(), new WindowsFilter(read.policy(), read.unread()));
    }

    /** One rule and its filters. */
    final class Rule {
        private final ObjectNode rule;
        private final ObjectNode port;
        private final ObjectNode address;
        private final ObjectNode app;
        private final ObjectNode service;
        private final ObjectNode security;
        private final ObjectNode iface;
        private final ObjectNode ifaceType;

        private Rule(String name) {
            rule = root.withArray("rules").addObject().put("id", name).put("name", name).put("displayName", name)
                    .put("group", "").put("enabled", 1).put("direction", 1).put("action", 4).put("profile", 0)
                    .put("policyStoreSource", "PersistentStore").put("policyStoreSourceType", 1);
            rule.putArray("enforcementStatus").add("Enforced");
            port = root.withArray("portFilters").addObject().put("id", name).put("protocol", "TCP");
            port.putArray("localPort").add("25");
            port.putArray("remotePort").add("Any");
            address = root.withArray("addressFilters").addObject().put("id", name);
            address.putArray("localAddress").add("Any");
            address.putArray("remoteAddress").add("Any");
            app = root.withArray("applicationFilters").addObject().put("id", name).put("program", "Any")
                    .put("package", "");
            service = root.withArray("serviceFilters").addObject().put("id", name).put("service", "Any");
            security = root.withArray("securityFilters").addObject().put("id", name)
                    .put("authentication", "NotRequired").put("localUser", "Any").put("remoteUser", "Any")
                    .put("remoteMachine", "Any");
            iface = root.withArray("interfaceFilters").addObject().put("id", name);
            iface.putArray("interfaceAlias").add("Any");
            ifaceType = root.withArray("interfaceTypeFilters").addObject().put("id", name).put("interfaceType", "Any");
        }

        Rule allow() {
            rule.put("action", 2);
            return this;
        }

        Rule bypass() {
            rule.put("action", 3);
            return this;
        }

        Rule outbound() {
            rule.put("direction", 2);
            port.putArray("localPort").add("Any");
            port.putArray("remotePort").add("25");
            return this;
        }

        Rule disabled() {
            rule.put("enabled", 2);
            return this;
        }

        Rule profiles(int mask) {
            rule.put("profile", mask);
            return this;
        }

        /** From Group Policy (PolicyStoreSourceType 2), the GPO named. */
        Rule gpo(String gpo) {
            rule.put("policyStoreSource", gpo).put("policyStoreSourceType", 2);
            return this;
        }

        Rule group(String group) {
            rule.put("group", group);
            return this;
        }

        Rule enforcement(String... status) {
            return strings(rule, "enforcementStatus", status);
        }

        private Rule strings(ObjectNode node, String field, String... values) {
            ArrayNode a = node.putArray(field);
            for (String v : values) {
                a.add(v);
            }
            return this;
        }

        Rule protocol(String protocol) {
            port.put("protocol", protocol);
            return this;
        }

        Rule localPort(String... ports) {
            return strings(port, "localPort", ports);
        }

        Rule remote(String... addresses) {
            return strings(address, "remoteAddress", addresses);
        }

        /** Dynamic keyword addresses, on the address filter (where the read finds them, if Windows puts them there). */
        Rule dynamicKeywords(String... ids) {
            return strings(address, "dynamicKeywords", ids);
        }

        /** Dynamic keyword addresses, on the rule object itself. */
        Rule ruleDynamicKeywords(String... ids) {
            return strings(rule, "dynamicKeywords", ids);
        }

        Rule local(String... addresses) {
            return strings(address, "localAddress", addresses);
        }

        Rule program(String program) {
            app.put("program", program);
            return this;
        }

        Rule service(String name) {
            service.put("service", name);
            return this;
        }

        Rule authentication(String value) {
            security.put("authentication", value);
            return this;
        }

        Rule interfaceAlias(String alias) {
            return strings(iface, "interfaceAlias", alias);
        }

        Rule interfaceType(String type) {
            ifaceType.put("interfaceType", type);
            return this;
        }

        /** As if the read lost this rule's {@code list} filter (say "portFilters"). */
        Rule without(String list) {
            ArrayNode filters = root.withArray(list);
            for (int i = filters.size() - 1; i >= 0; i--) {
                if (filters.get(i).get("id").asText().equals(rule.get("id").asText())) {
                    filters.remove(i);
                }
            }
            return this;
        }

        /** A second {@code list} filter with this rule's InstanceID (a connection security rule's). */
        Rule twice(String list) {
            ArrayNode filters = root.withArray(list);
            for (int i = 0; i < filters.size(); i++) {
                if (filters.get(i).get("id").asText().equals(rule.get("id").asText())) {
                    filters.add(filters.get(i).deepCopy());
                    return this;
                }
            }
            throw new IllegalStateException("no " + list + " of " + rule.get("id"));
        }

        Rule source(int policyStoreSourceType, String store) {
            rule.put("policyStoreSourceType", policyStoreSourceType).put("policyStoreSource", store);
            return this;
        }

        /** Back to the policy, for the next rule. */
        HandWrittenPolicy and() {
            return HandWrittenPolicy.this;
        }
    }
}
