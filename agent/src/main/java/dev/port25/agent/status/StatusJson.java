package dev.port25.agent.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.facts.Facts;
import dev.port25.agent.inventory.Container;
import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.policy.PolicyJson;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.net.IpAddresses;

import java.util.List;
import java.util.Optional;

/**
 * The {@code status --json} document, schema {@value #SCHEMA}. Field names and meanings are
 * documented in {@code docs/status-json.md} and in the JSON Schema
 * {@code dev/port25/config/status-v1.schema.json} of the config module; a field may be added in
 * a later version of this schema, none is renamed or removed.
 */
public final class StatusJson {

    /** Identifies this document's schema and version. */
    public static final String SCHEMA = "port25-agent/status/v1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatusJson() {
    }

    /** The document as pretty-printed JSON with a trailing newline. */
    public static String render(StatusReport report) {
        return render(tree(report));
    }

    /** A document tree (as {@link #tree} made it, perhaps extended) as pretty-printed JSON. */
    public static String render(ObjectNode tree) {
        try {
            return MAPPER.writeValueAsString(tree) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the status document", e);
        }
    }

    /** The document as a tree, for documents that extend it ({@code audit --json}). */
    public static ObjectNode tree(StatusReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("verdict", report.verdict().name());
        strings(root.putArray("reasons"), report.reasons());
        PolicyJson.role(root.putObject("role"), report.role());
        root.put("settings", report.settingsSource());
        ArrayNode ports = root.putArray("ports");
        report.ports().forEach(ports::add);
        ObjectNode inventory = root.putObject("inventory");
        if (report.inventory().isPresent()) {
            Inventory inv = report.inventory().get();
            inventory.put("source", inv.source().label());
            inventory.putNull("error");
            strings(inventory.putArray("gaps"), inv.gaps());
            ArrayNode listeners = root.putArray("listeners");
            inv.listeners().forEach(l -> listener(listeners.addObject(), l));
        } else {
            inventory.putNull("source");
            inventory.put("error", report.error().orElseThrow());
            inventory.putArray("gaps");
            root.putNull("listeners");
        }
        PolicyJson.firewall(root.putObject("firewall"), report.firewall());
        PolicyJson.findings(root.putArray("findings"), report.findings());
        ArrayNode namespaces = root.putArray("namespaces");
        report.namespaces().forEach(ns -> namespace(namespaces.addObject(), ns));
        strings(root.putArray("namespaceGaps"), report.namespaceGaps());
        return root;
    }

    private static void namespace(ObjectNode n, Facts.Namespace ns) {
        NetNamespace where = ns.where();
        n.put("name", where.name());
        if (where.inode().isPresent()) {
            n.put("inode", where.inode().getAsLong());
        } else {
            n.putNull("inode");
        }
        ArrayNode mounts = n.putArray("mounts");
        where.mounts().forEach(m -> mounts.add(m.toString()));
        n.put("processes", where.pids().size());
        if (ns.interfaces().isPresent()) {
            strings(n.putArray("interfaces"), ns.interfaces().get());
        } else {
            n.putNull("interfaces");
        }
        optional(n, "error", ns.inventory().error());
        if (ns.inventory().value().isPresent()) {
            ArrayNode listeners = n.putArray("listeners");
            ns.inventory().value().get().listeners().forEach(l -> listener(listeners.addObject(), l));
        } else {
            n.putNull("listeners");
        }
        PolicyJson.firewall(n.putObject("firewall"), ns.firewall());
        if (ns.reach().value().isPresent()) {
            reach(n.putObject("reach"), ns.reach().value().get());
        } else {
            n.putNull("reach");
        }
        optional(n, "reachError", ns.reach().error());
    }

    private static void reach(ObjectNode n, Facts.Reach r) {
        ArrayNode addresses = n.putArray("addresses");
        r.addresses().forEach(a -> addresses.add(IpAddresses.text(a)));
        strings(n.putArray("viaHost"), r.viaHost());
        ArrayNode elsewhere = n.putArray("elsewhere");
        for (Facts.Way w : r.elsewhere()) {
            ObjectNode x = elsewhere.addObject();
            x.put("interface", w.name());
            x.put("what", w.what());
            x.put("hostNetwork", w.hostNetwork());
        }
        ArrayNode published = n.putArray("published");
        for (PacketFilter.Published p : r.published()) {
            ObjectNode x = published.addObject();
            x.put("hostPort", p.hostPort());
            x.put("target", p.target().toString());
            x.put("family", p.exposure().family().label());
            x.put("level", p.exposure().level().name());
            ArrayNode from = x.putArray("allowed");
            p.exposure().allowedFrom().forEach(c -> from.add(c.toString()));
            ArrayNode by = x.putArray("decidedBy");
            p.exposure().decidedBy().forEach(rule -> by.add(rule.toString()));
            strings(x.putArray("notes"), p.exposure().notes());
        }
    }

    private static void listener(ObjectNode n, Listener l) {
        n.put("protocol", l.protocol().label());
        n.put("family", l.family().label());
        n.put("address", l.addressText());
        n.put("port", l.port());
        optional(n, "v6only", l.v6only());
        n.put("scope", l.scope().name());
        n.put("addressClass", l.addressClass().name());
        ArrayNode over = n.putArray("reachableOver");
        l.reachableOver().stream().map(Family::label).forEach(over::add);
        optional(n, "interface", l.boundInterface());
        if (l.uid().isPresent()) {
            n.put("uid", l.uid().getAsInt());
        } else {
            n.putNull("uid");
        }
        if (l.inode().isPresent()) {
            n.put("inode", l.inode().getAsLong());
        } else {
            n.putNull("inode");
        }
        ArrayNode owners = n.putArray("owners");
        l.owners().forEach(o -> owner(owners.addObject(), o));
        optional(n, "ownersUnknown", l.ownersUnknown());
        if (l.container().isPresent()) {
            Container c = l.container().get();
            ObjectNode cn = n.putObject("container");
            cn.put("runtime", c.runtime());
            cn.put("id", c.id());
            optional(cn, "name", c.name());
            optional(cn, "image", c.image());
        } else {
            n.putNull("container");
        }
    }

    private static void owner(ObjectNode n, Owner o) {
        n.put("pid", o.pid());
        n.put("name", o.name());
        optional(n, "exe", o.exe());
        optional(n, "user", o.user());
        if (o.uid().isPresent()) {
            n.put("uid", o.uid().getAsInt());
        } else {
            n.putNull("uid");
        }
    }

    private static void optional(ObjectNode n, String field, Optional<?> value) {
        if (value.isEmpty()) {
            n.putNull(field);
        } else if (value.get() instanceof Boolean b) {
            n.put(field, b);
        } else {
            n.put(field, value.get().toString());
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
