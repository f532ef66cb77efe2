package dev.port25.agent.platform;

import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.NamespaceInventory;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.inventory.OshiSocketInventory;
import dev.port25.agent.inventory.linux.LinuxSocketInventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Chooses the inventory source for this host. */
public final class SocketInventories {

    /** Which source to use. */
    public enum Choice {
        /** netlink on Linux, falling back to OSHI (with a stated gap) if netlink fails; OSHI elsewhere. */
        AUTO,
        /** netlink only; an error where it is not available. */
        NETLINK,
        /** OSHI only, with its gaps. */
        OSHI
    }

    private SocketInventories() {
    }

    /** Lists {@code ports} with the chosen source. */
    public static Inventory list(Choice choice, Set<Integer> ports) throws InventoryException {
        return switch (choice) {
            case OSHI -> new OshiSocketInventory(OperatingSystem.current() == OperatingSystem.WINDOWS).list(ports);
            case NETLINK -> {
                if (!OperatingSystem.isLinux()) {
                    throw new InventoryException("netlink sock_diag needs Linux; this is "
                            + System.getProperty("os.name") + " (use --source oshi or auto)");
                }
                yield new LinuxSocketInventory().list(ports);
            }
            case AUTO -> auto(ports, LinuxSocketInventory::list);
        };
    }

    /**
     * The listeners of each of {@code namespaces} (the agent's own first), in the same order, less
     * those that ended since they were found, with the chosen source. Netlink lists every namespace; OSHI (chosen, or the fallback where netlink
     * fails) sees the agent's own only, and says so for the others.
     */
    public static List<NamespaceInventory> list(Choice choice, List<NetNamespace> namespaces, Set<Integer> ports) {
        if (choice == Choice.OSHI || !OperatingSystem.isLinux() || namespaces.size() == 1) {
            List<NamespaceInventory> out = new ArrayList<>();
            out.add(hostOnly(choice, namespaces.get(0), ports));
            for (NetNamespace ns : namespaces.subList(1, namespaces.size())) {
                out.add(NamespaceInventory.failed(ns, "the " + (OperatingSystem.isLinux() ? "OSHI" : "OSHI (not Linux)")
                        + " inventory sees the agent's own network namespace only"));
            }
            return out;
        }
        List<NamespaceInventory> out = new ArrayList<>(new LinuxSocketInventory().list(namespaces, ports, true));
        if (choice == Choice.AUTO && out.get(0).error().isPresent()) {
            out.set(0, hostOnly(choice, namespaces.get(0), ports)); // netlink failed here: OSHI, its gap stated
        }
        return out;
    }

    private static NamespaceInventory hostOnly(Choice choice, NetNamespace host, Set<Integer> ports) {
        try {
            return new NamespaceInventory(host, Optional.of(list(choice, ports)), Optional.empty(), Optional.empty());
        } catch (InventoryException e) {
            return NamespaceInventory.failed(host, e.getMessage());
        }
    }

    /**
     * Like {@link Choice#AUTO}, without the owners on Linux (the kernel's socket table only; the
     * owners cost a read of every process's open files): for the daemon's once-a-second watch.
     */
    public static Inventory listSockets(Set<Integer> ports) throws InventoryException {
        return auto(ports, LinuxSocketInventory::sockets);
    }

    /**
     * The sockets of each of {@code namespaces} (the agent's own first), without owners, as
     * {@link #listSockets(Set)} lists the agent's own: the daemon's watch over every namespace.
     */
    public static List<NamespaceInventory> listSockets(List<NetNamespace> namespaces, Set<Integer> ports) {
        if (!OperatingSystem.isLinux() || namespaces.size() == 1) {
            try {
                return List.of(new NamespaceInventory(namespaces.get(0), Optional.of(listSockets(ports)),
                        Optional.empty(), Optional.empty()));
            } catch (InventoryException e) {
                return List.of(NamespaceInventory.failed(namespaces.get(0), e.getMessage()));
            }
        }
        return new LinuxSocketInventory().list(namespaces, ports, false);
    }

    private interface Netlink {
        Inventory list(LinuxSocketInventory inventory, Set<Integer> ports) throws InventoryException;
    }

    private static Inventory auto(Set<Integer> ports, Netlink netlink) throws InventoryException {
        if (!OperatingSystem.isLinux()) {
            return new OshiSocketInventory(OperatingSystem.current() == OperatingSystem.WINDOWS).list(ports);
        }
        try {
            return netlink.list(new LinuxSocketInventory(), ports);
        } catch (InventoryException netlinkFailure) {
            Inventory fallback;
            try {
                fallback = new OshiSocketInventory(OperatingSystem.current() == OperatingSystem.WINDOWS).list(ports);
            } catch (InventoryException oshiFailure) {
                oshiFailure.addSuppressed(netlinkFailure);
                throw new InventoryException(netlinkFailure.getMessage() + "; fallback "
                        + oshiFailure.getMessage(), oshiFailure);
            }
            List<String> gaps = new ArrayList<>();
            gaps.add(netlinkFailure.getMessage() + "; listed through OSHI instead");
            gaps.addAll(fallback.gaps());
            return new Inventory(fallback.source(), fallback.ports(), fallback.listeners(), gaps);
        }
    }
}
