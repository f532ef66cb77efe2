package dev.port25.agent.dns;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What DNS and the MTA-STS policy host say about one mail domain, as asked; judged by
 * {@link dev.port25.agent.policy.MailDomainPolicy}.
 *
 * @param domain the mail domain
 * @param spf    the TXT records at the domain, then at each {@code redirect=} target followed
 * @param dmarc  the TXT records at {@code _dmarc.<domain>}, then at each parent's until one has a
 *               DMARC record or gives no answer (the DMARCbis tree walk, without the public
 *               suffix list)
 * @param mtaSts the TXT records at {@code _mta-sts.<domain>}
 * @param policy the policy fetched, when the TXT record announced one
 * @param mx     the domain's MX hosts, asked with the policy (its patterns must cover them)
 * @param tlsRpt the TXT records at {@code _smtp._tls.<domain>}
 */
public record MailDomainRecords(String domain, List<Named> spf, List<Named> dmarc, Answer mtaSts,
                                Optional<PolicyFetch> policy, Optional<Answer> mx, Answer tlsRpt) {

    /** An answer and the name asked. */
    public record Named(String name, Answer answer) {
        public Named {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(answer, "answer");
        }
    }

    public MailDomainRecords {
        Objects.requireNonNull(domain, "domain");
        spf = List.copyOf(spf);
        dmarc = List.copyOf(dmarc);
        Objects.requireNonNull(mtaSts, "mtaSts");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(mx, "mx");
        Objects.requireNonNull(tlsRpt, "tlsRpt");
        if (spf.isEmpty() || dmarc.isEmpty()) {
            throw new IllegalArgumentException("the domain's own SPF and DMARC answers are needed");
        }
    }

    /**
     * The MTA-STS TXT record senders would use: exactly one record starting "v=STSv1" with a
     * valid id (RFC 8461 3.1: otherwise senders assume there is no policy).
     */
    public static Optional<TagList> stsRecord(Answer txt) {
        if (txt.status() != Answer.Status.FOUND) {
            return Optional.empty();
        }
        List<TagList> sts = TagList.versioned(txt.values(), "STSv1");
        if (sts.size() != 1 || sts.get(0).get("id").filter(TagList::validStsId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(sts.get(0));
    }
}
