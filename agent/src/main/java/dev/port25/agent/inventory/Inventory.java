package dev.port25.agent.inventory;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The listeners on the watched ports at one moment, and what the source could not tell.
 *
 * @param source    where the listing came from
 * @param ports     the ports asked for
 * @param listeners every listener found, in a stable order (protocol, family, address, port, inode)
 * @param gaps      what this listing may miss or leave unknown, in words for the operator; empty
 *                  when the source reported everything the agent needs
 */
public record Inventory(InventorySource source, SortedSet<Integer> ports, List<Listener> listeners,
                        List<String> gaps) {

    public Inventory {
        Objects.requireNonNull(source, "source");
        ports = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(ports));
        listeners = listeners.stream().sorted(Listeners.ORDER).toList();
        gaps = List.copyOf(gaps);
    }

    public Inventory(InventorySource source, Set<Integer> ports, List<Listener> listeners, List<String> gaps) {
        this(source, new TreeSet<>(ports), listeners, gaps);
    }
}
