package dev.port25.agent.inventory;

import dev.port25.firewall.net.IpAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class AddressesTest {

    private static InetAddress parse(String text) throws Exception {
        // InetAddress turns v4-mapped text into an Inet4Address; keep the 16 bytes.
        byte[] raw = InetAddress.getByName(text).getAddress();
        if (text.contains(":") && raw.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            raw = mapped;
        }
        return IpAddresses.of(raw);
    }

    /** Expected text as glibc inet_ntop (and so ss -n) prints it. */
    @ParameterizedTest
    @CsvSource({
        "0.0.0.0, 0.0.0.0",
        "127.0.0.1, 127.0.0.1",
        "::, ::",
        "::1, ::1",
        "::ffff:127.0.0.1, ::ffff:127.0.0.1",
        "0:0:0:0:0:ffff:c612:2, ::ffff:198.18.0.2",
        "fd00:0:0:0:0:0:0:25, fd00::25",
        "fe80:0:0:0:0:0:0:1, fe80::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
        "1:0:0:0:0:0:0:0, 1::",
        "::102:304, ::1.2.3.4",
        "2001:0:1:0:1:0:1:0, 2001:0:1:0:1:0:1:0",
    })
    void textMatchesInetNtop(String in, String expected) throws Exception {
        assertThat(IpAddresses.text(parse(in))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0, WILDCARD, UNSPECIFIED",
        "::, WILDCARD, UNSPECIFIED",
        "::ffff:0.0.0.0, WILDCARD, UNSPECIFIED",
        "127.0.0.1, LOOPBACK, LOOPBACK",
        "127.1.2.3, LOOPBACK, LOOPBACK",
        "::1, LOOPBACK, LOOPBACK",
        "::ffff:127.0.0.1, LOOPBACK, LOOPBACK",
        "169.254.1.1, ADDRESS, LINK_LOCAL",
        "fe80::1, ADDRESS, LINK_LOCAL",
        "10.1.2.3, ADDRESS, PRIVATE",
        "172.16.0.1, ADDRESS, PRIVATE",
        "172.31.255.255, ADDRESS, PRIVATE",
        "172.32.0.1, ADDRESS, PUBLIC",
        "192.168.1.1, ADDRESS, PRIVATE",
        "fd00::25, ADDRESS, PRIVATE",
        "fc00::1, ADDRESS, PRIVATE",
        "100.64.0.1, ADDRESS, SHARED",
        "100.127.255.255, ADDRESS, SHARED",
        "100.128.0.1, ADDRESS, PUBLIC",
        "198.18.0.1, ADDRESS, RESERVED",
        "198.19.255.1, ADDRESS, RESERVED",
        "192.0.2.1, ADDRESS, RESERVED",
        "224.0.0.1, ADDRESS, RESERVED",
        "2001:db8::1, ADDRESS, RESERVED",
        "ff02::1, ADDRESS, RESERVED",
        "8.8.8.8, ADDRESS, PUBLIC",
        "::ffff:8.8.8.8, ADDRESS, PUBLIC",
        "2a00:1450::1, ADDRESS, PUBLIC",
    })
    void scopeAndClass(String in, Scope scope, AddressClass cls) throws Exception {
        InetAddress a = parse(in);
        assertThat(Addresses.scope(a)).isEqualTo(scope);
        assertThat(Addresses.classify(a)).isEqualTo(cls);
    }

    private static Listener listener(Family family, String address, Optional<Boolean> v6only) throws Exception {
        return new Listener(Protocol.TCP, family, parse(address), 25, v6only, Optional.empty(),
                OptionalInt.empty(), OptionalLong.empty(), List.of(), Optional.empty());
    }

    @Test
    void dualStackWildcardIsReachableOverIpv4Too() throws Exception {
        assertThat(listener(Family.IPV6, "::", Optional.of(false)).reachableOver())
                .containsExactly(Family.IPV4, Family.IPV6);
        assertThat(listener(Family.IPV6, "::", Optional.of(true)).reachableOver()).containsExactly(Family.IPV6);
        assertThat(listener(Family.IPV6, "::", Optional.empty()).reachableOver())
                .as("unknown v6only assumes the worst").containsExactly(Family.IPV4, Family.IPV6);
        assertThat(listener(Family.IPV6, "::ffff:198.18.0.2", Optional.of(false)).reachableOver())
                .containsExactly(Family.IPV4);
        assertThat(listener(Family.IPV6, "fd00::25", Optional.of(true)).reachableOver()).containsExactly(Family.IPV6);
        assertThat(listener(Family.IPV4, "0.0.0.0", Optional.of(false)).reachableOver()).containsExactly(Family.IPV4);
    }

    @Test
    void endpointNamesTheSocketLikeSs() throws Exception {
        assertThat(listener(Family.IPV6, "::1", Optional.of(true)).endpoint()).isEqualTo("tcp [::1]:25");
        assertThat(listener(Family.IPV4, "127.0.0.1", Optional.of(false)).endpoint()).isEqualTo("tcp 127.0.0.1:25");
    }
}
