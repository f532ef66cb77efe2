package dev.port25.agent.policy;

import dev.port25.agent.dns.Answer;
import dev.port25.agent.dns.MailDomainProbe;
import dev.port25.agent.dns.MailDomainRecords;
import dev.port25.agent.dns.MtaStsPolicy;
import dev.port25.agent.dns.Spf;
import dev.port25.agent.dns.TagList;
import dev.port25.agent.finding.Finding;
import dev.port25.agent.finding.FindingKind;
import dev.port25.agent.finding.Severity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges a mail domain's DNS hygiene from its records, as receivers and sending MTAs would read
 * them: SPF (present, one record, fails unlisted senders), DMARC (present, quarantine or reject
 * for all mail), MTA-STS (announced, policy served, enforce mode, every MX covered) and
 * TLS-RPT. Pure: the records were asked beforehand ({@link MailDomainProbe}). DKIM is not
 * judged: its selectors cannot be discovered from DNS.
 */
public final class MailDomainPolicy {

    private MailDomainPolicy() {
    }

    /** The findings about one domain, and the facts that show what was read. */
    public record Judgement(List<Finding> findings, List<String> facts) {
        public Judgement {
            findings = List.copyOf(findings);
            facts = List.copyOf(facts);
        }
    }

    public static Judgement judge(MailDomainRecords d) {
        Run r = new Run(d.domain());
        r.spf(d.spf());
        r.dmarc(d.dmarc());
        r.mtaSts(d);
        r.tlsRpt(d.tlsRpt());
        return new Judgement(r.findings, r.facts);
    }

    private static final class Run {
        final String domain;
        final List<Finding> findings = new ArrayList<>();
        final List<String> facts = new ArrayList<>();

        Run(String domain) {
            this.domain = domain;
        }

        void add(FindingKind kind, Severity severity, String evidence) {
            findings.add(new Finding(kind, severity, domain + ": " + evidence));
        }

        void fact(String line) {
            facts.add(domain + ": " + line);
        }

        /** False, with a DNS_NOT_JUDGED finding, when the question had no answer. */
        boolean answered(String what, MailDomainRecords.Named n) {
            if (n.answer().status() == Answer.Status.FAILED) {
                add(FindingKind.DNS_NOT_JUDGED, Severity.HIGH, what + " not judged: " + n.answer().detail());
                return false;
            }
            return true;
        }

        void spf(List<MailDomainRecords.Named> chain) {
            for (int i = 0; i < chain.size(); i++) {
                MailDomainRecords.Named n = chain.get(i);
                String where = i == 0 ? "" : " (redirect from " + chain.get(i - 1).name() + ")";
                if (!answered("SPF", n)) {
                    return;
                }
                List<String> records = Spf.select(n.answer().valuesOrEmpty());
                if (records.isEmpty()) {
                    if (i == 0) {
                        add(FindingKind.SPF_MISSING, Severity.HIGH, "no v=spf1 TXT record at " + n.name() + ": "
                                + n.answer().describe());
                    } else {
                        add(FindingKind.SPF_INVALID, Severity.HIGH, "redirect target " + n.name()
                                + " has no SPF record (permerror)" + where);
                    }
                    return;
                }
                if (records.size() > 1) {
                    add(FindingKind.SPF_INVALID, Severity.HIGH, records.size() + " SPF records at " + n.name()
                            + where + ", a permerror: " + records);
                    return;
                }
                String rec = records.get(0);
                Optional<Character> all = Spf.all(rec);
                if (all.isPresent()) {
                    switch (all.get()) {
                        case '+' -> add(FindingKind.SPF_PERMISSIVE, Severity.CRITICAL, "\"" + rec + "\"" + where
                                + " passes every sender on the internet (+all)");
                        case '?' -> add(FindingKind.SPF_PERMISSIVE, Severity.HIGH, "\"" + rec + "\"" + where
                                + " gives unlisted senders a neutral result (?all)");
                        default -> fact("SPF \"" + rec + "\"" + where + " fails unlisted senders (" + all.get() + "all)");
                    }
                    return;
                }
                Optional<String> redirect = Spf.redirect(rec);
                if (redirect.isEmpty()) {
                    add(FindingKind.SPF_PERMISSIVE, Severity.HIGH, "\"" + rec + "\"" + where
                            + " has no 'all': unlisted senders get a neutral result");
                    return;
                }
                if (redirect.get().contains("%")) {
                    add(FindingKind.DNS_NOT_JUDGED, Severity.HIGH, "SPF not judged: \"" + rec + "\"" + where
                            + " redirects through macros, which need a message to expand");
                    return;
                }
                if (i == chain.size() - 1) {
                    add(FindingKind.SPF_INVALID, Severity.HIGH, "\"" + rec + "\"" + where + " redirects to "
                            + redirect.get() + ", a loop or more than " + MailDomainProbe.MAX_REDIRECTS
                            + " redirects (permerror)");
                    return;
                }
            }
        }

        void dmarc(List<MailDomainRecords.Named> walk) {
            for (int i = 0; i < walk.size(); i++) {
                MailDomainRecords.Named n = walk.get(i);
                if (!answered("DMARC", n)) {
                    return;
                }
                List<TagList> records = TagList.versioned(n.answer().valuesOrEmpty(), "DMARC1");
                if (records.isEmpty()) {
                    continue;
                }
                if (records.size() > 1) {
                    add(FindingKind.DMARC_MISSING, Severity.HIGH, records.size() + " DMARC records at " + n.name()
                            + ": receivers ignore them all (RFC 7489 6.6.3)");
                    return;
                }
                TagList rec = records.get(0);
                boolean own = i == 0;
                String tag = own ? "p" : rec.get("sp").isPresent() ? "sp" : "p";
                String where = own ? n.name() : n.name() + " (the organizational domain's, " + tag + "= for subdomains)";
                String policy = rec.get(tag).map(v -> v.toLowerCase(Locale.ROOT)).orElse("");
                String pct = rec.get("pct").orElse("100");
                if (!policy.equals("quarantine") && !policy.equals("reject")) {
                    add(FindingKind.DMARC_NOT_ENFORCING, Severity.MEDIUM, where + ": "
                            + (policy.isEmpty() ? "no valid " + tag + "= tag" : tag + "=" + policy)
                            + ", so failing mail is delivered as usual");
                } else if (!pct.equals("100")) {
                    add(FindingKind.DMARC_NOT_ENFORCING, Severity.MEDIUM, where + ": " + tag + "=" + policy
                            + " applies to pct=" + pct + " of failing mail only");
                } else {
                    fact("DMARC " + where + ": " + tag + "=" + policy);
                }
                return;
            }
            add(FindingKind.DMARC_MISSING, Severity.HIGH, "no v=DMARC1 TXT record at "
                    + walk.stream().map(MailDomainRecords.Named::name).toList());
        }

        void mtaSts(MailDomainRecords d) {
            String name = "_mta-sts." + domain;
            if (!answered("MTA-STS", new MailDomainRecords.Named(name, d.mtaSts()))) {
                return;
            }
            Optional<TagList> txt = MailDomainRecords.stsRecord(d.mtaSts());
            if (txt.isEmpty()) {
                int n = TagList.versioned(d.mtaSts().valuesOrEmpty(), "STSv1").size();
                add(FindingKind.MTA_STS_MISSING, Severity.MEDIUM, n == 0 ? "no v=STSv1 TXT record at " + name + ": "
                        + d.mtaSts().describe() : n > 1 ? n + " v=STSv1 records at " + name
                        + ": senders assume no policy (RFC 8461 3.1)" : "the v=STSv1 record at " + name
                        + " has no valid id (1-32 letters and digits): senders assume no policy");
                return;
            }
            var fetch = d.policy().orElseThrow(() -> new IllegalArgumentException("an MTA-STS record without the fetch"));
            if (fetch.error().isPresent()) {
                add(FindingKind.MTA_STS_POLICY_UNAVAILABLE, Severity.HIGH, fetch.url() + ": " + fetch.error().get());
                return;
            }
            MtaStsPolicy.Parsed parsed = MtaStsPolicy.parse(fetch.body().get());
            if (parsed.policy().isEmpty()) {
                add(FindingKind.MTA_STS_POLICY_UNAVAILABLE, Severity.HIGH, fetch.url() + " is not a valid policy: "
                        + String.join("; ", parsed.errors()));
                return;
            }
            MtaStsPolicy p = parsed.policy().get();
            fact("MTA-STS id=" + txt.get().get("id").orElseThrow() + ", mode " + p.mode().name().toLowerCase(Locale.ROOT)
                    + ", mx " + p.mx() + ", max_age " + p.maxAge());
            switch (p.mode()) {
                case NONE -> {
                    add(FindingKind.MTA_STS_NOT_ENFORCED, Severity.MEDIUM, fetch.url()
                            + " has mode: none (the policy is withdrawn)");
                    return;
                }
                case TESTING -> add(FindingKind.MTA_STS_NOT_ENFORCED, Severity.LOW, fetch.url()
                        + " has mode: testing (failures are reported, mail still delivered)");
                case ENFORCE -> {
                }
            }
            Answer mx = d.mx().orElseThrow(() -> new IllegalArgumentException("a policy without the MX answer"));
            if (mx.status() == Answer.Status.FAILED) {
                add(FindingKind.DNS_NOT_JUDGED, Severity.HIGH, "MTA-STS mx coverage not judged: " + mx.detail());
                return;
            }
            // no MX records: the domain itself is the implicit MX (RFC 5321 5.1); "." is a null MX
            List<String> hosts = mx.status() == Answer.Status.FOUND ? mx.values() : List.of(domain);
            for (String host : hosts) {
                if (!host.equals(".") && !p.covers(host)) {
                    boolean enforce = p.mode() == MtaStsPolicy.Mode.ENFORCE;
                    add(FindingKind.MTA_STS_MX_NOT_COVERED, enforce ? Severity.CRITICAL : Severity.MEDIUM, "MX " + host
                            + " matches no mx line of " + p.mx() + (enforce ? ": senders that honour the policy "
                            + "will not deliver to it" : ": senders report it (testing mode)"));
                }
            }
        }

        void tlsRpt(Answer a) {
            String name = "_smtp._tls." + domain;
            if (!answered("TLS-RPT", new MailDomainRecords.Named(name, a))) {
                return;
            }
            List<TagList> records = TagList.versioned(a.valuesOrEmpty(), "TLSRPTv1");
            if (records.size() != 1) {
                add(FindingKind.TLS_RPT_MISSING, Severity.LOW, records.isEmpty() ? "no v=TLSRPTv1 TXT record at "
                        + name + ": " + a.describe() : records.size() + " v=TLSRPTv1 records at " + name
                        + ": senders use none (RFC 8460 3)");
            } else if (records.get(0).get("rua").filter(v -> !v.isBlank()).isEmpty()) {
                add(FindingKind.TLS_RPT_MISSING, Severity.LOW, "the v=TLSRPTv1 record at " + name
                        + " has no rua= (where reports go)");
            } else {
                fact("TLS-RPT rua=" + records.get(0).get("rua").get());
            }
        }
    }
}
