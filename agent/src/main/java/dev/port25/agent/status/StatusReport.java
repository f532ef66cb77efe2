package dev.port25.agent.status;

import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.policy.Verdict;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;

/**
 * What {@code port25-agent status} found.
 *
 * @param verdict   OK, WARNING, CRITICAL or UNKNOWN
 * @param reasons   one line per fact that set the verdict, worst first
 * @param ports     the ports watched
 * @param inventory the listing; empty when it could not be taken (then {@code error} says why)
 * @param error     why the inventory failed; empty when it succeeded
 */
public record StatusReport(Verdict verdict, List<String> reasons, SortedSet<Integer> ports,
                           Optional<Inventory> inventory, Optional<String> error) {

    public StatusReport {
        Objects.requireNonNull(verdict, "verdict");
        reasons = List.copyOf(reasons);
        ports = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(ports));
        Objects.requireNonNull(inventory, "inventory");
        Objects.requireNonNull(error, "error");
        if (inventory.isPresent() == error.isPresent()) {
            throw new IllegalArgumentException("exactly one of inventory and error");
        }
    }
}
