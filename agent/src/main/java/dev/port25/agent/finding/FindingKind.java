package dev.port25.agent.finding;

import java.util.List;

/**
 * The findings catalogue: every kind of finding the agent reports, with its stable id (reports,
 * dashboards and suppressions key on it; an id is never reused), title, remediation (after the
 * domain card's hardening list) and references. P25-0xx are role and firewall findings, P25-1xx
 * come from the SMTP probe and the MTA's configuration ({@link dev.port25.agent.smtp.SmtpJudge}),
 * P25-2xx from the mail domains' DNS records ({@link MailDomainPolicy}).
 */
public enum FindingKind {

    NONLOCAL_LISTENER("P25-001", "an MTA listens beyond loopback on a host that is not a mail server",
            "Make the MTA local-only (Postfix: inet_interfaces = loopback-only; Exim on Debian: "
                    + "dc_local_interfaces='127.0.0.1 ; ::1'), or remove it if nothing on the host sends mail.",
            List.of(cisMtaLocalOnly(), "OpenSCAP xccdf_org.ssgproject.content_rule_has_nonlocal_mta",
                    "OpenSCAP xccdf_org.ssgproject.content_rule_postfix_network_listening_disabled")),
    LOOPBACK_LISTENER("P25-002", "an MTA listens on loopback though the settings allow no listener at all",
            "Remove the MTA, or set roles.none.allowLoopbackListener: true if local mail (cron) needs it.",
            List.of(cisMtaLocalOnly())),
    INBOUND_NOT_BLOCKED("P25-003", "inbound port 25 is not blocked on a host that is not a mail server",
            "Block inbound 25 on IPv4 and IPv6 (port25-agent enforce does it, reversibly), so that an MTA "
                    + "started later with a wide listener is not reachable.",
            List.of(cisMtaLocalOnly())),
    EGRESS_NOT_BLOCKED("P25-004", "outgoing port 25 is not blocked though the settings ask for it",
            "Block outgoing 25 except to the relays in roles.none.egressRelays (port25-agent enforce does it), "
                    + "so a compromised host cannot send spam directly.",
            List.of("domain card: many providers block outbound 25 to curb spam from compromised hosts")),
    RELAY_REACHABLE_BEYOND_ALLOWED("P25-005", "the relay accepts connections from beyond its allowed networks",
            "Allow inbound 25 only from roles.relay.allowFrom (port25-agent enforce does it), and keep the MTA's "
                    + "own relay restrictions (Postfix mynetworks, Exim relay_from_hosts) to the same networks.",
            List.of("OpenSCAP xccdf_org.ssgproject.content_rule_postfix_prevent_unrestricted_relay",
                    "domain card: never run an open relay")),
    RELAY_WITHOUT_NETWORKS("P25-006", "a RELAY host whose settings name no network to relay for",
            "List the client networks in roles.relay.allowFrom; until then enforce blocks inbound 25 entirely.",
            List.of()),
    MAIL_SERVER_NOT_LISTENING("P25-007", "a MAIL_SERVER host has no listener on port 25 beyond loopback",
            "Start the MTA and have it listen on the public addresses (Postfix inet_interfaces = all), or give "
                    + "the host another role.",
            List.of()),
    MAIL_SERVER_BLOCKED("P25-008", "the firewall blocks inbound port 25 on a MAIL_SERVER host",
            "Allow inbound 25 from everywhere on each family the MTA listens on; mail from other servers "
                    + "cannot arrive otherwise.",
            List.of("domain card: open on mail servers accepting inbound mail")),
    UDP_LISTENER("P25-009", "a UDP socket is bound beyond loopback on an SMTP port",
            "SMTP does not use UDP: find the process that owns it and why.", List.of()),
    FIREWALL_UNKNOWN("P25-010", "the firewall's effect on port 25 cannot be determined",
            "Run the agent as root, and see the notes for the rules or layers that could not be judged.",
            List.of()),
    INVENTORY_FAILED("P25-011", "the listening sockets could not be listed",
            "See the error; the agent needs netlink sock_diag (Linux) or OSHI's platform support.", List.of()),
    SMTP_NOT_JUDGED("P25-012", "a listener's SMTP weaknesses could not be judged",
            "See the evidence: the local probe or the MTA's configuration did not answer; probe the host from "
                    + "another one with port25-agent probe HOST.", List.of()),
    NAMESPACE_LISTENER_UNJUDGED("P25-013", "a listener in another network namespace (a container) may be "
            + "reachable from outside by a way the agent cannot follow",
            "See which container owns it and through which interface (port25-agent status). An interface that "
                    + "leads past this host's packet filter (a veth to a third namespace, a tunnel, a device of its "
                    + "own) is judged by where it leads, which the agent cannot see: block port 25 in the container's "
                    + "own packet filter, or give the container only a veth to this host's bridge.", List.of()),
    NAMESPACE_LISTENER_ISOLATED("P25-014", "a listener in another network namespace that nothing outside it can reach",
            "Nothing to do while the namespace keeps no interface but loopback, no DNAT of this host leads to it "
                    + "and it has no interface on the host's network, or its own packet filter keeps blocking the "
                    + "port.", List.of()),

    OPEN_RELAY("P25-101", "open relay: a recipient in a foreign domain is accepted from an outsider",
            "Accept mail only for your own domains from outsiders: Postfix smtpd_relay_restrictions = "
                    + "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination with a narrow "
                    + "mynetworks; Exim relay_from_hosts and the RCPT ACL's 'require domains = +local_domains'.",
            List.of("OpenSCAP xccdf_org.ssgproject.content_rule_postfix_prevent_unrestricted_relay",
                    "domain card: never run an open relay")),
    USER_ENUMERATION("P25-102", "users can be enumerated (VRFY, EXPN or RCPT TO)",
            "Disable VRFY and EXPN (Postfix disable_vrfy_command = yes) and rate-limit connections; answer RCPT "
                    + "for unknown users the same way where the site can (or accept the risk for RCPT).",
            List.of("domain card: disable VRFY/EXPN and rate-limit connections")),
    VRFY_DISCLOSES("P25-103", "VRFY tells real users from unknown ones",
            "Postfix: disable_vrfy_command = yes. Exim: an acl_smtp_vrfy that denies.",
            List.of("domain card: disable VRFY/EXPN")),
    EXPN_ENABLED("P25-104", "EXPN answers",
            "Exim: an acl_smtp_expn that denies; other MTAs: turn EXPN off.", List.of("domain card: disable VRFY/EXPN")),
    NO_STARTTLS("P25-105", "no STARTTLS: mail to this server travels in cleartext",
            "Offer STARTTLS with a valid certificate (Postfix smtpd_tls_security_level = may; Exim "
                    + "tls_advertise_hosts = * with tls_certificate), and publish MTA-STS.",
            List.of("domain card: STARTTLS stripping and downgrade; enable MTA-STS")),
    AUTH_BEFORE_TLS("P25-106", "AUTH is offered before TLS on port 25",
            "Offer AUTH only after STARTTLS (Postfix smtpd_tls_auth_only = yes), and move client submission to "
                    + "587 with STARTTLS (or 465).",
            List.of("domain card: use port 587 with STARTTLS for authenticated clients")),
    WEAK_TLS("P25-107", "weak TLS (old protocol, expired, self-signed or mismatched certificate)",
            "Offer TLS 1.2 or later with a certificate from a public CA that names the server.", List.of()),
    BANNER_LEAKS_SOFTWARE("P25-108", "the banner names the MTA software or its version",
            "Postfix: smtpd_banner = $myhostname ESMTP; Exim: smtp_banner = $smtp_active_hostname ESMTP.",
            List.of()),
    NOT_SMTP("P25-109", "the listener on port 25 does not answer SMTP",
            "Find the process that owns it (port25-agent status) and why it holds port 25.", List.of()),

    SPF_MISSING("P25-201", "the mail domain publishes no SPF record",
            "Publish one TXT record \"v=spf1 <your senders> -all\" (or ~all while DMARC reports are studied) "
                    + "naming every host that sends the domain's mail.",
            List.of(spoofing(), "RFC 7208")),
    SPF_PERMISSIVE("P25-202", "the SPF record does not fail unlisted senders (+all, ?all, or no all)",
            "End the record with -all (or ~all): +all lets every host on the internet pass, ?all and a "
                    + "missing all give unlisted senders a neutral result.",
            List.of(spoofing(), "RFC 7208 5.1")),
    SPF_INVALID("P25-203", "the SPF record is an error for receivers (several records, or a broken redirect)",
            "Keep exactly one TXT record starting v=spf1 at the domain; a redirect= must name a domain with "
                    + "its own single SPF record, without loops.",
            List.of(spoofing(), "RFC 7208 4.5, 6.1")),
    DMARC_MISSING("P25-204", "no DMARC record applies to the mail domain",
            "Publish one TXT record at _dmarc.<domain>: \"v=DMARC1; p=quarantine; rua=mailto:...\" (then p=reject).",
            List.of(spoofing(), "RFC 7489 6.1")),
    DMARC_NOT_ENFORCING("P25-205", "the DMARC policy does not quarantine or reject failing mail",
            "Set p=quarantine or p=reject (and sp= for subdomains) once the aggregate reports show "
                    + "every legitimate sender aligned; pct below 100 spares part of the failing mail.",
            List.of(spoofing(), "RFC 7489 6.3")),
    MTA_STS_MISSING("P25-206", "the mail domain announces no MTA-STS policy",
            "Publish \"v=STSv1; id=<serial>\" at _mta-sts.<domain> and a policy at "
                    + "https://mta-sts.<domain>/.well-known/mta-sts.txt, so senders cannot be downgraded to "
                    + "cleartext by a stripped STARTTLS.",
            List.of("domain card: enable MTA-STS so delivery can't be silently downgraded", "RFC 8461")),
    MTA_STS_POLICY_UNAVAILABLE("P25-207", "the MTA-STS policy announced in DNS cannot be fetched or parsed",
            "Serve the policy at https://mta-sts.<domain>/.well-known/mta-sts.txt with a publicly trusted "
                    + "certificate for that name, status 200, Content-Type text/plain, no redirect, and the "
                    + "version, mode, mx and max_age lines.",
            List.of("domain card: enable MTA-STS", "RFC 8461 3.2, 3.3")),
    MTA_STS_NOT_ENFORCED("P25-208", "the MTA-STS policy is in testing or none mode",
            "Move to mode: enforce once TLS-RPT reports show every MX passing.",
            List.of("domain card: enable MTA-STS", "RFC 8461 5")),
    MTA_STS_MX_NOT_COVERED("P25-209", "an MX host of the domain is not covered by the MTA-STS policy's mx lines",
            "Add an mx line matching every MX host (a '*.' pattern covers one label), and change the policy's "
                    + "id in the TXT record so senders fetch it again; in enforce mode senders refuse to deliver "
                    + "to an MX the policy does not name.",
            List.of("RFC 8461 4.1")),
    TLS_RPT_MISSING("P25-210", "the mail domain publishes no TLS-RPT record",
            "Publish \"v=TLSRPTv1; rua=mailto:tls-reports@<domain>\" at _smtp._tls.<domain> to hear about "
                    + "failed TLS and MTA-STS deliveries.",
            List.of("RFC 8460")),
    DNS_NOT_JUDGED("P25-211", "a mail domain's DNS records could not be judged",
            "See the evidence: the resolver gave no answer (timeout, SERVFAIL) or the record needs macro "
                    + "expansion; check dns.resolvers and that the host can reach them.", List.of());

    private final String id;
    private final String title;
    private final String remediation;
    private final List<String> references;

    FindingKind(String id, String title, String remediation, List<String> references) {
        this.id = id;
        this.title = title;
        this.remediation = remediation;
        this.references = List.copyOf(references);
    }

    private static String spoofing() {
        return "domain card: publish and enforce SPF, DKIM and DMARC (sender spoofing where they are missing)";
    }

    private static String cisMtaLocalOnly() {
        return "CIS \"Ensure mail transfer agent is configured for local-only mode\": 2.1.21 in the Debian and "
                + "Ubuntu benchmarks, 2.2.15 in RHEL 9's";
    }

    /** "P25-001". */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String remediation() {
        return remediation;
    }

    public List<String> references() {
        return references;
    }

    /** A finding of this kind means something could not be judged: the verdict is then UNKNOWN at best. */
    public boolean unknown() {
        return this == FIREWALL_UNKNOWN || this == INVENTORY_FAILED || this == SMTP_NOT_JUDGED
                || this == DNS_NOT_JUDGED || this == NAMESPACE_LISTENER_UNJUDGED;
    }

    /** The kind with this id. */
    public static FindingKind byId(String id) {
        for (FindingKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no finding " + id);
    }
}
