package dev.port25.agent.inventory;

import dev.port25.firewall.net.IpAddresses;
import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.InternetProtocolStats.IPConnection;
import oshi.software.os.InternetProtocolStats.TcpState;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Portable inventory through OSHI {@link InternetProtocolStats#getConnections()}, for hosts where
 * netlink is not available (and for Windows and macOS). Its known gaps, each surfaced in
 * {@link Inventory#gaps()} so that output never claims more than it knows:
 *
 * <ul>
 *   <li>one pid per socket: a socket shared by several processes (a Postfix master and its
 *       workers) shows only one of them, so owners are marked as possibly incomplete;</li>
 *   <li>no {@code IPV6_V6ONLY} flag: a {@code ::} socket is assumed to accept IPv4 too;</li>
 *   <li>no socket uid or inode;</li>
 *   <li>sockets of processes the agent may not inspect have pid -1: their owner is unknown;</li>
 *   <li>it lists every connection on the host on each call (slow on busy hosts); the port
 *       filter is applied afterwards.</li>
 * </ul>
 *
 * <p>On Windows, where it is the only source, the rows are read by Windows' own rules
 * ({@link #WINDOWS_GAPS}): an IPv6 row is IPv6-only, and pid 4 is the kernel.
 */
public final class OshiSocketInventory implements SocketInventory {

    static final List<String> GAPS = List.of(
            "OSHI reports one process per socket: owners of a socket shared by several processes are incomplete",
            "OSHI does not report IPV6_V6ONLY: a '::' socket is assumed to accept IPv4 too",
            "OSHI does not report the socket's uid or inode");

    /**
     * On Windows (its IP Helper tables, GetExtendedTcpTable): an IPv6 socket is IPv6-only unless
     * its program asks for dual mode, and a dual-mode socket is listed in both tables, so each row
     * is judged on its own family; pid 4 is the kernel.
     */
    static final List<String> WINDOWS_GAPS = List.of(GAPS.get(0),
            "Windows lists a dual-stack socket in both its IPv4 and its IPv6 table: each row is judged on its own "
                    + "family",
            "OSHI does not report the socket's owning user SID or the service inside a shared svchost");

    /** Why pid 4 holds a socket: it is the kernel's. */
    static final String KERNEL = "pid 4 is the Windows kernel (System): a driver such as http.sys or SMB holds this "
            + "socket, not a program";

    private final boolean windows;

    /** The inventory for Linux and other POSIX systems. */
    public OshiSocketInventory() {
        this(false);
    }

    /** @param windows this host runs Windows (its socket tables have their own rules; see {@link #WINDOWS_GAPS}) */
    public OshiSocketInventory(boolean windows) {
        this.windows = windows;
    }

    @Override
    public InventorySource source() {
        return InventorySource.OSHI;
    }

    @Override
    public Inventory list(Set<Integer> ports) throws InventoryException {
        OperatingSystem os;
        List<IPConnection> connections;
        try {
            os = new SystemInfo().getOperatingSystem();
            connections = os.getInternetProtocolStats().getConnections();
        } catch (RuntimeException | LinkageError e) {
            throw new InventoryException("OSHI InternetProtocolStats: " + e, e);
        }
        Map<Integer, Owner> owners = new HashMap<>();
        return inventory(connections, ports, pid -> owners.computeIfAbsent(pid, p -> owner(os, p)));
    }

    /** The listeners on {@code ports} among {@code connections}, owners from {@code owner}. */
    Inventory inventory(List<IPConnection> connections, Set<Integer> ports, IntFunction<Owner> owner) {
        List<Listener> listeners = new ArrayList<>();
        for (IPConnection c : connections) {
            if (!ports.contains(c.getLocalPort())) {
                continue;
            }
            String type = c.getType();
            Protocol protocol = type.startsWith("tcp") ? Protocol.TCP : type.startsWith("udp") ? Protocol.UDP : null;
            if (protocol == null
                    || (protocol == Protocol.TCP && c.getState() != TcpState.LISTEN)
                    || (protocol == Protocol.UDP && c.getForeignPort() != 0)) {
                continue;
            }
            byte[] raw = c.getLocalAddress();
            Family family = raw.length == 4 ? Family.IPV4 : Family.IPV6;
            int pid = c.getowningProcessId();
            List<Owner> holding = new ArrayList<>();
            Optional<String> unknown = Optional.of(GAPS.get(0));
            if (pid < 0) {
                unknown = Optional.of("owner not visible: OSHI could not attribute this socket (not permitted?)");
            } else if (windows && pid == 4) {
                holding.add(new Owner(4, "System", Optional.empty(), Optional.of("SYSTEM"), OptionalInt.empty()));
                unknown = Optional.of(KERNEL);
            } else {
                holding.add(owner.apply(pid));
            }
            Optional<Boolean> v6only = family == Family.IPV4 ? Optional.of(false)
                    : windows ? Optional.of(true) : Optional.empty();
            listeners.add(new Listener(protocol, family, IpAddresses.of(raw), c.getLocalPort(), v6only,
                    Optional.empty(), OptionalInt.empty(), OptionalLong.empty(), holding, unknown));
        }
        return new Inventory(InventorySource.OSHI, new TreeSet<>(ports), listeners, windows ? WINDOWS_GAPS : GAPS);
    }

    private static Owner owner(OperatingSystem os, int pid) {
        OSProcess p = os.getProcess(pid);
        if (p == null) {
            return new Owner(pid, "?", Optional.empty(), Optional.empty(), OptionalInt.empty());
        }
        OptionalInt uid;
        try {
            uid = OptionalInt.of(Integer.parseInt(p.getUserID()));
        } catch (NumberFormatException e) {
            uid = OptionalInt.empty();
        }
        return new Owner(pid, p.getName(), nonEmpty(p.getPath()), nonEmpty(p.getUser()), uid);
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() || "unknown".equals(s) ? Optional.empty() : Optional.of(s);
    }
}
