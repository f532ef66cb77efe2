package dev.port25.agent.facts;

import dev.port25.agent.dns.DnsLookup;
import dev.port25.agent.dns.MailDomainProbe;
import dev.port25.agent.dns.MailDomainRecords;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.platform.NetworkNamespaces;
import dev.port25.agent.platform.SocketInventories;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.smtp.SmtpProbe;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.PacketFilterReader;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.exec.DaemonThreads;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallSelector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Gathers the {@link Facts} about this host: role, listeners, every firewall layer, and on request
 * the SMTP audit of each listener and a MAIL_SERVER's mail domains' DNS records. What
 * {@code status}, {@code audit}, reports and the daemon all call; {@code status} skips the SMTP
 * probe and DNS.
 */
public final class FactGatherer {

    /** One daemon thread per task: these wait on the kernel and on tools, and must not keep the JVM alive. */
    private static final Executor DAEMON = DaemonThreads.named("audit-gather");

    private final CommandRunner runner;
    private final FirewallSelector selector;

    public FactGatherer() {
        this(new CommandRunner(), new FirewallSelector());
    }

    public FactGatherer(CommandRunner runner, FirewallSelector selector) {
        this.runner = runner;
        this.selector = selector;
    }

    /**
     * @param settings the settings in force
     * @param source   the inventory source
     * @param probe    also probe each TCP listener and read its MTA's configuration, ask DNS about a
     *                 MAIL_SERVER's mail domains, and detect the firewall backend that would act
     *                 (its tools, ufw and firewall-cmd, take most of a second of CPU, which the
     *                 quick {@code status} does without)
     */
    public Facts gather(Settings settings, SocketInventories.Choice source, boolean probe) {
        String hostname = RoleResolver.localHostname();
        RoleResolver.Decision role = RoleResolver.resolve(settings, hostname);
        // a MAIL_SERVER's mail domains: DNS and the MTA-STS policy hosts, while the rest is gathered
        CompletableFuture<Optional<List<MailDomainRecords>>> dns = !probe || role.role() != Role.MAIL_SERVER
                ? CompletableFuture.completedFuture(Optional.empty())
                : async(() -> Optional.of(new MailDomainProbe(DnsLookup.of(settings.dns()), DAEMON)
                        .check(settings.roles().mailServer().domains())));
        List<Facts.Namespace> namespaces = new ArrayList<>();
        for (String ns : NetworkNamespaces.gathered()) {
            namespaces.add(namespace(ns, settings, source, probe));
        }
        return new Facts(hostname, role, settings, namespaces, dns.join());
    }

    /** One network namespace's listeners, packet filter and SMTP audit (today only the agent's own is listed). */
    private Facts.Namespace namespace(String name, Settings settings, SocketInventories.Choice source, boolean probe) {
        if (!name.equals(NetworkNamespaces.HOST)) { // gathering runs in the agent's own namespace: entering others is to come
            throw new IllegalStateException("cannot gather facts in network namespace " + name + " yet");
        }
        // the inventory, the backend detection and the firewall read each wait on the kernel or on
        // tools; they are independent, so they run at once
        CompletableFuture<Facts.Result<Inventory>> inv = async(() -> {
            try {
                return Facts.Result.of(SocketInventories.list(source, new TreeSet<>(settings.ports())));
            } catch (InventoryException e) {
                return Facts.Result.failed(e.getMessage());
            }
        });
        Facts.Result<Facts.FirewallView> firewall = firewall(settings, probe);
        Facts.Result<Inventory> inventory = inv.join();
        Optional<List<LocalSmtpAudit.Report>> smtp = Optional.empty();
        if (probe && inventory.value().isPresent()) {
            SmtpProbe.Options d = SmtpProbe.Options.defaults();
            SmtpProbe p = new SmtpProbe(new SmtpProbe.Options(d.heloName(),
                    settings.probe().users().stream().map(Settings.UserName::name).toList(), Optional.empty(),
                    settings.roles().mailServer().domains().stream().map(Settings.DomainName::name).toList(),
                    Duration.ofSeconds(settings.probe().connectTimeoutSeconds()), d.limits()));
            smtp = Optional.of(new LocalSmtpAudit(runner, p).audit(inventory.value().get()));
        }
        return new Facts.Namespace(name, inventory, firewall, smtp);
    }

    private static <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, DAEMON);
    }

    /** Every layer read once; inbound exposure of each port, and egress when the role may need it. */
    private Facts.Result<Facts.FirewallView> firewall(Settings settings, boolean detect) {
        Optional<String> pin = settings.firewall().backend().pin();
        CompletableFuture<Facts.Result<String>> selected = !detect ? CompletableFuture.completedFuture(
                Facts.Result.failed("not detected")) : async(() -> {
            try {
                return Facts.Result.of(selector.select(runner, pin).adapter().id());
            } catch (FirewallException e) {
                return Facts.Result.failed(e.getMessage());
            }
        });
        PacketFilter filter = new PacketFilterReader(runner).read(); // what it cannot read is in unread()
        Facts.Result<String> chosen = selected.join();
        if (chosen.error().isPresent() && pin.isPresent() && detect) {
            return Facts.Result.failed("firewall.backend " + pin.get() + ": " + chosen.error().get());
        }
        Optional<String> backend = chosen.value();
        Map<Integer, Map<IpFamily, Exposure>> inbound = new HashMap<>();
        Map<Integer, Map<IpFamily, Exposure>> egress = new HashMap<>();
        for (int port : settings.ports()) {
            Map<IpFamily, Exposure> in = new EnumMap<>(IpFamily.class);
            Map<IpFamily, Exposure> out = new EnumMap<>(IpFamily.class);
            for (IpFamily f : IpFamily.values()) {
                in.put(f, filter.exposure(f, port));
                if (settings.roles().none().blockEgress()) {
                    out.put(f, filter.egress(f, port));
                }
            }
            inbound.put(port, in);
            egress.put(port, out);
        }
        return Facts.Result.of(new Facts.FirewallView(backend, inbound, egress, filter.unread()));
    }
}
