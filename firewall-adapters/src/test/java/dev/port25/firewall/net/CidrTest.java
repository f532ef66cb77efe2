package dev.port25.firewall.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
        "198.18.0.0/15, 198.18.0.0/15, false",
        "198.19.255.7/15, 198.18.0.0/15, false",
        "10.1.2.3, 10.1.2.3/32, false",
        "0.0.0.0/0, 0.0.0.0/0, false",
        "fd00::1/8, fd00::/8, true",
        "fd00:25::2, fd00:25::2/128, true",
        "::/0, ::/0, true",
        // RFC 5952: lower case, the first of two equal zero runs compressed, a single zero group kept
        "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128, true",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1/128, true",
        "fd00:25:0:0:0:0:0:0/126, fd00:25::/126, true",
        // a v4-mapped network stays IPv6, in its dotted-quad form
        "::ffff:198.18.0.1, ::ffff:198.18.0.1/128, true",
        "::ffff:198.18.0.0/112, ::ffff:198.18.0.0/112, true",
    })
    void parsesAndClearsHostBits(String in, String text, boolean v6) {
        Cidr c = Cidr.parse(in);
        assertThat(c).hasToString(text);
        assertThat(c.ipv6()).isEqualTo(v6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "mail.example.com", "10.0.0.0/33", "fd00::/129", "10.0.0/8", "10.0.0.0/-1",
        "10.0.0.0/x", "1.2.3.4.5", "localhost"})
    void rejectsWhatIsNotANetwork(String in) {
        assertThatThrownBy(() -> Cidr.parse(in)).isInstanceOf(IllegalArgumentException.class);
    }
}
