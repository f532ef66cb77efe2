package dev.port25.agent.smtp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SNIHostName;

import static org.assertj.core.api.Assertions.assertThat;

/** SNI carries DNS host names only (RFC 6066 section 3): never an address literal, never a name SNIHostName refuses. */
class SmtpSessionSniTest {

    @ParameterizedTest
    @ValueSource(strings = {"fd26::11", "::1", "fe80::1%p25a", "[fd00:25::1]", "198.18.25.11", "127.0.0.1",
        "mx_1.p25.test", "bad name", ""})
    void noSniForAddressLiteralsOrNamesThatAreNotLdh(String name) {
        assertThat(SmtpSession.sniName(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mx.p25.test", "localhost", "mail1.example.org", "xn--bcher-kva.example"})
    void hostNamesAreSentAsTheyAre(String name) {
        assertThat(SmtpSession.sniName(name)).map(SNIHostName::getAsciiName).contains(name);
    }
}
