package dev.port25.agent.smtp;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Relay and other verdicts from MTA configuration text. The outputs are as Postfix 3.7.11's
 * {@code postconf -x -h} and Exim 4.96's {@code exim -bP} printed them on this machine
 * (2026-11-28); the relay cases vary one parameter each.
 */
class MtaConfigTest {

    private static PostfixConfig postfix(String mynetworks, String relay, String recipient) {
        return PostfixConfig.parse(Path.of("/etc/postfix"), String.join("\n", mynetworks, relay, recipient, "no",
                "proxy:unix:passwd.byname $alias_maps", "may", "no", "no", "mx.p25.test ESMTP Postfix", "all", "yes") + "\n");
    }

    @Test
    void postfixRelayFollowsTheRestrictionsInOrder() {
        String defaults = "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination";
        assertThat(postfix("127.0.0.0/8 [::1]/128", defaults, "").openRelayBecause()).isEmpty();
        assertThat(postfix("0.0.0.0/0 [::]/0", defaults, "").openRelayBecause()).get().asString()
                .contains("permit_mynetworks", "0.0.0.0/0");
        assertThat(postfix("127.0.0.0/8", "permit", "reject_unauth_destination").openRelayBecause()).get()
                .asString().contains("unconditional 'permit'");
        assertThat(postfix("127.0.0.0/8", "", "permit_mynetworks").openRelayBecause()).get().asString()
                .contains("neither");
        assertThat(postfix("127.0.0.0/8", "", "permit_mynetworks, reject_unauth_destination").openRelayBecause())
                .isEmpty();
        PostfixConfig c = postfix("127.0.0.0/8", defaults, "");
        assertThat(c.vrfyEnabled()).isTrue();
        assertThat(c.rejectsUnknownLocalUsers()).isTrue();
        assertThat(c.rcptDisclosesUsers()).isTrue();
        var unlisted = new TreeMap<>(c.values());
        unlisted.put("smtpd_reject_unlisted_recipient", "no");
        assertThat(new PostfixConfig(c.dir(), unlisted).rcptDisclosesUsers()).isFalse();
        var noMaps = new TreeMap<>(c.values());
        noMaps.put("local_recipient_maps", "");
        assertThat(new PostfixConfig(c.dir(), noMaps).rcptDisclosesUsers()).isFalse();
        assertThat(c.starttlsOffered()).isTrue();
        assertThat(c.authBeforeTls()).isFalse();
        assertThat(SmtpJudge.leaks(c.banner())).isTrue();
    }

    @Test
    void eximNamedListsAndOptionsParse() {
        var values = EximConfig.parse("""
                tls_advertise_hosts = *
                smtp_banner = $smtp_active_hostname ESMTP Exim $version_number $tod_full
                acl_smtp_vrfy =\s
                acl_smtp_expn =\s
                hostlist relay_from_hosts = : 127.0.0.1 : ::::1
                """);
        EximConfig debian = new EximConfig(Path.of("/usr/sbin/exim4"), Optional.empty(), values);
        assertThat(debian.openRelayBecause()).isEmpty();
        assertThat(debian.starttlsOffered()).isTrue();
        assertThat(SmtpJudge.leaks(debian.banner())).isTrue();
        assertThat(values).containsEntry("acl_smtp_vrfy", "").containsEntry("relay_from_hosts", ": 127.0.0.1 : ::::1");
        var open = new TreeMap<>(values);
        open.put("relay_from_hosts", "<; 0.0.0.0/0 ; ::/0");
        assertThat(new EximConfig(Path.of("/usr/sbin/exim4"), Optional.empty(), open).openRelayBecause())
                .isPresent();
    }
    @Test
    void eximHostCheckPreambleIsSkippedUpToTheGreetingAndBounded() throws Exception {
        // as exim 4.96 -bh printed it on this machine (the replies end in CRLF, its own lines do not)
        String out = "\n**** SMTP testing session as if from host 192.0.2.1\n**** but without any ident (RFC 1413) "
                + "callback.\n**** This is not for real!\n\n220 mx.p25.test ESMTP Exim 4.96\r\n250 OK\r\n";
        var in = new EximConfig.SkipPreamble(new ByteArrayInputStream(out.getBytes(
                StandardCharsets.US_ASCII)));
        SmtpReader reader = new SmtpReader(in, SmtpReader.Limits.DEFAULT);
        assertThat(reader.read().toString()).isEqualTo("220 mx.p25.test ESMTP Exim 4.96");
        assertThat(reader.read().code()).isEqualTo(250);

        var endless = new EximConfig.SkipPreamble(new ByteArrayInputStream(("****\n".repeat(2000))
                .getBytes(StandardCharsets.US_ASCII)));
        Assertions.assertThatThrownBy(() -> new SmtpReader(endless, SmtpReader.Limits.DEFAULT).read())
                .isInstanceOf(SmtpProtocolException.class).hasMessageContaining("more than 4096 bytes before its greeting");
    }
}
