package dev.port25.agent.smtp;

import dev.port25.agent.finding.FindingKind;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.inventory.Scope;
import dev.port25.agent.platform.SocketInventories;
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
     * @param probed        the address:port the local probe connected to
     * @param configuration the Postfix configuration, when the owner is Postfix and it could be read
     * @param exim          the Exim configuration, when the owner is Exim and it could be read
     * @param eximHostCheck the relay and enumeration tries through {@code exim -bh}, as a client from outside
     * @param configError   why a configuration could not be read
     */
    public record Report(Listener listener, String probed, Optional<PostfixConfig> configuration,
                         Optional<EximConfig> exim, Optional<SmtpProbeResult> eximHostCheck,
                         Optional<String> configError, SmtpProbeResult localProbe, Verdict openRelay,
                         Verdict userEnumeration, Verdict vrfyDisclosesUsers, Verdict starttlsOffered,
                         Verdict authBeforeTls, Verdict bannerLeaksSoftware) {
    }

    private final CommandRunner runner;
    private final SmtpProbe probe;

    public LocalSmtpAudit(CommandRunner runner, SmtpProbe probe) {
        this.runner = runner;
        this.probe = probe;
    }

    public List<Report> audit() throws InventoryException {
        return audit(SocketInventories.list(SocketInventories.Choice.AUTO, Set.of(25)));
    }

    /** Audits each TCP listener of an inventory already taken. */
    public List<Report> audit(Inventory inv) {
        List<Report> out = new ArrayList<>();
        for (Listener l : inv.listeners()) {
            if (l.protocol() == Protocol.TCP) {
                out.add(audit(l));
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

    private Report audit(Listener l) {
        InetAddress to = l.scope() != Scope.WILDCARD ? l.address() : loopback(l.address().getAddress().length);
        SmtpProbeResult local = probe.probe(new InetSocketAddress(to, l.port()), to.getHostAddress());
        Optional<Owner> postfix = l.owners().stream()
                .filter(o -> o.exe().orElse("").endsWith("/postfix/sbin/master") || o.name().equals("master"))
                .findFirst();
        Optional<PostfixConfig> cf = Optional.empty();
        Optional<EximConfig> exim = Optional.empty();
        Optional<String> error = Optional.empty();
        Optional<Owner> eximOwner = l.owners().stream().filter(o -> o.name().startsWith("exim")).findFirst();
        if (postfix.isEmpty() && eximOwner.isPresent()) {
            try {
                exim = Optional.of(EximConfig.read(runner, eximOwner.get().pid()));
            } catch (IOException e) {
                error = Optional.of(e.getMessage());
            }
        }
        if (postfix.isPresent()) {
            Path dir = PostfixConfig.configDir(postfix.get().pid());
            try {
                cf = Optional.of(PostfixConfig.read(runner, dir));
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
        String probed = (to.getAddress().length == 16 ? "[" + IpAddresses.text(to) + "]" : IpAddresses.text(to)) + ":"
                + l.port();
        return new Report(l, probed, cf, exim, hostCheck, error, local, relay, users, vrfy, tls, auth, banner);
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
