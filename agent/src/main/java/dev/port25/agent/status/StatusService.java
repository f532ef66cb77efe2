package dev.port25.agent.status;

import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.Scope;
import dev.port25.agent.inventory.SocketInventories;
import dev.port25.agent.policy.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Takes the inventory and judges it. Until host roles and firewall state exist (see DESIGN.md),
 * the rule is the one for a host that should not be a mail server: a TCP listener beyond
 * loopback on a watched port is CRITICAL, a UDP one (SMTP does not use UDP) a WARNING,
 * loopback-only is OK, and an inventory that failed is UNKNOWN.
 */
public final class StatusService {

    /** Takes the inventory with {@code choice} and evaluates it. */
    public StatusReport status(SocketInventories.Choice choice, Set<Integer> ports) {
        try {
            return evaluate(SocketInventories.list(choice, ports));
        } catch (InventoryException e) {
            return new StatusReport(Verdict.UNKNOWN, List.of("inventory failed: " + e.getMessage()),
                    new TreeSet<>(ports), Optional.empty(), Optional.of(e.getMessage()));
        }
    }

    /** Evaluates a taken inventory. Pure. */
    public static StatusReport evaluate(Inventory inventory) {
        List<String> critical = new ArrayList<>();
        List<String> warning = new ArrayList<>();
        for (Listener l : inventory.listeners()) {
            if (l.scope() == Scope.LOOPBACK) {
                continue;
            }
            String over = Family.labels(l.reachableOver(), " and ");
            if (l.protocol() == Protocol.TCP) {
                critical.add(l.endpoint() + " accepts connections from beyond this host (" + describeScope(l)
                        + ", over " + over + ")");
            } else {
                warning.add(l.endpoint() + " is bound beyond loopback (" + describeScope(l)
                        + "); SMTP does not use UDP, find out what does");
            }
        }
        List<String> reasons = new ArrayList<>(critical);
        reasons.addAll(warning);
        Verdict verdict = !critical.isEmpty() ? Verdict.CRITICAL : !warning.isEmpty() ? Verdict.WARNING : Verdict.OK;
        if (reasons.isEmpty()) {
            String ports = inventory.portsText(", ");
            reasons.add(inventory.listeners().isEmpty()
                    ? "nothing listens on port " + ports
                    : "every listener on port " + ports + " is loopback-only");
        }
        return new StatusReport(verdict, reasons, inventory.ports(), Optional.of(inventory), Optional.empty());
    }

    /** "WILDCARD", "ADDRESS private", "LOOPBACK". */
    public static String describeScope(Listener l) {
        return l.scope() == Scope.ADDRESS
                ? "ADDRESS " + l.addressClass().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                : l.scope().name();
    }
}
