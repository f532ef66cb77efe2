package dev.port25.agent.dns;

import dev.port25.agent.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Asks DNS (and the MTA-STS policy host) what a receiving server and a spoofer would learn about
 * each mail domain: SPF, DMARC, MTA-STS and its policy, TLS-RPT. The questions for all domains
 * are asked at once; only a redirect, a parent domain's DMARC record or the policy waits on an
 * earlier answer.
 */
public final class MailDomainProbe {

    /** RFC 7208 4.6.4 caps the DNS-querying terms of one evaluation at 10. */
    public static final int MAX_REDIRECTS = 10;
    /** DMARCbis caps its tree walk at 8 queries. */
    static final int MAX_DMARC_WALK = 8;

    private final DnsLookup dns;
    private final Executor blocking;

    /**
     * @param dns      where questions go
     * @param blocking runs the policy fetch, which blocks
     */
    public MailDomainProbe(DnsLookup dns, Executor blocking) {
        this.dns = dns;
        this.blocking = blocking;
    }

    /** The records of each domain, in order. */
    public List<MailDomainRecords> check(List<Settings.DomainName> domains) {
        try (PolicyFetcher fetcher = new PolicyFetcher(dns)) {
            List<CompletableFuture<MailDomainRecords>> all = domains.stream()
                    .map(d -> one(d.name().toLowerCase(Locale.ROOT), fetcher)).toList();
            return all.stream().map(CompletableFuture::join).toList();
        }
    }

    private CompletableFuture<MailDomainRecords> one(String domain, PolicyFetcher fetcher) {
        CompletableFuture<List<MailDomainRecords.Named>> spf = spf(domain, new ArrayList<>());
        CompletableFuture<List<MailDomainRecords.Named>> dmarc = dmarc(domain, new ArrayList<>());
        CompletableFuture<Answer> sts = dns.txt("_mta-sts." + domain);
        CompletableFuture<Answer> rpt = dns.txt("_smtp._tls." + domain);
        record Policy(Optional<PolicyFetch> fetch, Optional<Answer> mx) {
        }
        CompletableFuture<Policy> policy = sts.thenCompose(txt -> {
            if (MailDomainRecords.stsRecord(txt).isEmpty()) {
                return CompletableFuture.completedFuture(new Policy(Optional.empty(), Optional.empty()));
            }
            return CompletableFuture.supplyAsync(() -> fetcher.fetch(domain), blocking)
                    .thenCombine(dns.mx(domain), (f, mx) -> new Policy(Optional.of(f), Optional.of(mx)));
        });
        return CompletableFuture.allOf(spf, dmarc, sts, rpt, policy).thenApply(x -> new MailDomainRecords(domain,
                spf.join(), dmarc.join(), sts.join(), policy.join().fetch(), policy.join().mx(), rpt.join()));
    }

    /** The domain's TXT records, then each redirect's while a single SPF record without 'all' names one. */
    private CompletableFuture<List<MailDomainRecords.Named>> spf(String name, List<MailDomainRecords.Named> chain) {
        return dns.txt(name).thenCompose(a -> {
            chain.add(new MailDomainRecords.Named(name, a));
            Optional<String> next = nextRedirect(a);
            if (next.isEmpty() || chain.size() > MAX_REDIRECTS
                    || chain.stream().anyMatch(n -> n.name().equalsIgnoreCase(next.get()))) {
                return CompletableFuture.completedFuture(chain);
            }
            return spf(next.get(), chain);
        });
    }

    /** Where an SPF evaluation goes next: the redirect of a lone record without 'all', unless it holds macros. */
    public static Optional<String> nextRedirect(Answer txt) {
        if (txt.status() != Answer.Status.FOUND) {
            return Optional.empty();
        }
        List<String> records = Spf.select(txt.values());
        if (records.size() != 1 || Spf.all(records.get(0)).isPresent()) {
            return Optional.empty();
        }
        return Spf.redirect(records.get(0)).filter(r -> !r.contains("%"));
    }

    /** _dmarc at the domain, then at each parent (not the top-level label) until an answer decides. */
    private CompletableFuture<List<MailDomainRecords.Named>> dmarc(String domain, List<MailDomainRecords.Named> walk) {
        String name = "_dmarc." + domain;
        return dns.txt(name).thenCompose(a -> {
            walk.add(new MailDomainRecords.Named(name, a));
            boolean decided = a.status() == Answer.Status.FAILED
                    || !TagList.versioned(a.valuesOrEmpty(), "DMARC1").isEmpty();
            int dot = domain.indexOf('.');
            String parent = dot < 0 ? "" : domain.substring(dot + 1);
            if (decided || !parent.contains(".") || walk.size() >= MAX_DMARC_WALK) {
                return CompletableFuture.completedFuture(walk);
            }
            return dmarc(parent, walk);
        });
    }
}
