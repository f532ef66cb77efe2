package dev.port25.agent.audit;

import dev.port25.agent.facts.FactGatherer;
import dev.port25.agent.facts.Facts;
import dev.port25.agent.platform.SocketInventories;
import dev.port25.agent.policy.Evaluator;
import dev.port25.agent.settings.SettingsLoader;
import dev.port25.agent.status.StatusService;

import java.util.List;

/**
 * The full audit of this host: every fact {@link FactGatherer} can gather (with the SMTP probe and
 * a MAIL_SERVER's DNS), judged by the {@link Evaluator}. What {@code audit}, reports and the daemon show.
 */
public final class AuditService {

    private final FactGatherer gatherer;

    public AuditService() {
        this(new FactGatherer());
    }

    public AuditService(FactGatherer gatherer) {
        this.gatherer = gatherer;
    }

    /** The full audit of this host under these settings. */
    public AuditReport audit(SettingsLoader.Loaded loaded) {
        Facts facts = gatherer.gather(loaded.settings(), SocketInventories.Choice.AUTO, true);
        return new AuditReport(StatusService.report(facts, Evaluator.evaluate(facts), loaded.source()),
                facts.hostname(), loaded.settings().mode(), facts.namespaces().stream()
                .flatMap(ns -> ns.smtp().orElse(List.of()).stream()).toList(), facts.dns());
    }
}
