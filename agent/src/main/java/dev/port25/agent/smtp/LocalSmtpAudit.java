package dev.port25.agent.smtp;

import dev.port25.agent.finding.FindingKind;
import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.Scope;
import dev.port25.agent.inventory.linux.InNamespace;
import dev.port25.agent.platform.SocketInventories;
import dev.port25.agent.platform.linux.ProcessRoot;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.IpAddresses;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every TCP listener on port 25 of this host, probed from the host itself, and, where its owner is
 * Postfix or Exim, judged from the MTA's own configuration too. A local probe is usually a trusted
 * client ({@code mynetworks}, {@code relay_from_hosts}), so relay and enumeration verdicts come
 * from the configuration where there is one: Postfix's parameters ({@code postconf}), and for
 * Exim its ACLs run for a client from outside ({@code exim -bh}, see
 * {@link EximConfig#hostCheck}). Each verdict says its source.
 *
 * <p>A listener in another network namespace is probed from a thread inside that namespace, over
 * its own loopback or address. An MTA that sees another file system (a container's) has its
 * configuration read through {@code /proc/PID/root} with this host's {@code postconf}: the agent
 * never runs a container's own binaries, which as root on the host would hand the container the
 * host. So an Exim there is judged by the local probe alone, and says why.
 */
public final class LocalSmtpAudit {

    /** Where a verdict came from. */
    public enum Source { CONFIGURATION, LOCAL_PROBE }

    /** One verdict: its value (empty: cannot say) and source. */
    public record Verdict(Optional<Boolean> value, Source source, String why) {
    }

    /**
     * One listener's findings.
     *
     * @param namespace     the name of the listener's network namespace ("host" for the agent's own)
     * @param probed        the address:port the local probe connected to
     * @param configuration the Postfix configuration, when the owner is Postfix and it could be read
     * @param exim          the Exim configuration, when the owner is Exim and it could be read
     * @param eximHostCheck the relay and enumeration tries through {@code exim -bh}, as a client from outside
     * @param configError   why a configuration could not be read
     */
    public record Report(String namespace, Listener listener, String probed, Optional<PostfixConfig> configuration,
                         Optional<EximConfig> exim, Optional<SmtpProbeResult> eximHostCheck,
                         Optional<String> configError, SmtpProbeResult localProbe, Verdict openRelay,
                         Verdict userEnumeration, Verdict vrfyDisclosesUsers, Verdict starttlsOffered,
                         Verdict authBeforeTls, Verdict bannerLeaksSoftware) {
    }

    private final CommandRunner runner;
    private final SmtpProbe probe;
    private final ProcessRoot roots;

    public LocalSmtpAudit(CommandRunner runner, SmtpProbe probe) {
        this.runner = runner;
        this.probe = probe;
        this.roots = new ProcessRoot();
    }

    public List<Report> audit() throws InventoryException {
        return audit(SocketInventories.list(SocketInventories.Choice.AUTO, Set.of(25)));
    }

    /** Audits each TCP listener of an inventory of the agent's own namespace already taken. */
    public List<Report> audit(Inventory inv) {
        return audit(NetNamespace.host(), inv);
    }

    /** Audits each TCP listener of namespace {@code where}, listed in {@code inv}; probed from inside it. */
    public List<Report> audit(NetNamespace where, Inventory inv) {
        List<Report> out = new ArrayList<>();
        for (Listener l : inv.listeners()) {
            if (l.protocol() == Protocol.TCP) {
                out.add(audit(where, l));
            }
        }
        return out;
    }

    /** 127.0.0.1 or ::1: a wildcard listener of that family is reached there (an IPv6-only one too). */
    private static InetAddress loopback(int addressLength) {
        byte[] b = new byte[addressLength];
        if (addressLength == 4) {
            b[0] = 127;
        }
        b[addressLength - 1] = 1;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private Report audit(NetNamespace where, Listener l) {
        // a dual-stack [::]:25 in another namespace over 127.0.0.1: a container without IPv6 (Docker's
        // default) has no ::1 on its loopback
        boolean viaIpv4 = !where.isHost() && l.reachableOver().contains(Family.IPV4);
        InetAddress to = l.scope() != Scope.WILDCARD ? l.address() : loopback(viaIpv4 ? 4
                : l.address().getAddress().length);
        String probed = (to.getAddress().length == 16 ? "[" + IpAddresses.text(to) + "]" : IpAddresses.text(to)) + ":"
                + l.port();
        SmtpProbeResult local;
        try {
            local = InNamespace.call(where, () -> probe.probe(new InetSocketAddress(to, l.port()), to.getHostAddress()));
        } catch (InventoryException e) {
            return notProbed(where, l, probed, "not probed in network namespace " + where.describe() + ": "
                    + e.getMessage());
        }
        Optional<Owner> postfix = l.owners().stream()
                .filter(o -> o.exe().orElse("").endsWith("/postfix/sbin/master") || o.name().equals("master"))
                .findFirst();
        Optional<PostfixConfig> cf = Optional.empty();
        Optional<EximConfig> exim = Optional.empty();
        Optional<String> error = Optional.empty();
        Optional<Owner> eximOwner = l.owners().stream().filter(o -> o.name().startsWith("exim")).findFirst();
        if (postfix.isEmpty() && eximOwner.isPresent()) {
            try {
                rootOf(where, eximOwner.get().pid()); // a process of another namespace that cannot be read: said so
                if (!roots.runsHostExecutable(eximOwner.get().pid())) {
                    throw new IOException("exim runs an executable of its own file system (/proc/"
                            + eximOwner.get().pid() + "/root), not this host's: its configuration is read by running "
                            + "that executable (exim -bP, exim -bh), and the agent does not run a container's code as "
                            + "root on the host; judged by the local probe");
                }
                exim = Optional.of(EximConfig.read(runner, eximOwner.get().pid()));
            } catch (IOException e) {
                error = Optional.of(e.getMessage());
            }
        }
        if (postfix.isPresent()) {
            try {
                cf = Optional.of(postfix(where, postfix.get().pid()));
            } catch (IOException e) {
                error = Optional.of(e.getMessage());
            }
        }
        Verdict relay;
        Verdict users;
        Verdict vrfy;
        Verdict tls;
        Verdict auth;
        Verdict banner;
        Optional<SmtpProbeResult> hostCheck = Optional.empty();
        if (cf.isPresent()) {
            PostfixConfig c = cf.get();
            Optional<String> because = c.openRelayBecause();
            relay = new Verdict(Optional.of(because.isPresent()), Source.CONFIGURATION,
                    because.orElse("reject_unauth_destination stops relay for clients outside mynetworks ("
                            + c.values().get("mynetworks") + ")"));
            boolean vrfyTells = c.vrfyEnabled() && c.rejectsUnknownLocalUsers();
            users = new Verdict(Optional.of(vrfyTells || c.rcptDisclosesUsers()), Source.CONFIGURATION,
                    "local_recipient_maps = " + c.values().get("local_recipient_maps")
                            + ", smtpd_reject_unlisted_recipient = " + c.values().get("smtpd_reject_unlisted_recipient")
                            + ", disable_vrfy_command = " + c.values().get("disable_vrfy_command"));
            vrfy = new Verdict(Optional.of(vrfyTells), Source.CONFIGURATION,
                    "disable_vrfy_command = " + c.values().get("disable_vrfy_command"));
            tls = new Verdict(Optional.of(c.starttlsOffered()), Source.CONFIGURATION,
                    "smtpd_tls_security_level = " + c.values().get("smtpd_tls_security_level"));
            auth = new Verdict(Optional.of(c.authBeforeTls()), Source.CONFIGURATION,
                    "smtpd_sasl_auth_enable = " + c.values().get("smtpd_sasl_auth_enable") + ", smtpd_tls_auth_only = "
                            + c.values().get("smtpd_tls_auth_only"));
            banner = new Verdict(Optional.of(SmtpJudge.leaks(c.banner())), Source.CONFIGURATION,
                    "smtpd_banner = " + c.banner());
        } else if (exim.isPresent()) {
            EximConfig c = exim.get();
            String client = EximConfig.outsider(l.address().getAddress().length == 16);
            SmtpProbeResult outside = probe.probeAccess(c.hostCheck(runner, client, probe.limits()), l.address());
            hostCheck = Optional.of(outside);
            String how = "exim -bh " + client + " (its ACLs for a client from outside): ";
            Optional<String> everyone = c.openRelayBecause();
            if (outside.relayAttempts().isEmpty()) {
                relay = new Verdict(everyone.isPresent() ? Optional.of(true) : Optional.empty(), Source.CONFIGURATION,
                        everyone.orElse(how + outside.error().orElse("no relay try completed")));
            } else {
                relay = new Verdict(Optional.of(outside.openRelay()), Source.CONFIGURATION, how + outside.relayAttempts()
                        .stream().filter(SmtpProbeResult.RelayAttempt::accepted).findFirst()
                        .map(a -> "accepted RCPT TO:" + a.rcptTo() + " from MAIL FROM:" + a.mailFrom())
                        .orElse("refused all " + outside.relayAttempts().size() + " relay forms"));
            }
            users = enumeration(outside, Source.CONFIGURATION, how);
            vrfy = new Verdict(outside.vrfy() == SmtpProbeResult.Answer.NOT_TESTED ? Optional.empty()
                    : Optional.of(outside.vrfy() == SmtpProbeResult.Answer.DISCLOSES), Source.CONFIGURATION,
                    how + "VRFY " + outside.vrfy());
            tls = new Verdict(Optional.of(c.starttlsOffered()), Source.CONFIGURATION,
                    "tls_advertise_hosts = " + c.values().getOrDefault("tls_advertise_hosts", ""));
            auth = new Verdict(Optional.of(!local.authBeforeTls().isEmpty()), Source.LOCAL_PROBE, "EHLO");
            banner = new Verdict(Optional.of(SmtpJudge.leaks(c.banner())), Source.CONFIGURATION,
                    "smtp_banner = " + c.banner());
        } else {
            // from the host itself the MTA usually trusts us: an accepted relay says nothing about outsiders
            relay = new Verdict(local.openRelay() ? Optional.empty() : Optional.of(false), Source.LOCAL_PROBE,
                    local.openRelay() ? "relayed for this host, which the MTA may trust; probe from another host"
                            : "refused relay even to this host");
            users = enumeration(local, Source.LOCAL_PROBE, "");
            vrfy = new Verdict(Optional.of(local.vrfy() == SmtpProbeResult.Answer.DISCLOSES), Source.LOCAL_PROBE,
                    "VRFY " + local.vrfy());
            tls = new Verdict(Optional.of(local.starttlsOffered()), Source.LOCAL_PROBE, "EHLO");
            auth = new Verdict(Optional.of(!local.authBeforeTls().isEmpty()), Source.LOCAL_PROBE, "EHLO");
            banner = new Verdict(Optional.of(local.has(FindingKind.BANNER_LEAKS_SOFTWARE)), Source.LOCAL_PROBE,
                    local.banner().orElse(""));
        }
        return new Report(where.name(), l, probed, cf, exim, hostCheck, error, local, relay, users, vrfy, tls, auth,
                banner);
    }

    /**
     * The Postfix configuration of master {@code pid}: its {@code MAIL_CONFIG}, under its own root
     * when it sees another file system, read with this host's postconf. A master whose root is the
     * agent's and whose main.cf is the very file the agent sees there (a service with a mount
     * namespace of its own, the agent's own packaged service) is read where the agent sees it.
     * Otherwise postconf runs in the master's network and UTS namespaces, so that the defaults it
     * derives (mynetworks from the interfaces, myhostname) are the container's, not the host's.
     */
    private PostfixConfig postfix(NetNamespace where, long pid) throws IOException {
        Path dir = PostfixConfig.configDir(pid);
        Optional<Path> root = rootOf(where, pid);
        if (root.isEmpty() || roots.seesSameFile(pid, dir.resolve("main.cf"))) {
            return PostfixConfig.read(runner, dir);
        }
        Path there = ProcessRoot.resolve(root.get(), dir);
        ProcessRoot.resolve(root.get(), dir.resolve("main.cf"));
        CommandRunner inside = runner.withPrefix(List.of("nsenter", "--net=/proc/" + pid + "/ns/net",
                "--uts=/proc/" + pid + "/ns/uts", "--"));
        try {
            PostfixConfig read = PostfixConfig.read(inside, there);
            return new PostfixConfig(dir, read.values(), root);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (the Postfix configuration of a process with its own file "
                    + "system is read with this host's postconf; the agent does not run the container's)", e);
        }
    }

    /**
     * The root of {@code pid} when it is not the agent's. For a listener of the agent's own
     * namespace, one that cannot be read (another user's process, the agent not root) counts as
     * the agent's own, as before namespaces were looked at; for another namespace's, it is an error.
     */
    private Optional<Path> rootOf(NetNamespace where, long pid) throws IOException {
        try {
            return roots.foreign(pid);
        } catch (IOException e) {
            if (!where.isHost()) {
                throw new IOException("cannot tell which file system process " + pid + " sees: " + e.getMessage(), e);
            }
            return Optional.empty();
        }
    }

    /** A listener that could not be probed: no verdict, each saying why. */
    private static Report notProbed(NetNamespace where, Listener l, String probed, String why) {
        SmtpProbeResult none = new SmtpProbeResult(Optional.empty(), List.of(), false, Optional.empty(), List.of(),
                List.of(), SmtpProbeResult.Answer.NOT_TESTED, SmtpProbeResult.Answer.NOT_TESTED,
                SmtpProbeResult.Answer.NOT_TESTED, Optional.empty(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), Optional.of(why));
        Verdict unknown = new Verdict(Optional.empty(), Source.LOCAL_PROBE, why);
        return new Report(where.name(), l, probed, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), none, unknown, unknown, unknown, unknown, unknown, unknown);
    }

    /** Users told apart from a random one by VRFY, EXPN or RCPT, as a probe found them. */
    private static Verdict enumeration(SmtpProbeResult r, Source source, String how) {
        if (r.vrfy() == SmtpProbeResult.Answer.NOT_TESTED && r.rcpt() == SmtpProbeResult.Answer.NOT_TESTED) {
            return new Verdict(Optional.empty(), source, how + r.error().orElse("enumeration was not tested"));
        }
        return new Verdict(Optional.of(!r.enumerableUsers().isEmpty()), source, how + "VRFY " + r.vrfy() + ", EXPN "
                + r.expn() + ", RCPT " + r.rcpt() + (r.enumerableUsers().isEmpty() ? ""
                : "; told apart: " + String.join(", ", r.enumerableUsers())));
    }
}
