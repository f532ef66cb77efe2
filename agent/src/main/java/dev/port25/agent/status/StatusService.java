package dev.port25.agent.status;

import dev.port25.agent.facts.FactGatherer;
import dev.port25.agent.facts.Facts;
import dev.port25.agent.finding.Finding;
import dev.port25.agent.finding.Severity;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.Scope;
import dev.port25.agent.platform.SocketInventories;
import dev.port25.agent.policy.Assessment;
import dev.port25.agent.policy.Evaluator;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The quick check: the host's role, its listeners and every firewall layer, judged by the
 * policy (no SMTP probe: that is {@code audit}). A loopback-only listener on a NONE host is OK; a
 * listener beyond loopback that the firewall verifiably blocks on every family it listens on
 * is a WARNING, one that it does not is CRITICAL; a firewall or inventory that cannot be read is
 * never OK.
 */
public final class StatusService {

    private final FactGatherer gatherer;

    public StatusService() {
        this(new FactGatherer());
    }

    public StatusService(FactGatherer gatherer) {
        this.gatherer = gatherer;
    }

    /**
     * @param settings       the settings in force
     * @param settingsSource where they came from, for the report
     * @param choice         the inventory source
     * @param ports          ports to watch instead of the settings' (empty: the settings')
     */
    public StatusReport status(Settings settings, String settingsSource, SocketInventories.Choice choice,
                               Set<Integer> ports) {
        Settings s = ports.isEmpty() ? settings : settings.withPorts(List.copyOf(new TreeSet<>(ports)));
        Facts facts = gatherer.gather(s, choice, false);
        return report(facts, Evaluator.evaluate(facts), settingsSource);
    }

    /** The report of gathered facts and their judgement. Pure. */
    public static StatusReport report(Facts facts, Assessment a, String settingsSource) {
        List<String> reasons = new ArrayList<>();
        List<String> also = new ArrayList<>();
        for (Finding f : a.findings()) {
            (f.severity() == Severity.LOW ? also : reasons).add(f.evidence() + " (" + f.kind().id() + ")");
        }
        if (reasons.isEmpty()) {
            reasons.add(fine(facts));
        }
        reasons.addAll(also);
        return new StatusReport(a.verdict(), reasons, new TreeSet<>(facts.settings().ports()),
                facts.inventory().value(), facts.inventory().error(), a.role(), a.findings(), facts.firewall(),
                settingsSource, facts.namespaces(), facts.namespaceGaps());
    }

    /** The one-line answer when nothing is wrong. */
    private static String fine(Facts facts) {
        String ports = Inventory.portsText(new TreeSet<>(facts.settings().ports()), ", ");
        List<Listener> all = facts.inventory().value().map(i -> i.listeners()).orElse(List.of());
        boolean wide = all.stream().anyMatch(l -> l.protocol() == Protocol.TCP && l.scope() != Scope.LOOPBACK);
        Role role = facts.role().role();
        if (role == Role.MAIL_SERVER) {
            return "port " + ports + " listens and is open to everyone, as a MAIL_SERVER needs";
        }
        if (role == Role.RELAY && wide) {
            return "port " + ports + " is reachable only from the relay's networks";
        }
        return all.isEmpty() ? "nothing listens on port " + ports
                : wide ? "no listener on port " + ports + " beyond loopback is reachable"
                : "every listener on port " + ports + " is loopback-only";
    }

    /** "WILDCARD", "ADDRESS private", "LOOPBACK". */
    public static String describeScope(Listener l) {
        return l.scope() == Scope.ADDRESS
                ? "ADDRESS " + l.addressClass().name().toLowerCase(Locale.ROOT).replace('_', '-')
                : l.scope().name();
    }
}
