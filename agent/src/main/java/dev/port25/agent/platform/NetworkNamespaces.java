package dev.port25.agent.platform;

import java.util.List;

/**
 * The host's network namespaces that the agent gathers facts in. Today that is the agent's own
 * only: the inventory, the packet filter and the probe all run where the agent runs. Listing
 * every namespace (from {@code /proc/*}{@code /ns/net} and the runtimes' bind mounts) and entering
 * each (setns) is the containers issue's; it lands here, and {@code FactGatherer} already loops.
 */
public final class NetworkNamespaces {

    /** The agent's own network namespace, as facts and reports name it. */
    public static final String HOST = "host";

    private NetworkNamespaces() {
    }

    /** The namespaces to gather facts in, the agent's own first. */
    public static List<String> gathered() {
        return List.of(HOST);
    }
}
