package dev.port25.agent.inventory;

import java.util.ArrayList;
import java.util.Collections;
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
        ports = Collections.unmodifiableSortedSet(new TreeSet<>(ports));
        List<Listener> sorted = new ArrayList<>(listeners);
        sorted.sort(Listeners.ORDER);
        listeners = List.copyOf(sorted);
        gaps = List.copyOf(gaps);
    }

    /** The watched ports joined by {@code separator}: "25, 587". */
    public String portsText(String separator) {
        return portsText(ports, separator);
    }

    /** {@code ports} joined by {@code separator}, without streams (this is on the cold-start path). */
    public static String portsText(Iterable<Integer> ports, String separator) {
        StringBuilder sb = new StringBuilder();
        for (int port : ports) {
            sb.append(sb.length() == 0 ? "" : separator).append(port);
        }
        return sb.toString();
    }

    public Inventory(InventorySource source, Set<Integer> ports, List<Listener> listeners, List<String> gaps) {
        this(source, new TreeSet<>(ports), listeners, gaps);
    }
}
