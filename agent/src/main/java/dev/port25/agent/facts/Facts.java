package dev.port25.agent.facts;

import dev.port25.agent.dns.MailDomainRecords;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.net.IpFamily;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the policy's {@code Evaluator} weighs about one host, gathered beforehand by
 * {@link FactGatherer}, so the judgement itself is pure and can be tested from recorded states.
 * What can differ per network namespace (listeners, the packet filter in front of them, their
 * SMTP audit) is kept per namespace, the agent's own first.
 *
 * @param hostname   the host's name, as the role rules saw it
 * @param role       the host's role and why
 * @param settings   the settings in force
 * @param namespaces the facts of each network namespace, the agent's own first; never empty
 * @param namespaceGaps the namespaces that were not listed and why (not root, not Linux)
 * @param dns        the DNS records of each of a MAIL_SERVER's mail domains; empty when not asked
 *                   (status does not, nor does any other role)
 */
public record Facts(String hostname, RoleResolver.Decision role, Settings settings, List<Namespace> namespaces,
                    List<String> namespaceGaps, Optional<List<MailDomainRecords>> dns) {

    /** Facts of a host gathered in its own namespace only. */
    public Facts(String hostname, RoleResolver.Decision role, Settings settings, Result<Inventory> inventory,
                 Result<FirewallView> firewall, Optional<List<LocalSmtpAudit.Report>> smtp,
                 Optional<List<MailDomainRecords>> dns) {
        this(hostname, role, settings, List.of(Namespace.host(inventory, firewall, smtp)), List.of(), dns);
    }

    /** Facts of a host gathered in its own namespace only, without DNS records. */
    public Facts(String hostname, RoleResolver.Decision role, Settings settings, Result<Inventory> inventory,
                 Result<FirewallView> firewall, Optional<List<LocalSmtpAudit.Report>> smtp) {
        this(hostname, role, settings, inventory, firewall, smtp, Optional.empty());
    }

    public Facts {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(settings, "settings");
        namespaces = List.copyOf(namespaces);
        namespaceGaps = List.copyOf(namespaceGaps);
        if (namespaces.isEmpty() || !namespaces.get(0).where().isHost()) {
            throw new IllegalArgumentException("the agent's own network namespace comes first, and always");
        }
        dns = dns.map(List::copyOf);
    }

    /** The agent's own network namespace. */
    public Namespace host() {
        return namespaces.get(0);
    }

    /** The namespaces other than the agent's own. */
    public List<Namespace> others() {
        return namespaces.subList(1, namespaces.size());
    }

    /** The listeners of the agent's own namespace. */
    public Result<Inventory> inventory() {
        return host().inventory();
    }

    /** The firewall of the agent's own namespace. */
    public Result<FirewallView> firewall() {
        return host().firewall();
    }

    /** The SMTP audit of the listeners of the agent's own namespace. */
    public Optional<List<LocalSmtpAudit.Report>> smtp() {
        return host().smtp();
    }

    /**
     * What one network namespace holds.
     *
     * @param where      which namespace: {@link NetNamespace#HOST} for the agent's own
     * @param inventory  the listeners on the covered ports, or why they could not be listed
     * @param interfaces its network interfaces other than loopback, as seen from inside it; empty
     *                   when not known
     * @param firewall   what its packet filter lets through per port and family, or why it could
     *                   not be read (or was not: a namespace without a listener on a covered port)
     * @param smtp       the local SMTP audit of each TCP listener; empty when not probed (status does not probe)
     * @param reach      for a namespace other than the agent's own with a listener on a covered
     *                   port, the ways into it from outside, or why they are not known; a failed
     *                   result otherwise
     */
    public record Namespace(NetNamespace where, Result<Inventory> inventory, Optional<List<String>> interfaces,
                            Result<FirewallView> firewall, Optional<List<LocalSmtpAudit.Report>> smtp,
                            Result<Reach> reach) {
        public Namespace {
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(inventory, "inventory");
            interfaces = interfaces.map(List::copyOf);
            Objects.requireNonNull(firewall, "firewall");
            smtp = smtp.map(List::copyOf);
            Objects.requireNonNull(reach, "reach");
        }

        /** A namespace whose ways in were not looked at. */
        public Namespace(NetNamespace where, Result<Inventory> inventory, Optional<List<String>> interfaces,
                         Result<FirewallView> firewall, Optional<List<LocalSmtpAudit.Report>> smtp) {
            this(where, inventory, interfaces, firewall, smtp, Result.failed(where.isHost() ? OWN : NOT_LOOKED_AT));
        }

        static final String NOT_LOOKED_AT = "not looked at: nothing listens on a covered port here";
        static final String OWN = "the agent's own namespace: its packet filter (firewall) is the way in";

        /** The agent's own namespace, as gathered where only it is listed. */
        public static Namespace host(Result<Inventory> inventory, Result<FirewallView> firewall,
                                     Optional<List<LocalSmtpAudit.Report>> smtp) {
            return new Namespace(NetNamespace.host(), inventory, Optional.empty(), firewall, smtp);
        }

        /** The namespace's name: "host", "netns/blue", "docker/1a2b3c4d5e6f", "pid/1234". */
        public String name() {
            return where.name();
        }
    }

    /**
     * An interface of a namespace that leads past the host's packet filter.
     *
     * @param name        its name inside the namespace
     * @param what        what it is: "macvlan on the host's eth0", "a veth whose other end is not the host's"
     * @param hostNetwork it is on the network of one of the host's interfaces (a macvlan or ipvlan)
     */
    public record Way(String name, String what, boolean hostNetwork) {
        public String describe() {
            return name + " (" + what + ")";
        }
    }

    /**
     * The ways into a namespace other than the agent's own from outside it.
     *
     * @param addresses its addresses of global scope
     * @param viaHost   its interfaces whose other end is the host's (a veth to a bridge)
     * @param elsewhere its interfaces that lead past the host's packet filter
     * @param published the host's DNATs to its addresses, on the covered ports its TCP listeners use
     */
    public record Reach(List<InetAddress> addresses, List<String> viaHost, List<Way> elsewhere,
                        List<PacketFilter.Published> published) {
        public Reach {
            addresses = List.copyOf(addresses);
            viaHost = List.copyOf(viaHost);
            elsewhere = List.copyOf(elsewhere);
            published = List.copyOf(published);
        }
    }

    /** A value, or why there is none. */
    public record Result<T>(Optional<T> value, Optional<String> error) {
        public Result {
            if (value.isPresent() == error.isPresent()) {
                throw new IllegalArgumentException("exactly one of value and error");
            }
        }

        public static <T> Result<T> of(T value) {
            return new Result<>(Optional.of(value), Optional.empty());
        }

        public static <T> Result<T> failed(String why) {
            return new Result<>(Optional.empty(), Optional.of(why));
        }
    }

    /**
     * The firewall as it affects the covered ports.
     *
     * @param backend the backend the agent would act through; empty when none can, or when it was
     *                not detected ({@code status} does not)
     * @param inbound per port, per family: who can connect in
     * @param egress  per port, per family: where this host can connect out
     * @param unread  layers that could not be read, each with why
     */
    public record FirewallView(Optional<String> backend, Map<Integer, Map<IpFamily, Exposure>> inbound,
                               Map<Integer, Map<IpFamily, Exposure>> egress, List<String> unread) {
        public FirewallView {
            inbound = Map.copyOf(inbound);
            egress = Map.copyOf(egress);
            unread = List.copyOf(unread);
        }
    }
}
