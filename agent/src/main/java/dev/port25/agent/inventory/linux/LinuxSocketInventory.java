package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.Container;
import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.NamespaceInventory;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.SocketInventory;
import dev.port25.agent.platform.linux.LibC;
import dev.port25.firewall.net.IpAddresses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Linux inventory: netlink sock_diag for the sockets (TCP LISTEN and bound UDP, IPv4 and IPv6,
 * filtered by port in the kernel; works without root) and {@code /proc/<pid>/fd} for the
 * processes holding them; in the agent's own network namespace, or in any others it is given.
 */
public final class LinuxSocketInventory implements SocketInventory {

    private final Path proc;
    /** Where the container runtimes' state is read from ({@code /var/lib/docker}, ...): the file system's root. */
    private final Path root;

    public LinuxSocketInventory() {
        this(Path.of("/proc"), Path.of("/"));
    }

    LinuxSocketInventory(Path proc, Path root) {
        this.proc = proc;
        this.root = root;
    }

    @Override
    public InventorySource source() {
        return InventorySource.NETLINK;
    }

    @Override
    public Inventory list(Set<Integer> ports) throws InventoryException {
        return list(ports, true);
    }

    /**
     * The sockets without their owners: the netlink dumps only, without reading every process's
     * {@code /proc/<pid>/fd} (about 6 µs per open fd on the host: a second at 190k fds). For the
     * daemon's watch, which runs every second.
     */
    public Inventory sockets(Set<Integer> ports) throws InventoryException {
        return list(ports, false);
    }

    private Inventory list(Set<Integer> ports, boolean withOwners) throws InventoryException {
        NamespaceInventory host = list(List.of(NetNamespace.host()), ports, withOwners).get(0);
        if (host.error().isPresent()) {
            throw new InventoryException(host.error().get());
        }
        return host.inventory().orElseThrow();
    }

    /**
     * The listeners of each of {@code namespaces}, in the same order, less those that ended since they
     * were found: each namespace's sockets from
     * a netlink socket opened inside it (the agent's own directly, the others from a thread that
     * has entered them), their owners from one read of every process's open files (socket inodes
     * are unique across namespaces), and the container each owner runs in.
     *
     * @param withOwners false for the sockets alone (see {@link #sockets})
     */
    public List<NamespaceInventory> list(List<NetNamespace> namespaces, Set<Integer> ports, boolean withOwners) {
        SortedSet<Integer> wanted = new TreeSet<>(ports);
        List<Object> found = new ArrayList<>(namespaces.size()); // Sockets, or the error's text
        Set<Long> inodes = new HashSet<>();
        List<NetNamespace> listed = new ArrayList<>(namespaces.size());
        for (NetNamespace ns : namespaces) {
            try {
                Sockets s = ns.isHost() ? here(wanted) : InNamespace.call(NetNamespaceScan.entries(ns, proc),
                        ns.inode(), ns.name(), () -> here(wanted));
                s.entries().forEach(e -> inodes.add(e.inode()));
                found.add(s);
            } catch (InNamespace.Gone e) {
                continue; // ended since the scan (a container stopped): nothing of it is left to list
            } catch (InventoryException e) {
                found.add(e.getMessage());
            }
            listed.add(ns);
        }
        ProcFdScanner.Result scan;
        try {
            scan = new ProcFdScanner(proc).scan(withOwners ? inodes : Set.of());
        } catch (IOException e) {
            String why = "cannot list " + proc + ": " + e.getMessage();
            return listed.stream().map(ns -> NamespaceInventory.failed(ns, why)).toList();
        }
        ProcProcesses processes = new ProcProcesses(proc);
        ContainerIdentity containers = new ContainerIdentity(proc, root);
        Map<Long, Owner> owners = new HashMap<>();
        String unreadable = unreadableNote(scan.unreadable().size());
        List<NamespaceInventory> out = new ArrayList<>(listed.size());
        for (int i = 0; i < listed.size(); i++) {
            NetNamespace ns = listed.get(i);
            if (!(found.get(i) instanceof Sockets s)) {
                out.add(NamespaceInventory.failed(ns, (String) found.get(i)));
                continue;
            }
            List<Listener> listeners = new ArrayList<>(s.entries().size());
            for (SockDiag.Entry e : s.entries()) {
                List<Owner> holding = new ArrayList<>();
                Optional<Container> container = Optional.empty();
                for (long pid : scan.holders().getOrDefault(e.inode(), Set.of())) {
                    holding.add(owners.computeIfAbsent(pid, processes::owner));
                    container = container.or(() -> containers.of(pid));
                }
                listeners.add(new Listener(e.protocol(), e.family(), IpAddresses.of(e.address()), e.port(),
                        e.v6only(), Optional.ofNullable(s.interfaceNames().get(e.ifIndex())),
                        OptionalInt.of(e.uid()), OptionalLong.of(e.inode()),
                        holding, withOwners ? unknownOwners(holding.isEmpty(), unreadable) : Optional.of(NOT_READ),
                        container));
            }
            out.add(new NamespaceInventory(ns, Optional.of(new Inventory(InventorySource.NETLINK, wanted, listeners,
                    List.of())), Optional.empty(), s.interfaces()));
        }
        return out;
    }

    /**
     * The sockets of the calling thread's network namespace, the names of the interfaces they are
     * bound to, and the namespace's interfaces other than loopback (both name lookups answer for
     * the calling thread's namespace, so they are made here).
     */
    private record Sockets(List<SockDiag.Entry> entries, Map<Integer, String> interfaceNames,
                           Optional<List<String>> interfaces) {
    }

    private Sockets here(SortedSet<Integer> wanted) throws InventoryException {
        List<SockDiag.Entry> entries = new ArrayList<>();
        try (NetlinkSockDiag nl = NetlinkSockDiag.open()) {
            for (Family family : Family.values()) {
                entries.addAll(nl.dump(family, Protocol.TCP, SockDiag.TCP_LISTEN, wanted));
                entries.addAll(nl.dump(family, Protocol.UDP, SockDiag.TCP_CLOSE, wanted));
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new InventoryException("netlink sock_diag: " + e.getMessage(), e);
        }
        Map<Integer, String> names = new HashMap<>();
        for (SockDiag.Entry e : entries) {
            if (!wanted.contains(e.port())) {
                throw new InventoryException("netlink sock_diag returned a socket on port " + e.port()
                        + " although the kernel filter asked for " + wanted);
            }
            if (e.ifIndex() != 0) {
                names.computeIfAbsent(e.ifIndex(), LinuxSocketInventory::interfaceName);
            }
        }
        return new Sockets(entries, names, interfaces(proc.resolve("thread-self/net/dev")));
    }

    /** The interfaces {@code /proc/thread-self/net/dev} lists, loopback left out; empty when it cannot be read. */
    static Optional<List<String>> interfaces(Path netDev) {
        String text;
        try {
            text = Files.readString(netDev);
        } catch (IOException e) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.contains("|")) {
                String name = line.substring(0, colon).strip();
                if (!name.equals("lo")) {
                    out.add(name);
                }
            }
        }
        return Optional.of(out);
    }

    static final String NOT_READ = "owners not read (sockets only)";

    /** Why owners may be missing, or null when every process's fd table was read. */
    private String unreadableNote(int unreadable) {
        int uid = NetNamespaceScan.uid(proc);
        return unreadable == 0 ? null : "/proc/<pid>/fd of " + unreadable + " process" + (unreadable == 1 ? "" : "es")
                + " not readable by uid " + (uid < 0 ? System.getProperty("user.name", "?") : String.valueOf(uid))
                + "; run as root (or with CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE) to see every owner";
    }

    private static Optional<String> unknownOwners(boolean none, String unreadable) {
        if (unreadable != null) {
            return Optional.of((none ? "owner not visible: " : "owners may be incomplete: ") + unreadable);
        }
        return none ? Optional.of("no process holds this socket (a kernel socket, or its owner just exited)")
                : Optional.empty();
    }

    private static String interfaceName(int ifIndex) {
        byte[] name = new byte[16];
        try {
            if (LibC.Binding.get().if_indextoname(ifIndex, name) != null) {
                int len = 0;
                while (len < name.length && name[len] != 0) {
                    len++;
                }
                return new String(name, 0, len, StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            // fall through: name the index
        }
        return "if" + ifIndex;
    }
}
