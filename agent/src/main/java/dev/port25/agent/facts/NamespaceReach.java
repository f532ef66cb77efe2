package dev.port25.agent.facts;

import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.Scope;
import dev.port25.firewall.eval.HostFilter;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ways into the network namespaces of one gathering ({@link Facts.Reach}): each namespace's
 * interfaces against the host's (read once, when first needed), and the host's DNATs to each of
 * its addresses.
 */
final class NamespaceReach {

    private final CommandRunner runner;
    private final HostFilter host;
    private Facts.Result<List<Links.Link>> hostLinks;

    /**
     * @param runner runs tools in the agent's own namespace
     * @param host   the agent's own namespace's packet filter
     */
    NamespaceReach(CommandRunner runner, HostFilter host) {
        this.runner = runner;
        this.host = host;
    }

    /**
     * The ways into another namespace: its interfaces and addresses ({@code ip -j -d address show}
     * inside it), the host's, and the host's DNATs to each of its addresses on each port one of
     * its TCP listeners beyond loopback uses.
     */
    Facts.Result<Facts.Reach> of(CommandRunner inside, Inventory inventory) {
        Facts.Result<List<Links.Link>> links = links(inside);
        if (links.error().isPresent()) {
            return Facts.Result.failed(links.error().get());
        }
        if (hostLinks == null) {
            hostLinks = links(runner);
        }
        Facts.Result<List<Links.Link>> hosts = hostLinks;
        if (hosts.error().isPresent()) {
            return Facts.Result.failed("the host's own interfaces: " + hosts.error().get());
        }
        Links.Ways ways = Links.ways(links.value().get(), hosts.value().get());
        List<InetAddress> addresses = Links.addresses(links.value().get());
        Set<Integer> ports = new TreeSet<>();
        inventory.listeners().stream().filter(l -> l.protocol() == Protocol.TCP && l.scope() != Scope.LOOPBACK)
                .forEach(l -> ports.add(l.port()));
        List<PacketFilter.Published> published = new ArrayList<>();
        for (InetAddress a : addresses) {
            for (int port : ports) {
                published.addAll(host.publishedTo(new PacketFilter.Target(a, port)));
            }
        }
        return Facts.Result.of(new Facts.Reach(addresses, ways.viaHost(), ways.elsewhere(), published));
    }

    /** The interfaces {@code ip -j -d address show} lists where {@code runner} runs it. */
    private static Facts.Result<List<Links.Link>> links(CommandRunner runner) {
        try {
            CommandResult r = runner.run("ip", "-j", "-d", "address", "show");
            if (!r.ok()) {
                return Facts.Result.failed("ip -j -d address show: " + r.describe());
            }
            return Facts.Result.of(Links.parse(r.stdout()));
        } catch (CommandException | IllegalArgumentException e) {
            return Facts.Result.failed("ip -j -d address show: " + e.getMessage());
        }
    }
}
