package dev.port25.agent.platform;

import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.NamespaceSelection;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.inventory.linux.NetNamespaceScan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's network namespaces that the agent gathers facts in: its own, and with
 * {@link NamespaceSelection#ALL} (or AUTO where it may enter them) every other one on Linux, found by
 * {@link NetNamespaceScan}.
 */
public final class NetworkNamespaces {

    /** The agent's own network namespace, as facts and reports name it. */
    public static final String HOST = NetNamespace.HOST;

    /**
     * @param namespaces the agent's own first
     * @param gaps       what was not listed and why, in words for the operator
     */
    public record Gathered(List<NetNamespace> namespaces, List<String> gaps) {
        public Gathered {
            namespaces = List.copyOf(namespaces);
            gaps = List.copyOf(gaps);
        }
    }

    private NetworkNamespaces() {
    }

    /** The agent's own namespace only, because {@code why}. */
    public static Gathered ownOnly(String why) {
        return new Gathered(List.of(NetNamespace.host()), List.of(why));
    }

    /** The namespaces to gather facts in, the agent's own first. */
    public static Gathered gathered(NamespaceSelection selection) {
        NamespaceSelection s = selection;
        List<String> gaps = new ArrayList<>();
        if (s == NamespaceSelection.AUTO) {
            s = MayEnter.VALUE ? NamespaceSelection.ALL : NamespaceSelection.HOST;
            if (s == NamespaceSelection.HOST && OperatingSystem.isLinux()) {
                gaps.add("only the agent's own network namespace is listed: entering the others needs root with "
                        + "CAP_SYS_ADMIN, which this process lacks (--namespaces all lists them, each with why it "
                        + "cannot be entered)");
            }
        }
        if (s == NamespaceSelection.HOST) {
            return new Gathered(List.of(NetNamespace.host()), gaps);
        }
        if (!OperatingSystem.isLinux()) {
            gaps.add("other network namespaces are listed on Linux only");
            return new Gathered(List.of(NetNamespace.host()), gaps);
        }
        try {
            NetNamespaceScan.Result r = new NetNamespaceScan().scan();
            gaps.addAll(r.gaps());
            return new Gathered(r.namespaces(), gaps);
        } catch (InventoryException e) {
            gaps.add("other network namespaces not listed: " + e.getMessage());
            return new Gathered(List.of(NetNamespace.host()), gaps);
        }
    }

    /** CAP_SYS_ADMIN's bit in the capability sets of {@code /proc/self/status}. */
    private static final int CAP_SYS_ADMIN = 21;

    /** {@link #mayEnter()}, read once: the agent never changes its own capabilities (the daemon's watch asks every round). */
    private static final class MayEnter {
        static final boolean VALUE = mayEnter();
    }

    /**
     * True when this process may enter another network namespace: it has CAP_SYS_ADMIN in its
     * effective set (root in a sandbox without it, such as the packaged service, may not).
     */
    private static boolean mayEnter() {
        if (!OperatingSystem.isLinux()) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long eff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (eff & (1L << CAP_SYS_ADMIN)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
