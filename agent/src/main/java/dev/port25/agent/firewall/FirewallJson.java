package dev.port25.agent.firewall;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.RuleRef;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.net.IpFamily;

import java.util.List;
import java.util.Map;

/**
 * The {@code firewall --json} document, schema {@value #SCHEMA}; fields are described in
 * {@code docs/firewall-json.md}. A field may be added in a later version, none renamed or removed.
 */
public final class FirewallJson {

    /** Identifies this document's schema and version. */
    public static final String SCHEMA = "port25-agent/firewall/v1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FirewallJson() {
    }

    public static String render(FirewallReport r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("port", r.port());
        if (r.backend().isPresent()) {
            root.put("backend", r.backend().get());
        } else {
            root.putNull("backend");
        }
        root.put("backendDetail", r.backendDetail());
        for (IpFamily f : IpFamily.values()) {
            if (r.exposures().containsKey(f)) {
                exposure(root.putObject(f.label()), r.exposures().get(f));
            } else if (r.decisions().containsKey(f)) {
                FirewallReport.Sourced s = r.decisions().get(f);
                ObjectNode n = root.putObject(f.label());
                n.put("from", IpAddresses.text(s.source()));
                if (s.inInterface().isPresent()) {
                    n.put("interface", s.inInterface().get());
                } else {
                    n.putNull("interface");
                }
                n.put("verdict", s.decision().verdict().name());
                rules(n.putArray("decidedBy"), s.decision().decidedBy().stream().toList());
                strings(n.putArray("notes"), s.decision().notes());
            } else {
                root.putNull(f.label());
            }
        }
        strings(root.putArray("layers"), r.layers());
        strings(root.putArray("unread"), r.unread());
        try {
            return MAPPER.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the firewall document", e);
        }
    }

    private static void exposure(ObjectNode n, Exposure e) {
        n.put("verdict", e.level().name());
        ArrayNode allowed = n.putArray("allowedFrom");
        e.allowedFrom().forEach(c -> allowed.add(cidr(c)));
        ObjectNode by = n.putObject("byInterface");
        for (Map.Entry<String, Exposure.Level> i : e.byInterface().entrySet()) {
            by.put(i.getKey(), i.getValue().name());
        }
        rules(n.putArray("decidedBy"), e.decidedBy());
        strings(n.putArray("notes"), e.notes());
    }

    /** "198.18.0.0/15", "fd00::/8": addresses as ss and ip print them. */
    static String cidr(Cidr c) {
        return IpAddresses.text(c.network()) + "/" + c.prefix();
    }

    private static void rules(ArrayNode a, List<RuleRef> refs) {
        for (RuleRef ref : refs) {
            a.addObject().put("where", ref.where()).put("rule", ref.text());
        }
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}
