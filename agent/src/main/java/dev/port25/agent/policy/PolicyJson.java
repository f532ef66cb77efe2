package dev.port25.agent.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.facts.Facts;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.finding.Finding;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.net.IpFamily;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The policy's parts of the status and audit documents: role, findings, firewall. */
public final class PolicyJson {

    private PolicyJson() {
    }

    /** {@code {"name": "NONE", "why": "..."}} */
    public static void role(ObjectNode n, RoleResolver.Decision role) {
        n.put("name", role.role().name());
        n.put("why", role.why());
    }

    /** Each finding with its catalogue entry. */
    public static void findings(ArrayNode a, List<Finding> findings) {
        for (Finding f : findings) {
            ObjectNode n = a.addObject();
            n.put("id", f.kind().id());
            n.put("name", f.kind().name());
            n.put("severity", f.severity().name());
            n.put("title", f.kind().title());
            n.put("evidence", f.evidence());
            n.put("remediation", f.kind().remediation());
            ArrayNode refs = n.putArray("references");
            f.kind().references().forEach(refs::add);
        }
    }

    /** backend, error, inbound (and egress when judged) per port and family, unread layers. */
    public static void firewall(ObjectNode n, Facts.Result<Facts.FirewallView> firewall) {
        if (firewall.value().isEmpty()) {
            n.putNull("backend");
            n.put("error", firewall.error().orElseThrow());
            n.putArray("inbound");
            n.putArray("egress");
            n.putArray("unread");
            return;
        }
        Facts.FirewallView v = firewall.value().get();
        if (v.backend().isPresent()) {
            n.put("backend", v.backend().get());
        } else {
            n.putNull("backend");
        }
        n.putNull("error");
        exposures(n.putArray("inbound"), v.inbound());
        exposures(n.putArray("egress"), v.egress());
        ArrayNode unread = n.putArray("unread");
        v.unread().forEach(unread::add);
    }

    private static void exposures(ArrayNode a, Map<Integer, Map<IpFamily, Exposure>> byPort) {
        byPort.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(p -> p.getValue().values().stream()
                .sorted(Comparator.comparing(Exposure::family)).forEach(e -> {
                    ObjectNode x = a.addObject();
                    x.put("port", p.getKey());
                    x.put("family", e.family().label());
                    x.put("level", e.level().name());
                    ArrayNode from = x.putArray("allowed");
                    e.allowedFrom().forEach(c -> from.add(c.toString()));
                    ArrayNode notes = x.putArray("notes");
                    e.notes().forEach(notes::add);
                }));
    }
}
