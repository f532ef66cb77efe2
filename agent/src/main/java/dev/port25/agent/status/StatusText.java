package dev.port25.agent.status;

import dev.port25.agent.facts.Facts;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.Owner;

import java.io.PrintWriter;
import java.util.TreeMap;

/**
 * The human summary, shaped as a monitoring-plugin answer: the first line is
 * {@code PORT25 <VERDICT>: <worst reason>}, then the role, one line per listener, the firewall's
 * exposure of each port, then the other reasons. Plain string
 * building (no {@code printf}, no streams): this is on the cold-start path of {@code status}.
 */
public final class StatusText {

    private StatusText() {
    }

    public static void print(StatusReport report, PrintWriter out) {
        String first = report.reasons().get(0);
        int more = report.reasons().size() - 1;
        out.println("PORT25 " + report.verdict() + ": " + first + (more > 0 ? " (+" + more + " more)" : ""));
        String ports = Inventory.portsText(report.ports(), ",");
        out.println("  role: " + report.role().role() + " (" + report.role().why() + ")");
        if (report.inventory().isEmpty()) {
            out.println("  listeners on port " + ports + " are UNKNOWN: " + report.error().orElseThrow());
            firewall(report, out);
            return;
        }
        Inventory inv = report.inventory().get();
        if (inv.listeners().isEmpty()) {
            out.println("  no listener on port " + ports);
        }
        listeners(inv, "  ", out);
        firewall(report, out);
        namespaces(report, out);
        for (String reason : report.reasons().subList(1, report.reasons().size())) {
            out.println("  also: " + reason);
        }
        StringBuilder source = new StringBuilder("  source: ").append(inv.source().label());
        for (String gap : inv.gaps()) {
            source.append("; gap: ").append(gap);
        }
        out.println(source);
    }

    private static void listeners(Inventory inv, String indent, PrintWriter out) {
        int width = 0;
        for (Listener l : inv.listeners()) {
            width = Math.max(width, l.endpoint().length());
        }
        for (Listener l : inv.listeners()) {
            out.println(indent + pad(l.endpoint(), width) + "  " + pad(StatusService.describeScope(l), 18) + " "
                    + pad(Family.labels(l.reachableOver(), "+"), 10) + " " + owners(l)
                    + (l.container().isPresent() ? " [" + l.container().get().describe() + "]" : ""));
        }
    }

    /**
     * The other network namespaces: a count, then each one with a listener on the ports or whose
     * listing failed (a host with hundreds of empty container namespaces stays readable).
     */
    private static void namespaces(StatusReport report, PrintWriter out) {
        for (String gap : report.namespaceGaps()) {
            out.println("  network namespaces: " + gap);
        }
        if (report.others().isEmpty()) {
            return;
        }
        int shown = 0;
        for (Facts.Namespace ns : report.others()) {
            boolean empty = ns.inventory().value().map(i -> i.listeners().isEmpty()).orElse(false);
            if (empty) {
                continue;
            }
            shown++;
            StringBuilder head = new StringBuilder("  namespace ").append(ns.where().describe());
            if (ns.interfaces().isPresent()) {
                head.append(ns.interfaces().get().isEmpty() ? ", no interface but loopback"
                        : ", interfaces " + String.join(" ", ns.interfaces().get()));
            }
            if (ns.inventory().value().isEmpty()) {
                out.println(head.append(": listeners UNKNOWN: ").append(ns.inventory().error().orElseThrow()));
                continue;
            }
            out.println(head.append(':'));
            listeners(ns.inventory().value().get(), "    ", out);
            ns.reach().value().ifPresent(r -> {
                for (PacketFilter.Published p : r.published()) {
                    out.println("    published on this host's port " + p.hostPort() + " to " + p.target() + ": "
                            + p.exposure().family().label() + " " + p.exposure().level());
                }
                for (Facts.Way w : r.elsewhere()) {
                    out.println("    way out past this host: " + w.describe());
                }
            });
        }
        out.println("  other network namespaces: " + report.others().size() + " listed, " + shown
                + (shown == 1 ? " has" : " have") + " a listener on port " + Inventory.portsText(report.ports(), ",")
                + " or could not be listed");
    }

    private static void firewall(StatusReport report, PrintWriter out) {
        if (report.firewall().value().isEmpty()) {
            out.println("  firewall: UNKNOWN: " + report.firewall().error().orElseThrow());
            return;
        }
        Facts.FirewallView v = report.firewall().value().get();
        for (var port : new TreeMap<>(v.inbound()).entrySet()) {
            StringBuilder sb = new StringBuilder("  firewall, inbound ").append(port.getKey()).append(':');
            for (var e : new TreeMap<>(port.getValue()).values()) {
                sb.append(' ').append(e.family().label()).append(' ').append(e.level());
                if (!e.allowedFrom().isEmpty()) {
                    sb.append(" from ").append(e.allowedFrom());
                }
                sb.append(';');
            }
            sb.setLength(sb.length() - 1);
            out.println(sb);
        }
        for (String u : v.unread()) {
            out.println("  firewall layer not read: " + u);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String owners(Listener l) {
        StringBuilder sb = new StringBuilder();
        for (Owner o : l.owners()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(owner(o));
        }
        if (l.ownersUnknown().isPresent()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(l.ownersUnknown().get());
        }
        return sb.toString();
    }

    private static String owner(Owner o) {
        String who = o.user().isPresent() ? " " + o.user().get()
                : o.uid().isPresent() ? " uid " + o.uid().getAsInt() : "";
        return o.name() + "[" + o.pid() + "]" + who + (o.exe().isPresent() ? " " + o.exe().get() : "");
    }
}
