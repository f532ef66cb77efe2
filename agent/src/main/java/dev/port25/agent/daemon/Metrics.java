package dev.port25.agent.daemon;

import dev.port25.agent.finding.Severity;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.policy.Verdict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus metrics in the text exposition format, for node_exporter's textfile collector: the
 * file is written beside its target and renamed over it, so the collector never reads half.
 */
final class Metrics {

    private Metrics() {
    }

    /** The metrics of a state after its first audit (before it, there is no verdict to show). */
    static String render(DaemonState s) {
        Verdict verdict = s.lastVerdict().orElseThrow(() -> new IllegalArgumentException("no audit yet"));
        StringBuilder b = new StringBuilder();
        gauge(b, "port25_verdict", "Verdict of the last audit: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
                switch (verdict) {
                    case OK -> 0;
                    case WARNING -> 1;
                    case CRITICAL -> 2;
                    case UNKNOWN -> 3;
                });
        gauge(b, "port25_exposed_listeners", "TCP listeners beyond loopback on the covered ports, in every network "
                + "namespace watched.", s.exposed().size());
        Map<String, Long> byNamespace = new TreeMap<>(Map.of(NetNamespace.HOST, 0L));
        s.exposed().forEach(e -> byNamespace.merge(namespaceOf(e), 1L, Long::sum));
        b.append("# HELP port25_namespace_exposed_listeners TCP listeners beyond loopback on the covered ports, by "
                        + "network namespace (host: the agent's own; a namespace without one has no series).\n")
                .append("# TYPE port25_namespace_exposed_listeners gauge\n");
        byNamespace.forEach((ns, n) -> b.append("port25_namespace_exposed_listeners{namespace=\"").append(label(ns))
                .append("\"} ").append(n).append('\n'));
        b.append("# HELP port25_findings Findings of the last audit by severity.\n# TYPE port25_findings gauge\n");
        for (Severity sev : Severity.values()) {
            b.append("port25_findings{severity=\"").append(sev.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(s.findings().get(sev)).append('\n');
        }
        gauge(b, "port25_last_audit_timestamp_seconds", "When the last audit ran (Unix time).",
                s.lastAudit().orElseThrow().getEpochSecond());
        if (s.lastReportDelivered().isPresent()) {
            gauge(b, "port25_last_report_delivered_timestamp_seconds", "When a report last reached the endpoint.",
                    s.lastReportDelivered().get().getEpochSecond());
        }
        gauge(b, "port25_spool_reports", "Reports waiting in the spool.", s.spoolDepth().orElse(0));
        b.append("# HELP port25_reports_dropped_total Reports dropped because the spool was full.\n")
                .append("# TYPE port25_reports_dropped_total counter\n")
                .append("port25_reports_dropped_total ").append(s.reportsDropped().orElse(0)).append('\n');
        return b.toString();
    }

    /** The namespace of a watched listener: "netns/blue tcp 0.0.0.0:25" is in netns/blue, "tcp 0.0.0.0:25" in the host's. */
    static String namespaceOf(String exposed) {
        int endpoint = exposed.lastIndexOf(" tcp "); // a namespace's name may hold spaces, an endpoint none
        return endpoint < 0 ? NetNamespace.HOST : exposed.substring(0, endpoint);
    }

    /** A label value in the text exposition format: backslash, double quote and line feed escaped. */
    static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }

    /**
     * Writes the metrics next to the target and renames them over it. The file is made readable by
     * all (0644) whatever the umask: node_exporter runs as its own user, and the service's umask is
     * 0077.
     */
    static void write(Path target, DaemonState s) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, render(s), StandardCharsets.UTF_8);
        if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
