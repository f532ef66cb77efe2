package dev.port25.agent.daemon;

import dev.port25.agent.finding.Finding;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.policy.Verdict;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the daemon's tasks keep between runs, behind one lock: every change and every snapshot
 * takes it, so the state file never shows half of one task's news.
 */
final class DaemonStatus {

    /** The firewall changes kept for the next report. */
    static final int MAX_ACTIONS = 100;

    /** What the watch saw: listeners new since the last look, and whether the set changed at all. */
    record Watched(Set<String> fresh, boolean changed) {
    }

    /** The daemon's settings as the state shows them. */
    record Source(String settings, String mode) {
    }

    /** The spool as the state shows it; empty counts when it cannot be read. */
    record SpoolCounts(OptionalInt depth, OptionalLong dropped) {
    }

    private final Instant started = Instant.now();
    private final List<String> actions = new ArrayList<>();
    private Set<String> exposed = Set.of();
    private Verdict lastVerdict;
    private Instant lastAudit;
    private Map<Severity, Long> findings = Map.of();
    private Instant lastDelivered;
    private String lastDeliveredId;
    private String lastError;

    /** Records the listeners beyond loopback the watch just saw. */
    synchronized Watched watched(Set<String> now) {
        Set<String> fresh = new TreeSet<>(now);
        fresh.removeAll(exposed);
        boolean changed = !now.equals(exposed);
        exposed = Set.copyOf(now);
        return new Watched(fresh, changed);
    }

    /** Records an audit; the verdict before it, when it was another. */
    synchronized Optional<Verdict> audited(Verdict v, List<Finding> found) {
        Optional<Verdict> before = lastVerdict != null && lastVerdict != v ? Optional.of(lastVerdict) : Optional.empty();
        lastVerdict = v;
        lastAudit = Instant.now();
        Map<Severity, Long> count = new EnumMap<>(Severity.class);
        found.forEach(f -> count.merge(f.severity(), 1L, Long::sum));
        findings = Map.copyOf(count);
        return before;
    }

    synchronized void delivered(String id) {
        lastDelivered = Instant.now();
        lastDeliveredId = id;
    }

    synchronized void error(String what) {
        lastError = what;
    }

    /** A firewall change for the next report; past {@link #MAX_ACTIONS} the oldest goes (no sink took them). */
    synchronized void action(String line) {
        actions.add(Instant.now() + " " + line);
        if (actions.size() > MAX_ACTIONS) {
            actions.remove(0);
        }
    }

    /** The changes since the last report, for the next one. */
    synchronized List<String> takeActions() {
        List<String> taken = List.copyOf(actions);
        actions.clear();
        return taken;
    }

    synchronized DaemonState snapshot(boolean running, Optional<Source> source, SpoolCounts spool,
                                      boolean enforcementInPlace) {
        return new DaemonState(running, ProcessHandle.current().pid(), started, Instant.now(),
                source.map(Source::settings), source.map(Source::mode), Optional.ofNullable(lastAudit),
                Optional.ofNullable(lastVerdict), Optional.ofNullable(lastDelivered), Optional.ofNullable(lastDeliveredId),
                spool.depth(), spool.dropped(), enforcementInPlace, List.copyOf(new TreeSet<>(exposed)), findings,
                Optional.ofNullable(lastError));
    }
}
