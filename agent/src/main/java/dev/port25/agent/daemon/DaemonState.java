package dev.port25.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.policy.Verdict;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The daemon's state, the one record that the state file ({@link StateFile}), {@code status} and
 * the Prometheus metrics ({@link Metrics}) all render. Field names are the state file's keys
 * (docs/daemon.md).
 *
 * @param running             the daemon runs (as read back: and its process lives)
 * @param pid                 its process
 * @param startedAt           when it started
 * @param updatedAt           when this state was taken
 * @param settings            where its settings came from; empty before they were read
 * @param mode                "audit" or "enforce"; empty before the settings were read
 * @param lastAudit           when the last full audit ran
 * @param lastVerdict         its verdict
 * @param lastReportDelivered when a report last reached a sink
 * @param lastReportId        which report that was
 * @param spoolDepth          reports waiting, over every sink's queue; empty when the spool cannot be read
 * @param reportsDropped      reports dropped because a queue was full; empty when the spool cannot be read
 * @param enforcementInPlace  an undo journal exists: the agent's rules are in the firewall
 * @param exposed             TCP listeners beyond loopback at the last watch, as "[::]:25"
 * @param findings            the last audit's findings by severity (every severity, zero included)
 * @param lastError           the last thing that went wrong, in words
 */
public record DaemonState(boolean running, long pid, Instant startedAt, Instant updatedAt, Optional<String> settings,
                          Optional<String> mode, Optional<Instant> lastAudit, Optional<Verdict> lastVerdict,
                          Optional<Instant> lastReportDelivered, Optional<String> lastReportId, OptionalInt spoolDepth,
                          OptionalLong reportsDropped, boolean enforcementInPlace, List<String> exposed,
                          Map<Severity, Long> findings, Optional<String> lastError) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public DaemonState {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        exposed = List.copyOf(exposed);
        Map<Severity, Long> all = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            all.put(s, findings.getOrDefault(s, 0L));
        }
        findings = Map.copyOf(all);
    }

    /** The same state, with {@code running} as given. */
    public DaemonState withRunning(boolean running) {
        return new DaemonState(running, pid, startedAt, updatedAt, settings, mode, lastAudit, lastVerdict,
                lastReportDelivered, lastReportId, spoolDepth, reportsDropped, enforcementInPlace, exposed, findings,
                lastError);
    }

    /** The state file's JSON, keys in the documented order. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("running", running);
        n.put("pid", pid);
        n.put("startedAt", startedAt.toString());
        n.put("updatedAt", updatedAt.toString());
        n.put("settings", settings.orElse(null));
        n.put("mode", mode.orElse(null));
        n.put("lastAudit", lastAudit.map(Instant::toString).orElse(null));
        n.put("lastVerdict", lastVerdict.map(Verdict::name).orElse(null));
        n.put("lastReportDelivered", lastReportDelivered.map(Instant::toString).orElse(null));
        n.put("lastReportId", lastReportId.orElse(null));
        if (spoolDepth.isPresent()) {
            n.put("spoolDepth", spoolDepth.getAsInt());
        } else {
            n.putNull("spoolDepth");
        }
        if (reportsDropped.isPresent()) {
            n.put("reportsDropped", reportsDropped.getAsLong());
        } else {
            n.putNull("reportsDropped");
        }
        n.put("enforcementInPlace", enforcementInPlace);
        n.put("exposed", String.join(", ", exposed));
        ObjectNode f = n.putObject("findings");
        for (Severity s : Severity.values()) {
            f.put(s.name().toLowerCase(Locale.ROOT), findings.get(s));
        }
        n.put("lastError", lastError.orElse(null));
        return n;
    }

    /** Reads the state file's JSON; a key that is missing or null is empty. */
    public static DaemonState fromJson(JsonNode n) {
        Map<Severity, Long> findings = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            findings.put(s, n.path("findings").path(s.name().toLowerCase(Locale.ROOT)).asLong(0));
        }
        String exposed = n.path("exposed").asText("");
        return new DaemonState(n.path("running").asBoolean(false), n.path("pid").asLong(-1),
                instant(n, "startedAt").orElse(Instant.EPOCH), instant(n, "updatedAt").orElse(Instant.EPOCH),
                text(n, "settings"), text(n, "mode"), instant(n, "lastAudit"),
                text(n, "lastVerdict").flatMap(DaemonState::verdict), instant(n, "lastReportDelivered"),
                text(n, "lastReportId"),
                n.path("spoolDepth").isNumber() ? OptionalInt.of(n.get("spoolDepth").asInt()) : OptionalInt.empty(),
                n.path("reportsDropped").isNumber() ? OptionalLong.of(n.get("reportsDropped").asLong())
                        : OptionalLong.empty(),
                n.path("enforcementInPlace").asBoolean(false),
                exposed.isEmpty() ? List.of() : List.of(exposed.split(", ")), findings, text(n, "lastError"));
    }

    /** One line for the human status. */
    public String summary() {
        StringBuilder s = new StringBuilder(running ? "running (pid " + pid + ", mode " + mode.orElse("?") + ")"
                : "not running (last update " + (updatedAt.equals(Instant.EPOCH) ? "unknown" : updatedAt) + ")");
        s.append(", last audit ").append(lastAudit.map(a -> a + " " + lastVerdict.map(Verdict::name).orElse(""))
                .orElse("none"));
        s.append(", last report delivered ").append(lastReportDelivered.map(Instant::toString).orElse("none"));
        s.append(", spool ").append(spoolDepth.orElse(0)).append(", dropped ").append(reportsDropped.orElse(0));
        s.append(enforcementInPlace ? ", enforcement in place" : ", no enforcement in place");
        lastError.ifPresent(e -> s.append("; last error: ").append(e));
        return s.toString();
    }

    private static Optional<String> text(JsonNode n, String key) {
        return n.path(key).isTextual() ? Optional.of(n.get(key).asText()) : Optional.empty();
    }

    private static Optional<Instant> instant(JsonNode n, String key) {
        try {
            return text(n, key).map(Instant::parse);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Verdict> verdict(String name) {
        try {
            return Optional.of(Verdict.valueOf(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
