package dev.port25.agent.cli;

import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.smtp.SmtpFinding;
import dev.port25.agent.smtp.SmtpProbe;
import dev.port25.agent.smtp.SmtpProbeJson;
import dev.port25.agent.smtp.SmtpProbeResult;
import dev.port25.firewall.exec.CommandRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code port25-agent probe HOST[:PORT]}: a thin shell over {@link SmtpProbe}. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {
            "Probe an SMTP server as an outsider: banner, EHLO, STARTTLS and its certificate, AUTH before and "
                + "after TLS, VRFY/EXPN/RCPT user enumeration against a random control user, and the relay forms "
                + "nmap's smtp-open-relay tries. Never sends DATA: no mail is ever sent.",
            "",
            "HOST is a name, an IPv4 address, or an IPv6 address (in brackets when a port follows: [fd00::1]:2525).",
            "Run it from another host: the MTA usually trusts its own host, so a local probe cannot say \"open relay\"."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 no finding above LOW, 1 a HIGH or MEDIUM finding, 2 a CRITICAL one (open relay),",
            "  3 the probe could not run or stopped early (no connection, a broken session, bad usage)"})
final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST[:PORT]",
            description = "The server; port 25 unless given.")
    String target;

    @Option(names = "--local", description = "Instead of HOST: every TCP listener on port 25 in the agent's own "
            + "network namespace (a container's listeners are probed by audit, in each namespace), probed "
            + "from here and, where Postfix or Exim owns it, judged from the MTA's own configuration (postconf, "
            + "exim -bP, and Exim's own ACLs run for an outside client with exim -bh), since an MTA trusts its own "
            + "host. Each verdict names its source. Needs root to see owners.")
    boolean local;

    @Option(names = "--users", paramLabel = "LIST|FILE",
            description = "Users to test for enumeration: a comma-separated list, or a file with one per line. "
                    + "Default: root,postmaster.")
    String users;

    @Option(names = "--domain", paramLabel = "DOMAIN",
            description = "The server's mail domain for RCPT and relay tests, the only one tried. Default: the "
                    + "first at which the server accepts a recipient of the names it gives in EHLO and its banner "
                    + "and their parent domains; where it accepts none, RCPT enumeration is reported as not tested.")
    String domain;

    @Option(names = "--json",
            description = "Print the document (schema port25-agent/probe/v1, see docs/probe-json.md) instead of the summary.")
    boolean json;

    @Override
    public Integer call() {
        if (local == (target != null)) {
            throw usage("give either HOST[:PORT] or --local");
        }
        if (local) {
            return local();
        }
        String host;
        int port = 25;
        String t = target.strip();
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw usage("'" + target + "' opens a bracket it does not close");
            }
            host = t.substring(1, close);
            if (t.length() > close + 1) {
                port = port(t.substring(close + 1), target);
            }
        } else if (t.chars().filter(c -> c == ':').count() == 1) {
            host = t.substring(0, t.indexOf(':'));
            port = port(t.substring(t.indexOf(':')), target);
        } else {
            host = t;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new CommandFailure("cannot resolve '" + host + "'", e);
        }
        SmtpProbe.Options defaults = SmtpProbe.Options.defaults();
        SmtpProbe.Options options = new SmtpProbe.Options(defaults.heloName(), users(defaults.users()),
                Optional.ofNullable(domain), List.of(),
                defaults.connectTimeout(), defaults.limits());
        SmtpProbeResult r = new SmtpProbe(options).probe(new InetSocketAddress(address, port), host);
        PrintWriter out = spec.commandLine().getOut();
        String shown = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        if (json) {
            out.print(SmtpProbeJson.render(shown, r));
        } else {
            out.println("probe of " + shown + (r.banner().map(b -> ": " + b.split("\n")[0]).orElse("")));
            r.error().ifPresent(e -> out.println("  stopped early: " + e));
            out.println("  STARTTLS " + (r.starttlsOffered() ? "offered" : "not offered") + "; VRFY " + r.vrfy()
                    + ", EXPN " + r.expn() + ", RCPT " + r.rcpt() + "; relay forms accepted: "
                    + r.relayAttempts().stream().filter(SmtpProbeResult.RelayAttempt::accepted).count() + " of "
                    + r.relayAttempts().size());
            for (SmtpFinding f : r.findings()) {
                out.println("  " + f.kind().id() + " " + f.severity() + " " + f.title() + " (" + f.evidence() + ")");
            }
            r.notes().forEach(n -> out.println("  note: " + n));
        }
        out.flush();
        return ExitCodes.ofProbe(r);
    }

    private int local() {
        SmtpProbe.Options defaults = SmtpProbe.Options.defaults();
        SmtpProbe probe = new SmtpProbe(new SmtpProbe.Options(defaults.heloName(), users(defaults.users()),
                Optional.ofNullable(domain), List.of(),
                defaults.connectTimeout(), defaults.limits()));
        List<LocalSmtpAudit.Report> reports;
        try {
            reports = new LocalSmtpAudit(new CommandRunner(), probe).audit();
        } catch (InventoryException e) {
            throw new CommandFailure("inventory failed: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(SmtpProbeJson.renderLocal(reports));
        } else {
            if (reports.isEmpty()) {
                out.println("no TCP listener on port 25");
            }
            for (LocalSmtpAudit.Report r : reports) {
                out.println(r.listener().endpoint() + (r.configuration().isPresent()
                        ? " (postfix, " + r.configuration().get().dir() + ")"
                        : r.exim().map(e -> " (exim" + e.file().map(f -> ", " + f).orElse("") + ")").orElse("")));
                line(out, "open relay", r.openRelay());
                line(out, "users can be enumerated", r.userEnumeration());
                line(out, "VRFY discloses users", r.vrfyDisclosesUsers());
                line(out, "STARTTLS offered", r.starttlsOffered());
                line(out, "AUTH before TLS", r.authBeforeTls());
                line(out, "banner names the software", r.bannerLeaksSoftware());
            }
        }
        out.flush();
        return ExitCodes.ofLocalProbe(reports);
    }

    private static void line(PrintWriter out, String what, LocalSmtpAudit.Verdict v) {
        out.println("  " + what + ": " + v.value().map(b -> b ? "yes" : "no").orElse("cannot say") + " ("
                + (v.source() == LocalSmtpAudit.Source.CONFIGURATION ? "configuration" : "local probe") + ": "
                + v.why() + ")");
    }

    private List<String> users(List<String> fallback) {
        if (users == null) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        Path file = Path.of(users);
        try {
            List<String> raw = Files.isRegularFile(file) ? Files.readAllLines(file) : List.of(users.split(","));
            for (String u : raw) {
                String s = u.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                if (!s.matches("[A-Za-z0-9._+-]{1,64}")) {
                    throw usage("'" + s + "' is not a user name (letters, digits, . _ + -)");
                }
                out.add(s);
            }
        } catch (IOException e) {
            throw usage("cannot read " + users + ": " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw usage("--users names no user");
        }
        return out;
    }

    private int port(String colonPort, String whole) {
        try {
            int p = Integer.parseInt(colonPort.substring(1));
            if (colonPort.charAt(0) == ':' && p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // falls through to the usage error
        }
        throw usage("'" + whole + "' does not end in a port 1-65535");
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), "Invalid value for HOST[:PORT] or option: " + message);
    }
}
