package dev.port25.agent.inventory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The listeners of one network namespace, or why they could not be listed.
 *
 * @param namespace  which namespace
 * @param inventory  its listeners; empty when they could not be listed ({@code error} says why)
 * @param error      why not; empty when listed
 * @param interfaces the namespace's network interfaces other than loopback, as seen from inside
 *                   it; empty when that is not known (the namespace was not entered, or the
 *                   source cannot tell)
 */
public record NamespaceInventory(NetNamespace namespace, Optional<Inventory> inventory, Optional<String> error,
                                 Optional<List<String>> interfaces) {

    public NamespaceInventory {
        Objects.requireNonNull(namespace, "namespace");
        if (inventory.isPresent() == error.isPresent()) {
            throw new IllegalArgumentException("exactly one of inventory and error");
        }
        interfaces = interfaces.map(List::copyOf);
    }

    public static NamespaceInventory failed(NetNamespace namespace, String why) {
        return new NamespaceInventory(namespace, Optional.empty(), Optional.of(why), Optional.empty());
    }
}
