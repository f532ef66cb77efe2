package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.inventory.Listener;
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
 * processes holding them. Sees the network namespace the agent runs in.
 */
public final class LinuxSocketInventory implements SocketInventory {

    private final Path proc;

    public LinuxSocketInventory() {
        this(Path.of("/proc"));
    }

    LinuxSocketInventory(Path proc) {
        this.proc = proc;
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
        SortedSet<Integer> wanted = new TreeSet<>(ports);
        List<SockDiag.Entry> entries = new ArrayList<>();
        try (NetlinkSockDiag nl = NetlinkSockDiag.open()) {
            for (Family family : Family.values()) {
                entries.addAll(nl.dump(family, Protocol.TCP, SockDiag.TCP_LISTEN, wanted));
                entries.addAll(nl.dump(family, Protocol.UDP, SockDiag.TCP_CLOSE, wanted));
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new InventoryException("netlink sock_diag: " + e.getMessage(), e);
        }
        Set<Long> inodes = new HashSet<>();
        for (SockDiag.Entry e : entries) {
            inodes.add(e.inode());
        }
        ProcFdScanner.Result scan;
        try {
            scan = new ProcFdScanner(proc).scan(withOwners ? inodes : Set.of());
        } catch (IOException e) {
            throw new InventoryException("cannot list " + proc + ": " + e.getMessage(), e);
        }
        ProcProcesses processes = new ProcProcesses(proc);
        Map<Long, Owner> owners = new HashMap<>();
        Map<Integer, Optional<String>> interfaces = new HashMap<>();
        List<Listener> listeners = new ArrayList<>(entries.size());
        String unreadable = unreadableNote(scan.unreadable().size());
        for (SockDiag.Entry e : entries) {
            if (!wanted.contains(e.port())) {
                throw new InventoryException("netlink sock_diag returned a socket on port " + e.port()
                        + " although the kernel filter asked for " + wanted);
            }
            List<Owner> holding = new ArrayList<>();
            for (long pid : scan.holders().getOrDefault(e.inode(), Set.of())) {
                holding.add(owners.computeIfAbsent(pid, processes::owner));
            }
            listeners.add(new Listener(e.protocol(), e.family(), IpAddresses.of(e.address()), e.port(),
                    e.v6only(),
                    e.ifIndex() == 0 ? Optional.empty()
                            : interfaces.computeIfAbsent(e.ifIndex(), LinuxSocketInventory::interfaceName),
                    OptionalInt.of(e.uid()), OptionalLong.of(e.inode()),
                    holding, withOwners ? unknownOwners(holding.isEmpty(), unreadable) : Optional.of(NOT_READ)));
        }
        return new Inventory(InventorySource.NETLINK, wanted, listeners, List.of());
    }

    static final String NOT_READ = "owners not read (sockets only)";

    /** Why owners may be missing, or null when every process's fd table was read. */
    private static String unreadableNote(int unreadable) {
        return unreadable == 0 ? null : "/proc/<pid>/fd of " + unreadable + " process" + (unreadable == 1 ? "" : "es")
                + " not readable by uid " + currentUid()
                + "; run as root (or with CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE) to see every owner";
    }

    private static Optional<String> unknownOwners(boolean none, String unreadable) {
        if (unreadable != null) {
            return Optional.of((none ? "owner not visible: " : "owners may be incomplete: ") + unreadable);
        }
        return none ? Optional.of("no process holds this socket (a kernel socket, or its owner just exited)")
                : Optional.empty();
    }

    private static String currentUid() {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return System.getProperty("user.name", "?");
        }
    }

    private static Optional<String> interfaceName(int ifIndex) {
        byte[] name = new byte[16];
        try {
            if (LibC.Binding.get().if_indextoname(ifIndex, name) != null) {
                int len = 0;
                while (len < name.length && name[len] != 0) {
                    len++;
                }
                return Optional.of(new String(name, 0, len, StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            // fall through: name the index
        }
        return Optional.of("if" + ifIndex);
    }
}
