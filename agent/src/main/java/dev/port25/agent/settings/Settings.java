package dev.port25.agent.settings;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.port25.agent.inventory.NamespaceSelection;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.FirewallSelector;
import org.quartz.CronExpression;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agent's settings: one file ({@code /etc/port25-agent/agent.yml}) for a whole fleet, each
 * host working out its role from {@link Roles#rules()}. Every key is optional; a key left out
 * takes the default shown in {@code config/agent.yml}. Read with {@link SettingsLoader}, which
 * rejects unknown keys, wrong types and explicit nulls with the file, line and key.
 *
 * @param mode     audit (report only) or enforce (also converge the firewall)
 * @param ports    the TCP ports the policy covers
 * @param host     this host's own facts (tags)
 * @param roles    how a host finds its role, and what each role needs
 * @param firewall which firewall backend acts
 * @param probe    SMTP probe options
 * @param dns      where DNS questions go
 * @param report   where compliance reports go
 * @param daemon   the schedules of {@code port25-agent run}
 * @param inventory which network namespaces are listed
 */
public record Settings(Mode mode, List<Integer> ports, Host host, Roles roles, Firewall firewall, Probe probe,
                       Dns dns, Report report, Daemon daemon, Inventory inventory) {

    /** The settings of a host without a settings file: audit, port 25, role NONE. */
    public static Settings defaults() {
        return new Settings(null, null, null, null, null, null, null, null, null, null);
    }

    public Settings {
        mode = Objects.requireNonNullElse(mode, Mode.AUDIT);
        ports = List.copyOf(Objects.requireNonNullElse(ports, List.of(25)));
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("ports: at least one port");
        }
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("ports: " + p + " is not a TCP port (1-65535)");
            }
        }
        if (new HashSet<>(ports).size() != ports.size()) {
            throw new IllegalArgumentException("ports: " + ports + " names a port twice");
        }
        host = Objects.requireNonNullElse(host, new Host(null));
        roles = Objects.requireNonNullElse(roles, new Roles(null, null, null, null));
        firewall = Objects.requireNonNullElse(firewall, new Firewall(null));
        probe = Objects.requireNonNullElse(probe, new Probe(null, null));
        dns = Objects.requireNonNullElse(dns, new Dns(null, null));
        report = Objects.requireNonNullElse(report, Report.none());
        daemon = Objects.requireNonNullElse(daemon, new Daemon(null, null, null, null, null, null, (String) null));
        inventory = Objects.requireNonNullElse(inventory, new Inventory(null));
    }

    /** These settings with other ports. */
    public Settings withPorts(List<Integer> newPorts) {
        return new Settings(mode, newPorts, host, roles, firewall, probe, dns, report, daemon, inventory);
    }

    /** These settings with other network namespaces listed. */
    public Settings withNamespaces(NamespaceSelection namespaces) {
        return new Settings(mode, ports, host, roles, firewall, probe, dns, report, daemon, new Inventory(namespaces));
    }

    /** What the agent does with what it finds. */
    public enum Mode {
        /** Report only; never change the firewall. */
        @JsonProperty("audit") AUDIT,
        /** Also converge the firewall to what the role needs (port-25 rules only). */
        @JsonProperty("enforce") ENFORCE
    }

    /**
     * This host's own facts. A fleet file usually leaves them out; configuration management sets
     * them in a host's copy.
     *
     * @param tags labels that {@link Rule#tags()} match
     */
    public record Host(List<Tag> tags) {
        public Host {
            tags = List.copyOf(Objects.requireNonNullElse(tags, List.of()));
        }
    }

    /**
     * Role rules and per-role settings.
     *
     * @param rules      tried in order; the first that matches this host gives its role; none: NONE
     * @param mailServer what a MAIL_SERVER needs
     * @param relay      what a RELAY needs
     * @param none       what a NONE host needs
     */
    public record Roles(List<Rule> rules, MailServer mailServer, Relay relay, NoneRole none) {
        public Roles {
            rules = List.copyOf(Objects.requireNonNullElse(rules, List.of()));
            mailServer = Objects.requireNonNullElse(mailServer, new MailServer(null, null));
            relay = Objects.requireNonNullElse(relay, new Relay(null));
            none = Objects.requireNonNullElse(none, new NoneRole(null, null, null));
        }
    }

    /**
     * One role rule. It matches a host when its {@code hostname} pattern matches the host name
     * and the host has every tag in {@code tags}; a rule with neither matches every host (an
     * explicit role).
     *
     * @param hostname a pattern for the host name ({@code *}, {@code ?}, {@code [...]}), or absent
     * @param tags     tags the host must all have
     * @param role     the role it gives
     */
    public record Rule(Optional<HostGlob> hostname, List<Tag> tags, Role role) {
        @JsonCreator
        public Rule(@JsonProperty("hostname") HostGlob hostname, @JsonProperty("tags") List<Tag> tags,
                    @JsonProperty("role") Role role) {
            this(Optional.ofNullable(hostname), tags, role);
        }

        public Rule {
            Objects.requireNonNull(hostname, "hostname");
            tags = List.copyOf(Objects.requireNonNullElse(tags, List.of()));
            if (role == null) {
                throw new IllegalArgumentException("a rule needs a role (MAIL_SERVER, RELAY or NONE)");
            }
        }
    }

    /**
     * @param domains         the mail domains it receives for, whose SPF, DMARC and MTA-STS are checked
     * @param requireStarttls a missing STARTTLS is then CRITICAL rather than a warning
     */
    public record MailServer(List<DomainName> domains, Boolean requireStarttls) {
        public MailServer {
            domains = List.copyOf(Objects.requireNonNullElse(domains, List.of()));
            requireStarttls = Objects.requireNonNullElse(requireStarttls, Boolean.TRUE);
        }
    }

    /** @param allowFrom the networks it relays for: inbound 25 is allowed from these only */
    public record Relay(List<Cidr> allowFrom) {
        public Relay {
            allowFrom = List.copyOf(Objects.requireNonNullElse(allowFrom, List.of()));
        }
    }

    /**
     * @param allowLoopbackListener a listener on 127.0.0.1 / ::1 only is fine (a local MTA for cron mail)
     * @param blockEgress           also block outgoing connections to port 25
     * @param egressRelays          when blocking egress, the relays outgoing 25 may still reach
     */
    public record NoneRole(Boolean allowLoopbackListener, Boolean blockEgress, List<Cidr> egressRelays) {
        public NoneRole {
            allowLoopbackListener = Objects.requireNonNullElse(allowLoopbackListener, Boolean.TRUE);
            blockEgress = Objects.requireNonNullElse(blockEgress, Boolean.FALSE);
            egressRelays = List.copyOf(Objects.requireNonNullElse(egressRelays, List.of()));
        }
    }

    /** @param backend the firewall backend that acts: auto (detect) or one by name */
    public record Firewall(Backend backend) {
        public Firewall {
            backend = Objects.requireNonNullElse(backend, Backend.AUTO);
        }
    }

    /**
     * A firewall backend by the id its adapter gives, or {@code auto}: checked against the
     * providers this build has (FirewallAdapterProvider on the ServiceLoader path), not a fixed list.
     */
    public record Backend(String id) {
        /** Detect the backend (windows on Windows; firewalld, then ufw, then nftables, then iptables). */
        public static final Backend AUTO = new Backend("auto");

        private static final String AUTO_ID = "auto";

        public Backend {
            Objects.requireNonNull(id, "id");
            if (!id.equals(AUTO_ID)) { // the providers are looked up only when one is named
                List<String> known = new ArrayList<>(List.of(AUTO_ID));
                known.addAll(new FirewallSelector().ids());
                if (!known.contains(id)) {
                    throw new IllegalArgumentException("'" + id + "' is not one of " + String.join(", ", known));
                }
            }
        }

        @JsonCreator
        static Backend of(String id) {
            return new Backend(id);
        }

        @JsonValue
        @Override
        public String id() {
            return id;
        }

        /** The adapter id to pin, or empty for detection. */
        public Optional<String> pin() {
            return id.equals(AUTO_ID) ? Optional.empty() : Optional.of(id);
        }
    }

    /**
     * @param namespaces which network namespaces are listed and judged: auto (every one when the
     *                   agent runs as root, else its own), host (its own), all
     */
    public record Inventory(NamespaceSelection namespaces) {
        public Inventory {
            namespaces = Objects.requireNonNullElse(namespaces, NamespaceSelection.AUTO);
        }
    }

    /**
     * @param users                 users tried for enumeration (compared with a random one)
     * @param connectTimeoutSeconds per SMTP connection, 1-300
     */
    public record Probe(List<UserName> users, Integer connectTimeoutSeconds) {
        public Probe {
            users = List.copyOf(Objects.requireNonNullElse(users, List.of(new UserName("root"),
                    new UserName("postmaster"))));
            connectTimeoutSeconds = Objects.requireNonNullElse(connectTimeoutSeconds, 10);
            if (connectTimeoutSeconds < 1 || connectTimeoutSeconds > 300) {
                throw new IllegalArgumentException("connectTimeoutSeconds: " + connectTimeoutSeconds
                        + " is outside 1-300");
            }
        }
    }

    /**
     * @param resolvers      DNS servers by address, asked about a MAIL_SERVER's mail domains and the
     *                       MTA-STS policy host; empty: the system's (/etc/resolv.conf)
     * @param timeoutSeconds per question and per MTA-STS policy fetch, 1-60
     */
    public record Dns(List<Cidr> resolvers, Integer timeoutSeconds) {
        public Dns {
            resolvers = List.copyOf(Objects.requireNonNullElse(resolvers, List.of()));
            for (Cidr r : resolvers) {
                if (r.prefix() != r.network().getAddress().length * 8) {
                    throw new IllegalArgumentException("resolvers: " + r + " is a network, not a server's address");
                }
            }
            timeoutSeconds = Objects.requireNonNullElse(timeoutSeconds, 5);
            if (timeoutSeconds < 1 || timeoutSeconds > 60) {
                throw new IllegalArgumentException("timeoutSeconds: " + timeoutSeconds + " is outside 1-60");
            }
        }
    }

    /**
     * Where compliance reports go ({@code port25-agent report --send}, and the daemon).
     *
     * @param endpoint          an https:// URL (http:// only with {@code insecure: true}); absent: no reports sent
     * @param tokenFile         a file holding the bearer token, not readable by group or others
     * @param insecure          allow an http:// endpoint
     * @param caBundle          PEM certificates trusted for the endpoint instead of the JVM's CAs
     * @param clientCertificate PEM certificate chain shown to the endpoint (mutual TLS), with clientKey
     * @param clientKey         PEM PKCS#8 private key of clientCertificate, not readable by group or others
     * @param format            port25 (report/v1) or ocsf (OCSF Compliance Finding events)
     * @param timeoutSeconds    per request (connect and response), 1-300
     * @param spool             how many undelivered reports are kept
     */
    public record Report(Optional<URI> endpoint, Optional<Path> tokenFile, boolean insecure, Optional<Path> caBundle,
                         Optional<Path> clientCertificate, Optional<Path> clientKey, Format format,
                         int timeoutSeconds, Spool spool) {
        @JsonCreator
        public Report(@JsonProperty("endpoint") String endpoint, @JsonProperty("tokenFile") String tokenFile,
                      @JsonProperty("insecure") Boolean insecure, @JsonProperty("caBundle") String caBundle,
                      @JsonProperty("clientCertificate") String clientCertificate,
                      @JsonProperty("clientKey") String clientKey, @JsonProperty("format") Format format,
                      @JsonProperty("timeoutSeconds") Integer timeoutSeconds, @JsonProperty("spool") Spool spool) {
            this(Optional.ofNullable(endpoint).map(Report::uri), path("tokenFile", tokenFile),
                    Objects.requireNonNullElse(insecure, Boolean.FALSE), path("caBundle", caBundle),
                    path("clientCertificate", clientCertificate), path("clientKey", clientKey),
                    Objects.requireNonNullElse(format, Format.PORT25), Objects.requireNonNullElse(timeoutSeconds, 30),
                    Objects.requireNonNullElse(spool, new Spool(null, null)));
        }

        /** No endpoint: nothing is sent. */
        public static Report none() {
            return new Report(null, null, null, null, null, null, null, null, null);
        }

        public Report {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(tokenFile, "tokenFile");
            Objects.requireNonNull(caBundle, "caBundle");
            Objects.requireNonNull(clientCertificate, "clientCertificate");
            Objects.requireNonNull(clientKey, "clientKey");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(spool, "spool");
            if (endpoint.isPresent() && endpoint.get().getScheme().equals("http") && !insecure) {
                throw new IllegalArgumentException("endpoint: " + endpoint.get() + " is plain http; use https, or "
                        + "set insecure: true to send reports in cleartext");
            }
            if (clientCertificate.isPresent() != clientKey.isPresent()) {
                throw new IllegalArgumentException("clientCertificate and clientKey: give both (mutual TLS) or neither");
            }
            if (timeoutSeconds < 1 || timeoutSeconds > 300) {
                throw new IllegalArgumentException("timeoutSeconds: " + timeoutSeconds + " is outside 1-300");
            }
        }

        private static URI uri(String text) {
            URI u;
            try {
                u = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("endpoint: '" + text + "' is not a URL: " + e.getReason());
            }
            if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))
                    || u.getHost() == null) {
                throw new IllegalArgumentException("endpoint: '" + text + "' is not an https:// URL with a host");
            }
            return u;
        }

        private static Optional<Path> path(String key, String text) {
            if (text == null) {
                return Optional.empty();
            }
            Path p = Path.of(text);
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException(key + ": '" + text + "' is not an absolute path");
            }
            return Optional.of(p);
        }
    }

    /** How a report is rendered for the endpoint. */
    public enum Format {
        /** The agent's own document, schema port25-agent/report/v1. */
        @JsonProperty("port25") PORT25,
        /** OCSF Compliance Finding events (class_uid 2003), one per finding. */
        @JsonProperty("ocsf") OCSF
    }

    /**
     * Bounds of the spool of undelivered reports; past either, the oldest are dropped and counted.
     *
     * @param maxReports   1-100000
     * @param maxMegabytes 1-10240
     */
    public record Spool(Integer maxReports, Integer maxMegabytes) {
        public Spool {
            maxReports = Objects.requireNonNullElse(maxReports, 1000);
            maxMegabytes = Objects.requireNonNullElse(maxMegabytes, 64);
            if (maxReports < 1 || maxReports > 100_000) {
                throw new IllegalArgumentException("maxReports: " + maxReports + " is outside 1-100000");
            }
            if (maxMegabytes < 1 || maxMegabytes > 10_240) {
                throw new IllegalArgumentException("maxMegabytes: " + maxMegabytes + " is outside 1-10240");
            }
        }
    }

    /**
     * The schedules of {@code port25-agent run}.
     *
     * @param watchMillis          how often the listeners are listed (cheap: netlink), 100-60000
     * @param auditMinutes         how often the full audit runs (a verdict change sends a report), 1-1440
     * @param reportCron           when a report is sent anyway: a Quartz cron expression (seconds first)
     * @param driftSeconds         how often, in enforce mode, the firewall is checked against the plan, 10-3600
     * @param flushSeconds         how often the spool is offered to the endpoint when not backing off, 1-3600
     * @param backoffCapSeconds    the longest wait between failed deliveries, 10-86400
     * @param textfile             where to write Prometheus metrics for node_exporter's textfile collector
     *                             (an absolute path ending in .prom); absent: none written
     */
    public record Daemon(Integer watchMillis, Integer auditMinutes, String reportCron, Integer driftSeconds,
                         Integer flushSeconds, Integer backoffCapSeconds, Optional<Path> textfile) {
        @JsonCreator
        public Daemon(@JsonProperty("watchMillis") Integer watchMillis, @JsonProperty("auditMinutes") Integer auditMinutes,
                      @JsonProperty("reportCron") String reportCron, @JsonProperty("driftSeconds") Integer driftSeconds,
                      @JsonProperty("flushSeconds") Integer flushSeconds,
                      @JsonProperty("backoffCapSeconds") Integer backoffCapSeconds,
                      @JsonProperty("textfile") String textfile) {
            this(watchMillis, auditMinutes, reportCron, driftSeconds, flushSeconds, backoffCapSeconds,
                    Optional.ofNullable(textfile).map(Daemon::promFile));
        }

        private static Path promFile(String text) {
            Path p = Path.of(text);
            if (!p.isAbsolute() || !text.endsWith(".prom")) {
                throw new IllegalArgumentException("textfile: '" + text + "' is not an absolute path ending in .prom "
                        + "(node_exporter's textfile collector reads only *.prom)");
            }
            return p;
        }

        public Daemon {
            Objects.requireNonNull(textfile, "textfile");
            watchMillis = within("watchMillis", watchMillis, 1000, 100, 60_000);
            auditMinutes = within("auditMinutes", auditMinutes, 15, 1, 1440);
            reportCron = Objects.requireNonNullElse(reportCron, "0 0 * * * ?");
            try {
                CronExpression.validateExpression(reportCron);
            } catch (ParseException e) {
                throw new IllegalArgumentException("reportCron: '" + reportCron + "' is not a Quartz cron expression "
                        + "(seconds minutes hours day-of-month month day-of-week): " + e.getMessage());
            }
            driftSeconds = within("driftSeconds", driftSeconds, 60, 10, 3600);
            flushSeconds = within("flushSeconds", flushSeconds, 10, 1, 3600);
            backoffCapSeconds = within("backoffCapSeconds", backoffCapSeconds, 600, 10, 86_400);
        }

        private static int within(String key, Integer value, int fallback, int min, int max) {
            int v = Objects.requireNonNullElse(value, fallback);
            if (v < min || v > max) {
                throw new IllegalArgumentException(key + ": " + v + " is outside " + min + "-" + max);
            }
            return v;
        }
    }

    /** A host tag: letters, digits, '.', '_', '-'. */
    public record Tag(@JsonValue String name) {
        private static final Pattern OK = Pattern.compile("[A-Za-z0-9._-]{1,64}");

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public Tag {
            if (name == null || !OK.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a tag (1-64 letters, digits, '.', '_', '-')");
            }
        }
    }

    /** A mail domain: a DNS name of at least two labels, without a trailing dot. */
    public record DomainName(@JsonValue String name) {
        private static final Pattern OK = Pattern.compile(
                "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public DomainName {
            if (name == null || !OK.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a mail domain (a DNS name like example.org)");
            }
        }
    }

    /** A user name tried for enumeration: letters, digits, '.', '_', '+', '-'. */
    public record UserName(@JsonValue String name) {
        private static final Pattern OK = Pattern.compile("[A-Za-z0-9._+-]{1,64}");

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public UserName {
            if (name == null || !OK.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a user name (letters, digits, . _ + -)");
            }
        }
    }
}
