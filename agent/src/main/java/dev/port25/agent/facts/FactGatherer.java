package dev.port25.agent.facts;

import dev.port25.agent.dns.DnsLookup;
import dev.port25.agent.dns.MailDomainProbe;
import dev.port25.agent.dns.MailDomainRecords;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.NamespaceInventory;
import dev.port25.agent.inventory.linux.NetNamespaceScan;
import dev.port25.agent.platform.NetworkNamespaces;
import dev.port25.agent.platform.SocketInventories;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.smtp.SmtpProbe;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.HostFilter;
import dev.port25.firewall.eval.PacketFilterReader;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.host.HostFilters;
import dev.port25.firewall.exec.DaemonThreads;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallSelector;

import java.nio.file.Path;
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
 * the SMTP audit of each listener and a MAIL_SERVER's mail domains' DNS records; in the agent's
 * own network namespace and, as the settings say, every other one. What
 * {@code status}, {@code audit}, reports and the daemon all call; {@code status} skips the SMTP
 * probe and DNS.
 */
public final class FactGatherer {

    /** One daemon thread per task: these wait on the kernel and on tools, and must not keep the JVM alive. */
    private static final Executor DAEMON = DaemonThreads.named("audit-gather");

    private static final Path PROC = Path.of("/proc");

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
     * @param probe    also probe each TCP listener (in every namespace) and read its MTA's configuration, ask DNS about a
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
        // the backend that would act (the host's), detected once while the rest is gathered
        Optional<String> pin = settings.firewall().backend().pin();
        CompletableFuture<Facts.Result<String>> backend = !probe ? CompletableFuture.completedFuture(
                Facts.Result.failed("not detected")) : async(() -> {
            try {
                return Facts.Result.of(selector.select(runner, pin).adapter().id());
            } catch (FirewallException e) {
                return Facts.Result.failed(e.getMessage());
            }
        });
        NetworkNamespaces.Gathered where = source == SocketInventories.Choice.OSHI
                ? NetworkNamespaces.ownOnly("the OSHI inventory (--source oshi) sees the agent's own network namespace only")
                : NetworkNamespaces.gathered(settings.inventory().namespaces());
        // the inventory and the host's firewall read each wait on the kernel or on tools; they are
        // independent, so they run at once
        CompletableFuture<List<NamespaceInventory>> listed = async(() -> SocketInventories.list(source,
                where.namespaces(), new TreeSet<>(settings.ports())));
        HostFilter hostFilter = new HostFilters(runner).read(); // what it cannot read is in unread()
        List<NamespaceInventory> inventories = listed.join();
        Facts.Result<String> chosen = backend.join();
        List<Facts.Namespace> namespaces = new ArrayList<>();
        NamespaceReach reach = new NamespaceReach(runner, hostFilter);
        for (NamespaceInventory ni : inventories) {
            Facts.Result<Inventory> inventory = ni.inventory().map(Facts.Result::of)
                    .orElseGet(() -> Facts.Result.failed(ni.error().orElseThrow()));
            if (ni.namespace().isHost()) {
                Facts.Result<Facts.FirewallView> firewall = chosen.error().isPresent() && pin.isPresent() && probe
                        ? Facts.Result.failed("firewall.backend " + pin.get() + ": " + chosen.error().get())
                        : Facts.Result.of(view(hostFilter, chosen.value(), settings, true));
                Optional<List<LocalSmtpAudit.Report>> smtp = probe && inventory.value().isPresent()
                        ? Optional.of(new LocalSmtpAudit(runner, smtpProbe(settings)).audit(inventory.value().get()))
                        : Optional.empty();
                namespaces.add(new Facts.Namespace(ni.namespace(), inventory, ni.interfaces(), firewall, smtp));
            } else if (inventory.value().map(i -> i.listeners().isEmpty()).orElse(true)) {
                namespaces.add(new Facts.Namespace(ni.namespace(), inventory, ni.interfaces(),
                        Facts.Result.failed("not read: nothing listens on a covered port here"), Optional.empty()));
            } else {
                Optional<Path> entry = NetNamespaceScan.entry(ni.namespace(), PROC);
                if (entry.isEmpty()) { // ended since it was listed
                    String gone = "not read: the namespace ended since it was listed";
                    namespaces.add(new Facts.Namespace(ni.namespace(), inventory, ni.interfaces(),
                            Facts.Result.failed(gone), Optional.empty(), Facts.Result.failed(gone)));
                    continue;
                }
                CommandRunner inside = runner.withPrefix(List.of("nsenter", "--net=" + entry.get(), "--"));
                Optional<List<LocalSmtpAudit.Report>> smtp = probe
                        ? Optional.of(new LocalSmtpAudit(runner, smtpProbe(settings)).audit(ni.namespace(),
                        inventory.value().get()))
                        : Optional.empty();
                namespaces.add(new Facts.Namespace(ni.namespace(), inventory, ni.interfaces(),
                        Facts.Result.of(view(new PacketFilterReader(inside).read(), Optional.empty(), settings, false)),
                        smtp, reach.of(inside, inventory.value().get())));
            }
        }
        return new Facts(hostname, role, settings, namespaces, where.gaps(), dns.join());
    }

    private static SmtpProbe smtpProbe(Settings settings) {
        SmtpProbe.Options d = SmtpProbe.Options.defaults();
        return new SmtpProbe(new SmtpProbe.Options(d.heloName(),
                settings.probe().users().stream().map(Settings.UserName::name).toList(), Optional.empty(),
                settings.roles().mailServer().domains().stream().map(Settings.DomainName::name).toList(),
                Duration.ofSeconds(settings.probe().connectTimeoutSeconds()), d.limits()));
    }

    private static <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, DAEMON);
    }

    /**
     * Inbound exposure of each covered port as {@code filter} says, and egress when the role may
     * need it and {@code egress} (the host's own filter).
     */
    private static Facts.FirewallView view(HostFilter filter, Optional<String> backend, Settings settings,
                                           boolean egress) {
        Map<Integer, Map<IpFamily, Exposure>> inbound = new HashMap<>();
        Map<Integer, Map<IpFamily, Exposure>> outbound = new HashMap<>();
        for (int port : settings.ports()) {
            Map<IpFamily, Exposure> in = new EnumMap<>(IpFamily.class);
            Map<IpFamily, Exposure> out = new EnumMap<>(IpFamily.class);
            for (IpFamily f : IpFamily.values()) {
                in.put(f, filter.exposure(f, port));
                if (egress && settings.roles().none().blockEgress()) {
                    out.put(f, filter.egress(f, port));
                }
            }
            inbound.put(port, in);
            outbound.put(port, out);
        }
        return new Facts.FirewallView(backend, inbound, outbound, filter.unread());
    }
}
