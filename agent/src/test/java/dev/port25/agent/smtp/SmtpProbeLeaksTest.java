package dev.port25.agent.smtp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What counts as naming the software or its version, on banners and EHLO first lines real MTAs gave. */
class SmtpProbeLeaksTest {

    /**
     * Exim 4.96 with a plain smtp_banner (ProbeFuzzIT, seed 20261202 case 9): its EHLO reply names
     * the client's IPv4 address, which the version pattern read as a version; over IPv6 it did not.
     */
    @Test
    void theClientsAddressInEximsEhloReplyIsNoVersion() {
        assertThat(SmtpJudge.leaks("250-mx.p25.test Hello port25-agent.invalid [198.18.27.2]")).isFalse();
        assertThat(SmtpJudge.leaks("250-mx.p25.test Hello port25-agent.invalid [fd00:27::2]")).isFalse();
        assertThat(SmtpJudge.leaks("220 mx.p25.test ESMTP")).isFalse();
    }

    @Test
    void productsAndVersionsStillLeak() {
        assertThat(SmtpJudge.leaks("220 mx.p25.test ESMTP Exim 4.96 Wed, 02 Dec 2026 20:17:11 +0000")).isTrue();
        assertThat(SmtpJudge.leaks("220 mx.p25.test ESMTP mailer 3.7.11")).isTrue();
        assertThat(SmtpJudge.leaks("220 mx.p25.test ESMTP Postfix (Debian/GNU)")).isTrue();
        assertThat(SmtpJudge.leaks("250-mx.p25.test Hello [198.18.27.2], Sendmail 8.17.1.9 ready")).isTrue();
        assertThat(SmtpJudge.leaks("220 mx.p25.test ESMTP 8.17.1.9/8.17.1.9; ready")).isTrue();
    }
}
