package dev.port25.agent.status;

import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.Owner;

import java.io.PrintWriter;
import java.util.stream.Collectors;

/**
 * The human summary, shaped as a monitoring-plugin answer: the first line is
 * {@code PORT25 <VERDICT>: <worst reason>}, then one line per listener, then notes.
 */
public final class StatusText {

    private StatusText() {
    }

    public static void print(StatusReport report, PrintWriter out) {
        String first = report.reasons().get(0);
        int more = report.reasons().size() - 1;
        out.println("PORT25 " + report.verdict() + ": " + first + (more > 0 ? " (+" + more + " more)" : ""));
        if (report.inventory().isEmpty()) {
            out.println("  listeners on port " + ports(report) + " are UNKNOWN: " + report.error().orElseThrow());
            return;
        }
        Inventory inv = report.inventory().get();
        if (inv.listeners().isEmpty()) {
            out.println("  no listener on port " + ports(report));
        }
        int width = inv.listeners().stream().mapToInt(l -> l.endpoint().length()).max().orElse(0);
        for (Listener l : inv.listeners()) {
            out.printf("  %-" + width + "s  %-18s %-10s %s%n", l.endpoint(), StatusService.describeScope(l),
                    l.reachableOver().stream().map(Family::label).collect(Collectors.joining("+")), owners(l));
        }
        for (String reason : report.reasons().subList(1, report.reasons().size())) {
            out.println("  also: " + reason);
        }
        out.println("  source: " + inv.source().label()
                + inv.gaps().stream().map(g -> "; gap: " + g).collect(Collectors.joining()));
    }

    private static String ports(StatusReport report) {
        return report.ports().stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static String owners(Listener l) {
        String known = l.owners().stream().map(StatusText::owner).collect(Collectors.joining(", "));
        String unknown = l.ownersUnknown().map(u -> (known.isEmpty() ? "" : "; ") + u).orElse("");
        return known + unknown;
    }

    private static String owner(Owner o) {
        return o.name() + "[" + o.pid() + "]"
                + o.user().map(u -> " " + u).orElse(o.uid().isPresent() ? " uid " + o.uid().getAsInt() : "")
                + o.exe().map(e -> " " + e).orElse("");
    }
}
