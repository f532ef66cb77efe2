package dev.port25.agent.smtp;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Relay and other verdicts from MTA configuration text. The outputs are as Postfix 3.7.11's
 * {@code postconf -x -h} and Exim 4.96's {@code exim -bP} printed them on this machine
 * (2026-11-28); the relay cases vary one parameter each.
 */
class MtaConfigTest {

    private static PostfixConfig postfix(String mynetworks, String relay, String recipient) {
        return PostfixConfig.parse(Path.of("/etc/postfix"), String.join("\n", mynetworks, relay, recipient, "no",
                "proxy:unix:passwd.byname $alias_maps", "may", "no", "no", "mx.p25.test ESMTP Postfix", "all") + "\n");
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
        assertThat(c.starttlsOffered()).isTrue();
        assertThat(c.authBeforeTls()).isFalse();
        assertThat(SmtpProbe.leaks(c.banner())).isTrue();
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
        EximConfig debian = new EximConfig(Path.of("/usr/sbin/exim4"), java.util.Optional.empty(), values);
        assertThat(debian.openRelayBecause()).isEmpty();
        assertThat(debian.starttlsOffered()).isTrue();
        assertThat(SmtpProbe.leaks(debian.banner())).isTrue();
        assertThat(values).containsEntry("acl_smtp_vrfy", "").containsEntry("relay_from_hosts", ": 127.0.0.1 : ::::1");
        var open = new java.util.TreeMap<>(values);
        open.put("relay_from_hosts", "<; 0.0.0.0/0 ; ::/0");
        assertThat(new EximConfig(Path.of("/usr/sbin/exim4"), java.util.Optional.empty(), open).openRelayBecause())
                .isPresent();
    }
}
