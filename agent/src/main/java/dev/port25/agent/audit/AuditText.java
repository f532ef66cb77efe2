package dev.port25.agent.audit;

import dev.port25.agent.finding.Finding;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.status.StatusText;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The human audit: the status summary, then each listener's SMTP verdicts with their sources,
 * then every finding with its remediation and references.
 */
public final class AuditText {

    private AuditText() {
    }

    public static void print(AuditReport report, PrintWriter out) {
        StatusText.print(report.status(), out);
        out.println("  host " + report.hostname() + ", mode " + report.mode().name().toLowerCase(Locale.ROOT)
                + ", settings " + report.status().settingsSource()
                + report.status().firewall().value().flatMap(v -> v.backend()).map(b -> ", firewall backend " + b)
                .orElse(", no firewall backend can act"));
        for (LocalSmtpAudit.Report r : report.smtp()) {
            out.println("  smtp " + r.listener().endpoint() + (r.namespace().equals(NetNamespace.HOST) ? ""
                    : " in network namespace " + r.namespace()) + (r.configuration().isPresent() ? " (postfix, "
                    + r.configuration().get().dir() + r.configuration().get().root().map(x -> " under " + x).orElse("")
                    + ")" : r.exim().isPresent() ? " (exim)" : ""));
            line(out, "open relay", r.openRelay());
            line(out, "users can be enumerated", r.userEnumeration());
            line(out, "STARTTLS offered", r.starttlsOffered());
            line(out, "AUTH before TLS", r.authBeforeTls());
            line(out, "banner names the software", r.bannerLeaksSoftware());
        }
        report.dns().ifPresent(domains -> domains.forEach(d -> {
            out.println("  dns " + d.domain());
            d.spf().forEach(x -> out.println("    spf " + x.name() + ": " + x.answer().describe()));
            d.dmarc().forEach(x -> out.println("    dmarc " + x.name() + ": " + x.answer().describe()));
            out.println("    mta-sts _mta-sts." + d.domain() + ": " + d.mtaSts().describe());
            d.policy().ifPresent(p -> out.println("    mta-sts policy " + p.url() + ": " + p.body()
                    .map(b -> b.strip().replaceAll("\\s*\\R\\s*", "; ")).orElse("not had (" + p.error().orElse("") + ")")));
            d.mx().ifPresent(mx -> out.println("    mx " + d.domain() + ": " + mx.describe()));
            out.println("    tls-rpt _smtp._tls." + d.domain() + ": " + d.tlsRpt().describe());
        }));
        if (report.status().findings().isEmpty()) {
            out.println("findings: none");
        } else {
            out.println("findings:");
        }
        for (Finding f : report.status().findings()) {
            out.println("  " + f.severity() + " " + f.kind().id() + " " + f.kind().title());
            out.println("      evidence: " + f.evidence());
            out.println("      fix: " + f.kind().remediation());
            for (String ref : f.kind().references()) {
                out.println("      see: " + ref);
            }
        }
    }

    private static void line(PrintWriter out, String what, LocalSmtpAudit.Verdict v) {
        out.println("    " + what + ": " + v.value().map(b -> b ? "yes" : "no").orElse("cannot say") + " ("
                + (v.source() == LocalSmtpAudit.Source.CONFIGURATION ? "configuration" : "local probe") + ": "
                + v.why() + ")");
    }
}
