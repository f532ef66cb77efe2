package dev.port25.agent.status;

import dev.port25.agent.facts.Facts;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.finding.Finding;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.policy.Verdict;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What {@code port25-agent status} found.
 *
 * @param verdict        OK, WARNING, CRITICAL or UNKNOWN
 * @param reasons        one line per fact that set the verdict, worst first (LOW findings last)
 * @param ports          the ports watched
 * @param inventory      the listing; empty when it could not be taken (then {@code error} says why)
 * @param error          why the inventory failed; empty when it succeeded
 * @param role           the host's role and why
 * @param findings       the policy's findings, worst first
 * @param firewall       what the firewall does to the watched ports, or why it could not be read
 * @param settingsSource the settings file, or that the built-in defaults apply
 * @param namespaces     every network namespace gathered, the agent's own first (whose listeners
 *                       and firewall are also {@code inventory} and {@code firewall})
 * @param namespaceGaps  the namespaces not listed and why
 */
public record StatusReport(Verdict verdict, List<String> reasons, SortedSet<Integer> ports,
                           Optional<Inventory> inventory, Optional<String> error, RoleResolver.Decision role,
                           List<Finding> findings, Facts.Result<Facts.FirewallView> firewall, String settingsSource,
                           List<Facts.Namespace> namespaces, List<String> namespaceGaps) {

    public StatusReport {
        Objects.requireNonNull(verdict, "verdict");
        reasons = List.copyOf(reasons);
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a status has at least one reason");
        }
        ports = Collections.unmodifiableSortedSet(new TreeSet<>(ports));
        Objects.requireNonNull(inventory, "inventory");
        Objects.requireNonNull(error, "error");
        if (inventory.isPresent() == error.isPresent()) {
            throw new IllegalArgumentException("exactly one of inventory and error");
        }
        Objects.requireNonNull(role, "role");
        findings = List.copyOf(findings);
        Objects.requireNonNull(firewall, "firewall");
        Objects.requireNonNull(settingsSource, "settingsSource");
        namespaces = List.copyOf(namespaces);
        namespaceGaps = List.copyOf(namespaceGaps);
    }

    /** The namespaces other than the agent's own. */
    public List<Facts.Namespace> others() {
        return namespaces.isEmpty() ? List.of() : namespaces.subList(1, namespaces.size());
    }
}
