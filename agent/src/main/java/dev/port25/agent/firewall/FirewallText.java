package dev.port25.agent.firewall;

import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.RuleRef;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.net.IpFamily;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/** The human form of {@code port25-agent firewall}. */
public final class FirewallText {

    private FirewallText() {
    }

    public static void print(FirewallReport r, PrintWriter out) {
        out.println("backend: " + r.backend().orElse("none") + " (" + r.backendDetail() + ")");
        for (IpFamily f : IpFamily.values()) {
            if (r.exposures().containsKey(f)) {
                Exposure e = r.exposures().get(f);
                String from = e.level() == Exposure.Level.RESTRICTED ? " from " + e.allowedFrom().stream()
                        .map(FirewallJson::cidr).collect(Collectors.joining(", ")) : "";
                out.println(f.label() + ": " + e.level() + " on TCP port " + r.port() + from);
                e.byInterface().forEach((i, l) -> out.println("  on " + i + ": " + l));
                rules(out, e.decidedBy());
                notes(out, e.notes());
            } else if (r.decisions().containsKey(f)) {
                FirewallReport.Sourced s = r.decisions().get(f);
                out.println(f.label() + ": " + s.decision().verdict() + " for a new connection from "
                        + IpAddresses.text(s.source()) + s.inInterface().map(i -> " (arriving on " + i + ")").orElse("")
                        + " to TCP port " + r.port());
                rules(out, s.decision().decidedBy().stream().toList());
                notes(out, s.decision().notes());
            }
        }
        if (!r.unread().isEmpty()) {
            out.println("not read:");
            r.unread().forEach(u -> out.println("  " + u));
        }
        out.println("layers: " + (r.layers().isEmpty() ? "no rules in any table" : String.join(", ", r.layers())));
    }

    private static void rules(PrintWriter out, List<RuleRef> refs) {
        for (RuleRef ref : refs) {
            out.println("  decided by " + ref.where() + ": " + ref.text());
        }
    }

    private static void notes(PrintWriter out, List<String> notes) {
        notes.forEach(n -> out.println("  note: " + n));
    }
}
