package dev.port25.agent.smtp;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The enumeration verdicts over replies as Postfix 3.7, Exim 4.96 and OpenSMTPD 6.8 gave them in
 * SmtpProbeIT's sessions: only a reply about the user counts; a lost transaction or a dropped
 * session leaves that user unanswered, never absent.
 */
class UserAnswersTest {

    private static final SmtpReply OK = reply(250, "2.1.5 Ok");
    private static final SmtpReply UNKNOWN = reply(550,
            "5.1.1 <p25x01@mx.p25.test>: Recipient address rejected: User unknown in local recipient table");
    private static final SmtpReply NEED_MAIL = reply(503, "5.5.1 Error: need MAIL command");
    private static final SmtpReply TOO_MANY = reply(421, "4.7.0 mx.p25.test Error: too many errors");

    private static SmtpReply reply(int code, String text) {
        return new SmtpReply(code, List.of(text));
    }

    private static Map<String, Optional<SmtpReply>> users(Object... pairs) {
        Map<String, Optional<SmtpReply>> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], Optional.ofNullable((SmtpReply) pairs[i + 1]));
        }
        return m;
    }

    @Test
    void aLostTransactionIsNoAnswerAboutTheUser() {
        UserAnswers.Verdict v = UserAnswers.judge(Optional.of(UNKNOWN), users("root", OK, "postmaster", OK,
                "alice", UNKNOWN, "bob", TOO_MANY, "carol", NEED_MAIL, "dave", null));
        assertThat(v.answer()).isEqualTo(SmtpProbeResult.Answer.DISCLOSES);
        assertThat(v.disclosed()).containsExactly("root", "postmaster");
        assertThat(v.unanswered()).containsExactly("bob", "carol", "dave");
    }

    @Test
    void withoutAnAnswerForTheControlNothingIsJudged() {
        UserAnswers.Verdict v = UserAnswers.judge(Optional.of(NEED_MAIL), users("root", OK, "alice", UNKNOWN));
        assertThat(v.answer()).isEqualTo(SmtpProbeResult.Answer.NOT_TESTED);
        assertThat(v.disclosed()).isEmpty();
        assertThat(v.unanswered()).containsExactly("control");
    }

    @Test
    void eximsSameVrfyAnswerForEveryoneIsUniform() {
        SmtpReply prohibited = reply(252, "Administrative prohibition");
        UserAnswers.Verdict v = UserAnswers.judge(Optional.of(prohibited), users("root", prohibited,
                "postmaster", prohibited));
        assertThat(v.answer()).isEqualTo(SmtpProbeResult.Answer.UNIFORM);
        assertThat(v.unanswered()).isEmpty();
    }

    @Test
    void aSwitchedOffCommandIsDisabledEvenWhenSomeQuestionsGotNoAnswer() {
        SmtpReply off = reply(502, "5.5.1 VRFY command is disabled");
        UserAnswers.Verdict v = UserAnswers.judge(Optional.of(off), users("root", off, "alice", TOO_MANY));
        assertThat(v.answer()).isEqualTo(SmtpProbeResult.Answer.DISABLED);
        assertThat(v.unanswered()).containsExactly("alice");
    }

    /**
     * Exim 4.96 past smtp_accept_max_nonmail (ProbeFuzzIT, seed 20261202 case 25): "554 Too many
     * nonmail commands", then it hangs up. That says nothing about the user asked: it was judged a
     * refusal, so the same answer for everyone read as OTHER and a real user as absent.
     */
    @Test
    void eximsTooManyNonmailCommandsIsNoAnswerAboutTheUser() {
        SmtpReply prohibited = reply(252, "Administrative prohibition");
        SmtpReply tooMany = reply(554, "Too many nonmail commands");
        UserAnswers.Verdict vrfy = UserAnswers.judge(Optional.of(prohibited), users("root", prohibited,
                "alice", prohibited, "list", tooMany));
        assertThat(vrfy.answer()).isEqualTo(SmtpProbeResult.Answer.UNIFORM);
        assertThat(vrfy.unanswered()).containsExactly("list");
        SmtpReply unrouteable = reply(550, "<alice@mx.p25.test> Unrouteable address");
        SmtpReply deliverable = reply(250, "<www-data@mx.p25.test> is deliverable");
        UserAnswers.Verdict told = UserAnswers.judge(Optional.of(unrouteable), users("alice", unrouteable,
                "mail", deliverable, "www-data", tooMany));
        assertThat(told.disclosed()).containsExactly("mail");
        assertThat(told.unanswered()).containsExactly("www-data");
        // Postfix's access-map REJECT is a 554 too, and a refusal of that user
        SmtpReply denied = reply(554, "5.7.1 <bob@mx.p25.test>: Recipient address rejected: Access denied");
        UserAnswers.Verdict access = UserAnswers.judge(Optional.of(denied), users("root", reply(250, "2.1.5 Ok"),
                "bob", denied));
        assertThat(access.disclosed()).containsExactly("root");
        assertThat(access.unanswered()).isEmpty();
    }

    @Test
    void onlyUnansweredUsersIsNotTestedNotUniform() {
        UserAnswers.Verdict v = UserAnswers.judge(Optional.of(UNKNOWN), users("root", NEED_MAIL, "alice", TOO_MANY));
        assertThat(v.answer()).isEqualTo(SmtpProbeResult.Answer.NOT_TESTED);
        assertThat(v.unanswered()).containsExactly("root", "alice");
    }

    @Test
    void theCandidateDomainsComeFromSettingsTheServersNamesAndTheirParents() {
        assertThat(SmtpDomains.candidates(List.of("P25.test"), "mx.p25.test", Optional.of("220 mx.p25.test ESMTP")))
                .containsExactly("p25.test", "mx.p25.test");
        assertThat(SmtpDomains.candidates(List.of(), "vm", Optional.of("220 vm ESMTP OpenSMTPD")))
                .containsExactly("vm");
        assertThat(SmtpDomains.candidates(List.of(), "mail-1.a.example.org",
                Optional.of("220-relay.example.net ESMTP\n220 more")))
                .containsExactly("mail-1.a.example.org", "relay.example.net", "a.example.org", "example.org",
                        "example.net");
        assertThat(SmtpDomains.candidates(List.of(), "[198.18.25.1]", Optional.of("220 [198.18.25.1] ready")))
                .containsExactly("localhost");
    }
}
