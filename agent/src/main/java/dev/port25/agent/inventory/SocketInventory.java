package dev.port25.agent.inventory;

import java.util.Set;

/**
 * Lists the sockets listening on given ports, with the processes that hold them.
 *
 * <p>Implementations: {@link dev.port25.agent.inventory.linux.LinuxSocketInventory} (netlink
 * sock_diag plus {@code /proc}) and {@link OshiSocketInventory} (portable, with gaps). Use
 * {@link SocketInventories#select} to get the best one for this host.
 */
public interface SocketInventory {

    /** Which source this is. */
    InventorySource source();

    /**
     * Every TCP socket in LISTEN and every bound, unconnected UDP socket whose local port is in
     * {@code ports}, IPv4 and IPv6, with owners.
     *
     * @throws InventoryException when the listing could not be taken; never returns a partial
     *                            socket list silently
     */
    Inventory list(Set<Integer> ports) throws InventoryException;
}
