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
 * {@link NamespaceSelection#ALL} (or AUTO as root) every other one on Linux, found by
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

    /** The namespaces to gather facts in, the agent's own first. */
    public static Gathered gathered(NamespaceSelection selection) {
        NamespaceSelection s = selection;
        List<String> gaps = new ArrayList<>();
        if (s == NamespaceSelection.AUTO) {
            s = root() ? NamespaceSelection.ALL : NamespaceSelection.HOST;
            if (s == NamespaceSelection.HOST && OperatingSystem.isLinux()) {
                gaps.add("only the agent's own network namespace is listed: entering the others needs root "
                        + "(--namespaces all lists them, each with why it cannot be entered)");
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

    /** True when the agent runs with the effective uid 0 (the owner of /proc/self). */
    private static boolean root() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
