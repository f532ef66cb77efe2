package dev.port25.agent.policy;

import dev.port25.agent.dns.Answer;
import dev.port25.agent.dns.MailDomainRecords;
import dev.port25.agent.dns.MailDomainRecords.Named;
import dev.port25.agent.dns.PolicyFetch;
import dev.port25.agent.facts.Facts;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.settings.Role;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mail domain's DNS hygiene judged from recorded answers (the answers dnsmasq gives in
 * MailDomainIT, and the failures a resolver can give, which a real one cannot be made to give
 * on demand).
 */
class MailDomainPolicyTest {

    static final String D = "example.org";
    static final String URL = "https://mta-sts.example.org/.well-known/mta-sts.txt";
    static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.org\r\nmx: *.mx.example.org\r\n"
            + "max_age: 604800\r\n";

    static Answer txt(String... records) {
        return Answer.found(List.of(records));
    }

    static final Answer NX = Answer.none("NXDOMAIN");
    static final Answer TIMEOUT = Answer.failed("TXT x: no answer within 5 s from [198.18.53.1]");

    /** A domain with everything right, to vary one part at a time. */
    record Domain(List<Named> spf, List<Named> dmarc, Answer sts, Optional<PolicyFetch> policy, Optional<Answer> mx,
                  Answer rpt) {
        static Domain good() {
            return new Domain(List.of(new Named(D, txt("v=spf1 mx -all", "other=1"))),
                    List.of(new Named("_dmarc." + D, txt("v=DMARC1; p=reject"))), txt("v=STSv1; id=42"),
                    Optional.of(PolicyFetch.ok(URL, POLICY)), Optional.of(txt("mx1.example.org", "a.mx.example.org")),
                    txt("v=TLSRPTv1; rua=mailto:tls@example.org"));
        }

        Domain spf(Named... chain) {
            return new Domain(List.of(chain), dmarc, sts, policy, mx, rpt);
        }

        Domain dmarc(Named... walk) {
            return new Domain(spf, List.of(walk), sts, policy, mx, rpt);
        }

        Domain sts(Answer txt, Optional<PolicyFetch> fetch, Optional<Answer> mxs) {
            return new Domain(spf, dmarc, txt, fetch, mxs, rpt);
        }

        Domain policy(String body) {
            return new Domain(spf, dmarc, sts, Optional.of(PolicyFetch.ok(URL, body)), mx, rpt);
        }

        Domain mx(Answer mxs) {
            return new Domain(spf, dmarc, sts, policy, Optional.of(mxs), rpt);
        }

        Domain rpt(Answer txt) {
            return new Domain(spf, dmarc, sts, policy, mx, txt);
        }

        MailDomainPolicy.Judgement judge() {
            return MailDomainPolicy.judge(new MailDomainRecords(D, spf, dmarc, sts, policy, mx, rpt));
        }

        List<String> ids() {
            return judge().findings().stream().map(f -> f.kind().id() + " " + f.severity()).toList();
        }
    }

    static Named spf(String name, Answer a) {
        return new Named(name, a);
    }

    @Test
    void aDomainWithEverythingRightHasNoFindingsAndSaysWhatItRead() {
        MailDomainPolicy.Judgement j = Domain.good().judge();
        assertThat(j.findings()).isEmpty();
        assertThat(j.facts()).containsExactly("example.org: SPF \"v=spf1 mx -all\" fails unlisted senders (-all)",
                "example.org: DMARC _dmarc.example.org: p=reject",
                "example.org: MTA-STS id=42, mode enforce, mx [mx1.example.org, *.mx.example.org], max_age 604800",
                "example.org: TLS-RPT rua=mailto:tls@example.org");
    }

    @Test
    void spf() {
        Domain g = Domain.good();
        assertThat(g.spf(spf(D, txt("v=spf1 mx ~all"))).ids()).isEmpty();
        assertThat(g.spf(spf(D, txt("v=spf1 +all"))).ids()).containsExactly("P25-202 CRITICAL");
        assertThat(g.spf(spf(D, txt("v=spf1 all"))).ids()).containsExactly("P25-202 CRITICAL");
        assertThat(g.spf(spf(D, txt("v=spf1 mx ?all"))).ids()).containsExactly("P25-202 HIGH");
        assertThat(g.spf(spf(D, txt("v=spf1 mx"))).ids()).containsExactly("P25-202 HIGH");
        assertThat(g.spf(spf(D, NX)).ids()).containsExactly("P25-201 HIGH");
        assertThat(g.spf(spf(D, txt("google-site-verification=x"))).ids()).containsExactly("P25-201 HIGH");
        assertThat(g.spf(spf(D, txt("v=spf1 -all", "v=spf1 mx -all"))).ids()).containsExactly("P25-203 HIGH");
        // redirects: followed to the record that decides
        assertThat(g.spf(spf(D, txt("v=spf1 redirect=_spf.example.net")), spf("_spf.example.net",
                txt("v=spf1 ip4:192.0.2.0/24 -all"))).ids()).isEmpty();
        assertThat(g.spf(spf(D, txt("v=spf1 redirect=_spf.example.net")), spf("_spf.example.net",
                txt("v=spf1 +all"))).ids()).containsExactly("P25-202 CRITICAL");
        assertThat(g.spf(spf(D, txt("v=spf1 redirect=_spf.example.net")), spf("_spf.example.net", NX)).ids())
                .containsExactly("P25-203 HIGH");
        assertThat(g.spf(spf(D, txt("v=spf1 redirect=example.org"))).ids()).as("a loop, asked once")
                .containsExactly("P25-203 HIGH");
        assertThat(g.spf(spf(D, txt("v=spf1 redirect=%{d}._spf.example.net"))).ids()).as("macros need a message")
                .containsExactly("P25-211 HIGH");
        // 'all' wins over redirect (RFC 7208 6.1)
        assertThat(g.spf(spf(D, txt("v=spf1 redirect=_spf.example.net -all"))).ids()).isEmpty();
    }

    @Test
    void dmarc() {
        Domain g = Domain.good();
        String at = "_dmarc." + D;
        assertThat(g.dmarc(spf(at, txt("v=DMARC1; p=quarantine"))).ids()).isEmpty();
        assertThat(g.dmarc(spf(at, txt("v=DMARC1; p=none; rua=mailto:d@example.org"))).ids())
                .containsExactly("P25-205 MEDIUM");
        assertThat(g.dmarc(spf(at, txt("v=DMARC1; rua=mailto:d@example.org"))).judge().findings().get(0).evidence())
                .isEqualTo("example.org: _dmarc.example.org: no valid p= tag, so failing mail is delivered as usual");
        assertThat(g.dmarc(spf(at, txt("v=DMARC1; p=reject; pct=10"))).ids()).containsExactly("P25-205 MEDIUM");
        assertThat(g.dmarc(spf(at, txt("v=DMARC1; p=reject", "v=DMARC1; p=none"))).ids()).as("RFC 7489 6.6.3")
                .containsExactly("P25-204 HIGH");
        assertThat(g.dmarc(spf(at, txt("v=spf1 -all"))).ids()).containsExactly("P25-204 HIGH");
        assertThat(g.dmarc(spf(at, NX)).ids()).containsExactly("P25-204 HIGH");
        // the walk up: the organizational domain's sp=, else its p=
        assertThat(g.dmarc(spf(at, NX), spf("_dmarc.org", txt("v=DMARC1; p=none; sp=reject"))).ids()).isEmpty();
        assertThat(g.dmarc(spf(at, NX), spf("_dmarc.org", txt("v=DMARC1; p=reject"))).ids()).isEmpty();
        assertThat(g.dmarc(spf(at, NX), spf("_dmarc.org", txt("v=DMARC1; p=reject; sp=none"))).ids())
                .containsExactly("P25-205 MEDIUM");
    }

    @Test
    void mtaSts() {
        Domain g = Domain.good();
        assertThat(g.sts(NX, Optional.empty(), Optional.empty()).ids()).containsExactly("P25-206 MEDIUM");
        assertThat(g.sts(txt("v=STSv1; id=1", "v=STSv1; id=2"), Optional.empty(), Optional.empty()).ids())
                .containsExactly("P25-206 MEDIUM");
        assertThat(g.sts(txt("v=STSv1; id=not-valid"), Optional.empty(), Optional.empty()).ids())
                .containsExactly("P25-206 MEDIUM");
        assertThat(g.sts(txt("v=STSv1; id=1"), Optional.of(PolicyFetch.failed(URL, "HTTP 404 Not Found")),
                Optional.of(NX)).ids()).containsExactly("P25-207 HIGH");
        assertThat(g.policy("version: STSv1\nmode: enforce\n").ids()).containsExactly("P25-207 HIGH");
        assertThat(g.policy(POLICY.replace("enforce", "testing")).ids()).containsExactly("P25-208 LOW");
        assertThat(g.policy("version: STSv1\nmode: none\nmax_age: 86400\n").ids()).as("no mx check for none")
                .containsExactly("P25-208 MEDIUM");
        // MX coverage: '*.' covers one label; enforce makes an uncovered MX critical
        assertThat(g.mx(txt("b.a.mx.example.org", "mx1.example.org")).ids()).containsExactly("P25-209 CRITICAL");
        assertThat(g.policy(POLICY.replace("enforce", "testing")).mx(txt("mx2.example.org")).ids())
                .containsExactly("P25-208 LOW", "P25-209 MEDIUM");
        // no MX: the domain itself is the implicit MX; a null MX accepts no mail
        assertThat(g.mx(Answer.none("no MX record")).ids()).containsExactly("P25-209 CRITICAL");
        assertThat(g.policy(POLICY + "mx: example.org\r\n").mx(Answer.none("no MX record")).ids()).isEmpty();
        assertThat(g.mx(txt(".")).ids()).isEmpty();
        assertThat(g.mx(TIMEOUT).ids()).containsExactly("P25-211 HIGH");
    }

    @Test
    void tlsRpt() {
        Domain g = Domain.good();
        assertThat(g.rpt(NX).ids()).containsExactly("P25-210 LOW");
        assertThat(g.rpt(txt("v=TLSRPTv1;")).ids()).containsExactly("P25-210 LOW");
        assertThat(g.rpt(txt("v=TLSRPTv1; rua=mailto:a@example.org", "v=TLSRPTv1; rua=mailto:b@example.org")).ids())
                .containsExactly("P25-210 LOW");
    }

    @Test
    void anUnansweredQuestionIsNotJudgedNeverMissingAndTheVerdictIsUnknown() {
        Domain silent = new Domain(List.of(spf(D, TIMEOUT)), List.of(spf("_dmarc." + D, TIMEOUT)), TIMEOUT,
                Optional.empty(), Optional.empty(), TIMEOUT);
        assertThat(silent.ids()).containsExactly("P25-211 HIGH", "P25-211 HIGH", "P25-211 HIGH", "P25-211 HIGH");
        assertThat(silent.judge().findings().get(0).evidence())
                .isEqualTo("example.org: SPF not judged: TXT x: no answer within 5 s from [198.18.53.1]");
        assertThat(Evaluator.verdict(silent.judge().findings())).isEqualTo(Verdict.UNKNOWN);
        // a DMARC walk that stops at an unanswered parent is not "missing" either
        assertThat(Domain.good().dmarc(spf("_dmarc." + D, NX), spf("_dmarc.org", TIMEOUT)).ids())
                .containsExactly("P25-211 HIGH");
    }

    @Test
    void theEvaluatorWeighsDnsOnAMailServerOnly() throws Exception {
        MailDomainRecords open = new MailDomainRecords(D, List.of(spf(D, txt("v=spf1 +all"))),
                List.of(spf("_dmarc." + D, txt("v=DMARC1; p=reject"))), NX, Optional.empty(), Optional.empty(),
                txt("v=TLSRPTv1; rua=mailto:tls@example.org"));
        Inventory inv = new Inventory(InventorySource.NETLINK, Set.of(25),
                List.of(EvaluatorTest.tcp("0.0.0.0", Optional.empty())), List.of());
        for (Role role : Role.values()) {
            Assessment a = Evaluator.evaluate(new Facts("test-host", new RoleResolver.Decision(role, "test"),
                    EvaluatorTest.settings(""), Facts.Result.of(inv), EvaluatorTest.recorded("no-rules"),
                    Optional.empty(), Optional.of(List.of(open))));
            List<String> ids = EvaluatorTest.ids(a);
            if (role == Role.MAIL_SERVER) {
                assertThat(ids).containsExactly("P25-202 CRITICAL", "P25-206 MEDIUM");
                assertThat(a.verdict()).isEqualTo(Verdict.CRITICAL);
            } else {
                assertThat(ids).noneMatch(id -> id.startsWith("P25-2"));
            }
        }
        Assessment none = Evaluator.evaluate(new Facts("test-host", new RoleResolver.Decision(Role.MAIL_SERVER, "test"),
                EvaluatorTest.settings(""), Facts.Result.of(inv), EvaluatorTest.recorded("no-rules"), Optional.empty(),
                Optional.of(List.of())));
        assertThat(none.facts()).contains("DNS hygiene not checked: roles.mailServer.domains names no domain");
        assertThat(none.verdict()).isEqualTo(Verdict.OK);
    }
}
